"""Installations and the keys with which they send their data."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from jtlcloud.accounts.models import Organisation


class Installation(models.Model):
    """A customer's system on its site, owned by an organisation, that pushes data to us."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="installations")
    name = models.CharField(max_length=200)
    site_address = models.TextField(blank=True)
    time_zone = models.CharField(max_length=64, default="Europe/London")
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class InstallationKey(models.Model):
    """A secret an installation authenticates with; stored as a hash behind a visible prefix."""

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="keys")
    label = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.installation.name})"


class AccessKind(models.TextChoices):
    DASHBOARD = "dashboard", "Dashboard"
    CHART = "chart", "Chart"
    EVENTS = "events", "Events"
    EXPORT = "export", "Export"
    API = "api", "API read"


class AccessLogEntry(models.Model):
    """One look at an installation's data: who, from which organisation, what, when, from where.

    Owners read these. The person's name and organisation are snapshots, so
    the record stays meaningful after a grant or an account is gone.
    """

    installation = models.ForeignKey(
        Installation, on_delete=models.CASCADE, related_name="access_log"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user_label = models.CharField(max_length=320)
    organisation_label = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=16, choices=AccessKind.choices)
    detail = models.CharField(max_length=300, blank=True)
    via = models.CharField(max_length=16)
    grant_id = models.BigIntegerField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["installation", "at"], name="accesslog_inst_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_label} {self.kind}"
