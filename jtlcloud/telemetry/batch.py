"""What every ingest format parses into, and the checks all formats share."""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings

CHANNEL_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.:/-]{0,199}")
CODE_RE = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
# Larger magnitudes are not measurements, and they would overflow rollup sums.
MAX_ABS_VALUE = 1e15
# Nothing before this is a reading of a system connected to us.
EARLIEST_MS = 946_684_800_000  # 2000-01-01T00:00:00Z


@dataclass
class EventIn:
    client_id: str
    ts_ms: int
    severity: str
    code: str
    message: str
    details: dict[str, Any] | None


@dataclass
class Batch:
    """Validated readings and events of one request, not yet stored."""

    readings: list[tuple[str, int, float]] = field(default_factory=list)  # channel, ts ms, value
    units: dict[str, str] = field(default_factory=dict)  # channel -> unit as last sent
    events: list[EventIn] = field(default_factory=list)
    ignored: int = 0  # values a format carries that are not numbers (e.g. string fields)


@dataclass
class ItemError:
    item: str  # "readings", "events", "line", "body" ...
    index: int | None
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "item": self.item,
            "index": self.index,
            "field": self.field,
            "message": self.message,
        }


class Errors:
    """Collects item errors; stops keeping them after a hundred (the request fails anyway)."""

    LIMIT = 100

    def __init__(self) -> None:
        self.items: list[ItemError] = []
        self.total = 0

    def add(self, item: str, index: int | None, field: str, message: str) -> None:
        self.total += 1
        if len(self.items) < self.LIMIT:
            self.items.append(ItemError(item, index, field, message))

    def __bool__(self) -> bool:
        return self.total > 0


class TimeWindow:
    """The accepted range of timestamps: not ancient, not more than a little in the future."""

    def __init__(self) -> None:
        now_ms = int(time.time() * 1000)
        max_age_ms = settings.JTL_INGEST_MAX_AGE_DAYS * 86_400_000
        self.earliest = max(EARLIEST_MS, now_ms - max_age_ms)
        self.latest = now_ms + settings.JTL_INGEST_MAX_FUTURE_SECONDS * 1000

    def check(self, ts_ms: int) -> str | None:
        if ts_ms < self.earliest:
            return "is too far in the past"
        if ts_ms > self.latest:
            return "is in the future"
        return None


def parse_ts(raw: object) -> int | None:
    """RFC 3339 with a zone, or Unix seconds, as integer ms; None if it is neither."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        if not math.isfinite(raw) or abs(raw) > 1e11:
            return None
        return round(raw * 1000)
    if isinstance(raw, str) and 10 <= len(raw) <= 40 and raw[4:5] == "-":
        try:
            parsed = datetime.fromisoformat(raw)
        except ValueError:
            return None
        if parsed.tzinfo is None or parsed.utcoffset() is None:
            return None
        return round(parsed.timestamp() * 1000)
    return None


def check_value(raw: object) -> tuple[float | None, str | None]:
    """A finite number of sane magnitude as float, or an error message."""
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        return None, "must be a number"
    if isinstance(raw, float) and not math.isfinite(raw):
        return None, "must be a finite number"
    if abs(raw) > MAX_ABS_VALUE:
        return None, f"must be between -{MAX_ABS_VALUE:g} and {MAX_ABS_VALUE:g}"
    return float(raw), None


def check_unit(raw: object) -> str | None:
    if not isinstance(raw, str) or len(raw) > 32 or not raw.isprintable():
        return "must be text of at most 32 printable characters"
    return None
