"""Delete access-log entries older than JTL_ACCESS_LOG_RETENTION_DAYS; run it daily (cron/timer)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from jtlcloud.installations.access_log import purge_access_log


class Command(BaseCommand):
    help = "Delete access-log entries older than the retention period."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = purge_access_log()
        days = settings.JTL_ACCESS_LOG_RETENTION_DAYS
        self.stdout.write(f"Deleted {deleted} access-log entries older than {days} days.")
