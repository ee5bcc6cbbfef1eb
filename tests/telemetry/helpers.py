"""Reading back what the database holds, as a user of the data would see it."""

from __future__ import annotations

from django.db import connection

from jtlcloud.telemetry.models import Channel, Event


def stored_readings() -> list[tuple[int, int, float]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT channel_id, ts, value FROM telemetry_reading ORDER BY 1, 2")
        return [tuple(row) for row in cursor.fetchall()]


def stored_rollups() -> list[tuple[int, int, int, float, float, float, int]]:
    with connection.cursor() as cursor:
        cursor.execute(
            'SELECT channel_id, resolution, bucket, "min", "max", "sum", "count" '
            "FROM telemetry_rollup ORDER BY 1, 2, 3"
        )
        return [tuple(row) for row in cursor.fetchall()]


def nothing_stored() -> bool:
    return not stored_readings() and not Event.objects.exists() and not Channel.objects.exists()
