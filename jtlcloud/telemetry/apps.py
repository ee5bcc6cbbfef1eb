from django.apps import AppConfig


class TelemetryConfig(AppConfig):
    name = "jtlcloud.telemetry"
    verbose_name = "Telemetry"
