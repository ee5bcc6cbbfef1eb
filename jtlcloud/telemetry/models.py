"""Channels, readings, rollups, events and retention of installation data.

Readings and rollups are the volume tables. They are created by SQL in the
migrations (``WITHOUT ROWID`` on SQLite, BRIN-indexed on PostgreSQL) and kept
unmanaged here: the models exist for reading, not for saving row by row.
Timestamps in them are integer milliseconds since the Unix epoch.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from jtlcloud.installations.models import Installation


class Channel(models.Model):
    """One time series of an installation (e.g. ``flow_temp`` in °C), created on first use."""

    installation = models.ForeignKey(
        Installation, on_delete=models.CASCADE, related_name="channels"
    )
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # The newest reading, kept here so dashboards and "latest values" read one row.
    last_ts = models.BigIntegerField(null=True, blank=True)
    last_value = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["installation", "name"], name="channel_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Reading(models.Model):
    """One value of a channel at one instant (ms). Stored once per (channel, ts)."""

    pk = models.CompositePrimaryKey("channel_id", "ts")
    channel_id = models.BigIntegerField()
    ts = models.BigIntegerField()
    value = models.FloatField()

    class Meta:
        managed = False
        db_table = "telemetry_reading"

    def __str__(self) -> str:
        return f"{self.channel_id}@{self.ts}={self.value}"


class Rollup(models.Model):
    """Min, max, sum and count of a channel's readings in one time bucket of one resolution."""

    pk = models.CompositePrimaryKey("channel_id", "resolution", "bucket")
    channel_id = models.BigIntegerField()
    resolution = models.IntegerField()  # bucket width in seconds
    bucket = models.BigIntegerField()  # bucket start, ms
    min = models.FloatField()
    max = models.FloatField()
    sum = models.FloatField()
    count = models.IntegerField()

    class Meta:
        managed = False
        db_table = "telemetry_rollup"

    def __str__(self) -> str:
        return f"{self.channel_id}/{self.resolution}@{self.bucket}"


class Severity(models.TextChoices):
    INFO = "info", "Info"
    WARNING = "warning", "Warning"
    ALARM = "alarm", "Alarm"
    CRITICAL = "critical", "Critical"


SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ALARM: 2, Severity.CRITICAL: 3}


class Event(models.Model):
    """A timestamped record or alarm an installation sent, identified by its own id."""

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="events")
    client_id = models.CharField(max_length=100)
    ts = models.DateTimeField()
    severity = models.CharField(max_length=10, choices=Severity.choices)
    code = models.CharField(max_length=64)
    message = models.CharField(max_length=1000, blank=True)
    details = models.JSONField(null=True, blank=True)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-ts", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "client_id"], name="event_unique_client_id"
            )
        ]
        indexes = [models.Index(fields=["installation", "ts", "id"], name="event_inst_ts")]

    def __str__(self) -> str:
        return f"{self.severity} {self.code}"


class RetentionPolicy(models.Model):
    """How long an installation's raw readings are kept; rollups are kept longer."""

    installation = models.OneToOneField(
        Installation, on_delete=models.CASCADE, related_name="retention"
    )
    raw_days = models.PositiveIntegerField()
    rollup_days = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.installation}: raw {self.raw_days} d, rollups {self.rollup_days} d"
