"""Series queries returning 1,000 points over 1 day, 30 days and 1 year of 1-minute data.

One channel gets a year of one-minute readings (525,600, written with the
ingest writer, so its rollups are the ones ingest keeps). Each range is
queried at 200 random positions in the year through the same function the
read API and the chart use; the median and 95th percentile are printed.
Targets: median <= 20 ms for each range, and 1 year no slower than 2x 1 day.

    .venv/bin/python bench/series.py
"""

from __future__ import annotations

import random
import time

from _world import fresh_django, make_installation, median

DAY_MS = 86_400_000


def main() -> None:
    fresh_django("series")
    from django.db import transaction

    from jtlcloud.telemetry.models import Channel
    from jtlcloud.telemetry.queries import series
    from jtlcloud.telemetry.store import write_readings

    installation, _key = make_installation()
    channel = Channel.objects.create(installation=installation, name="flow_temp", unit="°C")
    end_ms = int(time.time() // 60 * 60_000)
    start_ms = end_ms - 365 * DAY_MS
    started = time.perf_counter()
    chunk: list[tuple[int, int, float]] = []
    for ts in range(start_ms, end_ms, 60_000):
        chunk.append((channel.pk, ts, 40 + 10 * ((ts // 60_000) % 1440) / 1440))
        if len(chunk) == 50_000:
            with transaction.atomic():
                write_readings(chunk)
            chunk = []
    with transaction.atomic():
        write_readings(chunk)
    print(f"a year of 1-minute readings written in {time.perf_counter() - started:.1f} s")

    rng = random.Random(7)
    results = {}
    for label, span in [("1 day", DAY_MS), ("30 days", 30 * DAY_MS), ("1 year", 365 * DAY_MS)]:
        timings, rows, resolution = [], 0, 0
        for _ in range(200):
            to = end_ms - rng.randrange(0, max(end_ms - start_ms - span, 1))
            began = time.perf_counter()
            result = series(channel, to - span, to, 1000)
            timings.append((time.perf_counter() - began) * 1000)
            rows, resolution = len(result.rows), result.resolution
        timings.sort()
        results[label] = median(timings)
        print(
            f"{label:>8}: median {median(timings):6.2f} ms, p95 {timings[189]:6.2f} ms, "
            f"{rows} rows returned at {resolution} s resolution"
        )
    print(
        f"ratio 1 year / 1 day (median): {results['1 year'] / results['1 day']:.2f}  (target <= 2)"
    )
    worst = max(results.values())
    print(f"slowest median: {worst:.2f} ms  (target <= 20 ms)")


if __name__ == "__main__":
    main()
