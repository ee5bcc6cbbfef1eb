"""Stored bytes per reading, rollups included, against the raw readings table alone.

Twenty channels get 60 days of one-minute readings through the ingest
writer, in batches of 5,000 with the channels interleaved (as agents send
them). The bytes of each table are read from SQLite's ``dbstat``. Target:
(readings + rollups) / readings <= 1.5.

    .venv/bin/python bench/storage.py
"""

from __future__ import annotations

import time

from _world import fresh_django, make_installation

CHANNELS = 20
DAYS = 60


def main() -> None:
    fresh_django("storage")
    from django.db import connection, transaction

    from jtlcloud.telemetry.models import Channel
    from jtlcloud.telemetry.store import write_readings

    installation, _key = make_installation()
    ids = [
        Channel.objects.create(installation=installation, name=f"ch{n:02d}").pk
        for n in range(CHANNELS)
    ]
    end_ms = int(time.time() // 60 * 60_000)
    start_ms = end_ms - DAYS * 86_400_000
    batch: list[tuple[int, int, float]] = []
    count = 0
    for ts in range(start_ms, end_ms, 60_000):
        for n, channel_id in enumerate(ids):
            batch.append((channel_id, ts, round(20 + n + ((ts // 60_000) % 97) / 10, 2)))
        if len(batch) >= 5_000:
            with transaction.atomic():
                count += write_readings(batch)
            batch = []
    with transaction.atomic():
        count += write_readings(batch)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sum(pgsize) FROM dbstat WHERE name IN "
            "('telemetry_reading', 'telemetry_rollup') GROUP BY name"
        )
        sizes = dict(cursor.fetchall())
        cursor.execute("SELECT resolution, count(*) FROM telemetry_rollup GROUP BY resolution")
        rollup_rows = dict(cursor.fetchall())
    raw, rollups = sizes["telemetry_reading"], sizes["telemetry_rollup"]
    print(f"{count:,} readings ({CHANNELS} channels x {DAYS} days of 1-minute data)")
    print(f"rollup rows by resolution (s): {rollup_rows}")
    print(f"readings table: {raw:,} bytes = {raw / count:.1f} bytes/reading")
    print(f"rollups table:  {rollups:,} bytes = {rollups / count:.1f} bytes/reading")
    print(f"total:          {raw + rollups:,} bytes = {(raw + rollups) / count:.1f} bytes/reading")
    print(f"ratio (readings + rollups) / readings: {(raw + rollups) / raw:.2f}  (target <= 1.5)")


if __name__ == "__main__":
    main()
