"""Retention: raw readings are deleted after each installation's raw period, rollups later.

Charts of old ranges keep working from the rollups after the raw readings
are gone (the series query does not look for raw data older than the period).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from jtlcloud.installations.models import Installation
from jtlcloud.telemetry.models import Channel, RetentionPolicy


@dataclass
class RetentionResult:
    readings_deleted: int = 0
    rollups_deleted: int = 0


def apply_retention() -> RetentionResult:
    """Delete what is past its period, channel by channel (each delete is a primary-key range)."""
    result = RetentionResult()
    now_ms = int(timezone.now().timestamp() * 1000)
    policies = {policy.installation_id: policy for policy in RetentionPolicy.objects.all()}
    for installation_id in Installation.objects.values_list("id", flat=True):
        policy = policies.get(installation_id)
        raw_days = policy.raw_days if policy else settings.JTL_RAW_RETENTION_DAYS
        rollup_days = policy.rollup_days if policy else settings.JTL_ROLLUP_RETENTION_DAYS
        raw_cutoff = now_ms - raw_days * 86_400_000
        rollup_cutoff = now_ms - max(rollup_days, raw_days) * 86_400_000
        channel_ids = Channel.objects.filter(installation_id=installation_id).values_list(
            "id", flat=True
        )
        for channel_id in channel_ids:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    "DELETE FROM telemetry_reading WHERE channel_id = %s AND ts < %s",
                    [channel_id, raw_cutoff],
                )
                result.readings_deleted += max(cursor.rowcount, 0)
                cursor.execute(
                    "DELETE FROM telemetry_rollup WHERE channel_id = %s AND bucket < %s",
                    [channel_id, rollup_cutoff],
                )
                result.rollups_deleted += max(cursor.rowcount, 0)
    return result
