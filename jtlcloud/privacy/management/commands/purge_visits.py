"""Delete visit analytics older than the retention period (run daily from cron or a timer)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from jtlcloud.privacy.analytics_store import purge_old_visits


class Command(BaseCommand):
    help = "Delete visits and page views older than JTL_ANALYTICS_RETENTION_DAYS."

    def handle(self, *args: Any, **options: Any) -> None:
        visits, views = purge_old_visits()
        self.stdout.write(
            f"deleted {visits} visits and {views} page view rows older than "
            f"{settings.JTL_ANALYTICS_RETENTION_DAYS} days"
        )
