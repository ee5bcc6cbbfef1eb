from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "jtlcloud.web"
    verbose_name = "Web"
