from django.apps import AppConfig


class TelemetryConfig(AppConfig):
    name = "jtlcloud.telemetry"
    verbose_name = "Telemetry"

    def ready(self) -> None:
        from django.db.models.signals import pre_delete

        from jtlcloud.telemetry.models import Channel

        def drop_channel_data(sender: object, instance: Channel, **kwargs: object) -> None:
            from jtlcloud.telemetry.store import delete_channel_data

            delete_channel_data([instance.pk])

        pre_delete.connect(drop_channel_data, sender=Channel, dispatch_uid="telemetry-channel")
