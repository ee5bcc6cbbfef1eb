from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "jtlcloud.privacy"
    verbose_name = "Privacy"
