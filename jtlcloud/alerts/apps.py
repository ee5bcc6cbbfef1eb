from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "jtlcloud.alerts"
    verbose_name = "Alerts"
