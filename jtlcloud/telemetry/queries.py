"""Reading installation data back: series at a fitting resolution, latest values, events."""

from __future__ import annotations

import base64
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from jtlcloud.installations.models import Installation
from jtlcloud.lib.timebuckets import RAW, choose_resolution
from jtlcloud.telemetry.models import Channel, Event, RetentionPolicy

MAX_POINTS = 5000
_ROUND_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600)


@dataclass(frozen=True)
class Series:
    channel: Channel
    resolution: int  # seconds per row; 0 = raw readings
    rows: list[tuple[int, float, float, float]]  # [ts ms, min, avg, max]


def raw_days(installation: Installation) -> int:
    policy = RetentionPolicy.objects.filter(installation=installation).first()
    return policy.raw_days if policy else settings.JTL_RAW_RETENTION_DAYS


def raw_kept_since(installation: Installation) -> int:
    """Ms timestamp before which retention has removed the raw readings."""
    return int((timezone.now().timestamp() - raw_days(installation) * 86400) * 1000)


def series(
    channel: Channel, start_ms: int, end_ms: int, points: int, raw_kept_since_ms: int | None = None
) -> Series:
    """The channel's values in [start, end) as at most ``points`` rows of [ts, min, avg, max].

    Reads at most about twice the rows it returns, whatever the range: raw
    readings when there are few enough, else the finest rollup that fits.
    """
    points = max(1, min(points, MAX_POINTS))
    span = max(end_ms - start_ms, 1)
    raw_rows = None
    if raw_kept_since_ms is None or start_ms >= raw_kept_since_ms:
        raw_rows = _count_raw(channel.pk, start_ms, end_ms, cap=2 * points + 1)
    resolution = choose_resolution(span, points, raw_rows)
    with connection.cursor() as cursor:
        if resolution == RAW:
            cursor.execute(
                "SELECT ts, value, value, 1 FROM telemetry_reading "
                "WHERE channel_id = %s AND ts >= %s AND ts < %s ORDER BY ts",
                [channel.pk, start_ms, end_ms],
            )
        else:
            cursor.execute(
                'SELECT bucket, "min", "sum", "count", "max" FROM telemetry_rollup '
                "WHERE channel_id = %s AND resolution = %s AND bucket >= %s AND bucket < %s "
                "ORDER BY bucket",
                [channel.pk, resolution, start_ms - start_ms % (resolution * 1000), end_ms],
            )
        fetched = cursor.fetchall()
    if resolution == RAW:
        rows = [(ts, value, value, value) for ts, value, _v, _c in fetched]
        sums = None
    else:
        rows = [(ts, low, total / count, high) for ts, low, total, count, high in fetched]
        sums = [(total, count) for _ts, _low, total, count, _high in fetched]
    if len(rows) > points:
        return _merge(channel, rows, sums, span, points, resolution)
    return Series(channel, resolution, rows)


def _count_raw(channel_id: int, start_ms: int, end_ms: int, cap: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT 1 FROM telemetry_reading "
            "WHERE channel_id = %s AND ts >= %s AND ts < %s LIMIT %s) AS capped",
            [channel_id, start_ms, end_ms, cap],
        )
        return int(cursor.fetchone()[0])


def _merge(
    channel: Channel,
    rows: list[tuple[int, float, float, float]],
    sums: list[tuple[float, int]] | None,
    span: int,
    points: int,
    resolution: int,
) -> Series:
    """Merge neighbouring rows into buckets of a whole multiple of the resolution."""
    needed_s = span / points / 1000
    if resolution == RAW:
        # Raw readings merge into round steps (2 min, not 87 s) that people read easily.
        width = next((w for w in _ROUND_STEPS if w >= needed_s), math.ceil(needed_s)) * 1000
    else:
        width = math.ceil(needed_s / resolution) * resolution * 1000
    merged: list[tuple[int, float, float, float]] = []
    current = None
    low = high = total = 0.0
    count = 0
    for index, (ts, row_low, row_avg, row_high) in enumerate(rows):
        key = ts - ts % width
        weight_sum, weight = sums[index] if sums is not None else (row_avg, 1)
        if key != current:
            if current is not None:
                merged.append((current, low, total / count, high))
            current, low, high, total, count = key, row_low, row_high, 0.0, 0
        low, high = min(low, row_low), max(high, row_high)
        total += weight_sum
        count += weight
    if current is not None:
        merged.append((current, low, total / count, high))
    return Series(channel, width // 1000, merged)


def channels_of(installation: Installation) -> QuerySet[Channel]:
    return Channel.objects.filter(installation=installation).order_by("name")


def is_online(installation: Installation) -> bool:
    seen = installation.last_seen_at
    window = timedelta(minutes=settings.JTL_OFFLINE_AFTER_MINUTES)
    return seen is not None and timezone.now() - seen <= window


# --- events ------------------------------------------------------------------

SEVERITY_ORDER = ["info", "warning", "alarm", "critical"]


@dataclass(frozen=True)
class EventPage:
    events: list[Event]
    next_cursor: str | None


def encode_cursor(event: Event) -> str:
    raw = f"{event.ts.timestamp():.6f}:{event.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int] | None:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        stamp, pk = base64.urlsafe_b64decode(padded.encode()).decode().split(":")
        return datetime.fromtimestamp(float(stamp), tz=UTC), int(pk)
    except (ValueError, UnicodeDecodeError, OverflowError, OSError):
        return None


def event_page(
    installation: Installation,
    *,
    severities: list[str] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> EventPage:
    """Newest first, keyset-paginated: a page costs the same however deep it is."""
    events = Event.objects.filter(installation=installation)
    if severities:
        events = events.filter(severity__in=severities)
    if start is not None:
        events = events.filter(ts__gte=start)
    if end is not None:
        events = events.filter(ts__lt=end)
    if cursor:
        after = decode_cursor(cursor)
        if after is not None:
            events = events.filter(Q(ts__lt=after[0]) | Q(ts=after[0], id__lt=after[1]))
    found = list(events.order_by("-ts", "-id")[: limit + 1])
    more = len(found) > limit
    found = found[:limit]
    return EventPage(found, encode_cursor(found[-1]) if more and found else None)


# --- export --------------------------------------------------------------------


def export_rows(
    channels: list[Channel], start_ms: int, end_ms: int, chunk: int = 10_000
) -> Iterator[tuple[Channel, int, float]]:
    """Every raw reading of ``channels`` in the range, channel by channel, in bounded memory."""
    for channel in channels:
        after = start_ms - 1
        while True:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT ts, value FROM telemetry_reading WHERE channel_id = %s "
                    "AND ts > %s AND ts < %s ORDER BY ts LIMIT %s",
                    [channel.pk, after, end_ms, chunk],
                )
                fetched = cursor.fetchall()
            for ts, value in fetched:
                yield channel, ts, value
            if len(fetched) < chunk:
                break
            after = fetched[-1][0]
