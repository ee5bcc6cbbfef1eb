from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "jtlcloud.api"
    verbose_name = "API"
