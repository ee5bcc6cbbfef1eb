from django.apps import AppConfig


class InstallationsConfig(AppConfig):
    name = "jtlcloud.installations"
    verbose_name = "Installations"
