from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "jtlcloud.alerts"
    verbose_name = "Alerts"

    def ready(self) -> None:
        from jtlcloud.alerts import sections  # noqa: F401 - registers the "Your data" sections
        from jtlcloud.alerts.evaluate import on_batch_stored
        from jtlcloud.telemetry.signals import batch_stored

        batch_stored.connect(on_batch_stored, dispatch_uid="alerts.evaluate_batch")
