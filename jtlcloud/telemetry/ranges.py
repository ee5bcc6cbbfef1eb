"""Parsing the time ranges people and programs ask for."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta

from django.utils import timezone

from jtlcloud.telemetry.batch import parse_ts

MAX_SPAN = timedelta(days=20 * 366)


class RangeError(ValueError):
    """A range a user asked for cannot be read."""


def parse_instant(raw: str | None) -> datetime | None:
    """RFC 3339 with a zone, or Unix seconds; None when absent; RangeError when malformed."""
    if raw is None or raw == "":
        return None
    text = raw.strip()
    number: object = text
    with contextlib.suppress(ValueError):
        number = float(text)
    ts = parse_ts(number)
    if ts is None:
        raise RangeError(f"{raw[:40]!r} is not RFC 3339 with a zone or Unix seconds")
    return datetime.fromtimestamp(ts / 1000, tz=UTC)


def parse_range(
    start_raw: str | None, end_raw: str | None, default: timedelta = timedelta(days=1)
) -> tuple[datetime, datetime]:
    end = parse_instant(end_raw) or timezone.now()
    start = parse_instant(start_raw) or end - default
    if start >= end:
        raise RangeError("from must be before to")
    if end - start > MAX_SPAN:
        raise RangeError("a range may span at most 20 years")
    return start, end
