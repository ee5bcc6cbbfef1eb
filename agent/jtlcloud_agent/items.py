"""Turn raw readings and events into the JSON the ingest API accepts, or explain why not.

Items are validated here, before they reach the spool, so that one malformed line from a
source cannot block a whole batch at the server later.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any

CHANNEL_PATTERN = re.compile(r"[A-Za-z0-9_.:-]{1,100}")
SEVERITIES = ("info", "warning", "alarm", "critical")

# Python 3.9's fromisoformat rejects "Z" and fractions other than 3 or 6 digits, so RFC 3339
# is parsed by hand. A space instead of "T" is accepted because CSV exports often use it.
_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?"
    r"\s*(Z|z|[+-]\d{2}:?\d{2})?"
)


class InvalidItem(ValueError):
    """A reading or event that the server would refuse; the message says which field."""


@dataclass(frozen=True)
class Item:
    """One reading or event, already serialised as the server expects it."""

    kind: str  # "reading" or "event"
    body: str


def format_ts(moment: datetime) -> str:
    """RFC 3339 in UTC, with microseconds only when there are any.

    Always six fraction digits: some parsers (Python 3.9's fromisoformat among them) accept
    only three or six.
    """
    moment = moment.astimezone(timezone.utc)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if moment.microsecond:
        text += f".{moment.microsecond:06d}"
    return text + "Z"


def parse_ts(raw: Any, naive_zone: tzinfo = timezone.utc) -> datetime:
    """Accept RFC 3339 text, Unix seconds (number or numeric text) or a datetime."""
    if isinstance(raw, datetime):
        return raw if raw.tzinfo else raw.replace(tzinfo=naive_zone)
    if isinstance(raw, bool):
        raise InvalidItem("ts: expected a time, got a boolean")
    if isinstance(raw, (int, float)):
        return _from_unix(float(raw))
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidItem(f"ts: expected RFC 3339 text or Unix seconds, got {raw!r}")
    text = raw.strip()
    try:
        return _from_unix(float(text))
    except ValueError:
        pass
    match = _RFC3339.fullmatch(text)
    if not match:
        raise InvalidItem(f"ts: not RFC 3339 or Unix seconds: {raw!r}")
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    try:
        return datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second or 0), micro,
            tzinfo=_zone(zone) if zone else naive_zone,
        )  # fmt: skip
    except ValueError as exc:
        raise InvalidItem(f"ts: {exc}: {raw!r}") from None


def _zone(text: str) -> tzinfo:
    if text in ("Z", "z"):
        return timezone.utc
    digits = text[1:].replace(":", "")
    offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return timezone(-offset if text[0] == "-" else offset)


def _from_unix(seconds: float) -> datetime:
    if not math.isfinite(seconds):
        raise InvalidItem("ts: Unix seconds must be finite")
    try:
        return datetime.fromtimestamp(seconds, timezone.utc)
    except (OverflowError, OSError, ValueError):
        raise InvalidItem(f"ts: Unix seconds out of range: {seconds}") from None


def check_channel(channel: Any) -> str:
    if not isinstance(channel, str) or not CHANNEL_PATTERN.fullmatch(channel):
        raise InvalidItem(
            f"channel: {channel!r} is not 1-100 characters of letters, digits and _.:-"
        )
    return channel


def make_reading(
    channel: Any, ts: Any, value: Any, unit: Any = None, naive_zone: tzinfo = timezone.utc
) -> Item:
    check_channel(channel)
    if isinstance(value, str):
        try:
            value = float(value.strip().replace(",", "."))
        except ValueError:
            raise InvalidItem(f"value: not a number: {value!r}") from None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidItem(f"value: expected a number, got {value!r}")
    if not math.isfinite(value):
        raise InvalidItem(f"value: must be finite, got {value!r}")
    body: dict[str, Any] = {
        "channel": channel,
        "ts": format_ts(parse_ts(ts, naive_zone)),
        "value": value,
    }
    if unit not in (None, ""):
        if not isinstance(unit, str) or len(unit) > 32:
            raise InvalidItem(f"unit: expected short text, got {unit!r}")
        body["unit"] = unit
    return Item("reading", json.dumps(body, ensure_ascii=False, separators=(",", ":")))


def make_event(
    ts: Any,
    severity: Any,
    code: Any,
    message: Any = "",
    details: Any = None,
    event_id: Any = None,
    naive_zone: tzinfo = timezone.utc,
) -> Item:
    if severity not in SEVERITIES:
        raise InvalidItem(f"severity: must be one of {', '.join(SEVERITIES)}, got {severity!r}")
    if not isinstance(code, str) or not code.strip():
        raise InvalidItem("code: required text")
    if not isinstance(message, str):
        raise InvalidItem("message: must be text")
    if details is not None and not isinstance(details, dict):
        raise InvalidItem("details: must be an object")
    stamp = format_ts(parse_ts(ts, naive_zone))
    if event_id is None:
        # A deterministic id makes a re-read line the same event, so the server keeps it once.
        digest = hashlib.sha256(f"{stamp}|{severity}|{code}|{message}".encode()).hexdigest()
        event_id = f"auto-{digest[:32]}"
    if not isinstance(event_id, str) or not 0 < len(event_id) <= 200:
        raise InvalidItem(f"id: expected text of 1-200 characters, got {event_id!r}")
    body: dict[str, Any] = {
        "id": event_id,
        "ts": stamp,
        "severity": severity,
        "code": code,
        "message": message,
    }
    if details is not None:
        body["details"] = details
    return Item("event", json.dumps(body, ensure_ascii=False, separators=(",", ":")))


def item_from_mapping(data: Any, default_ts: datetime, naive_zone: tzinfo = timezone.utc) -> Item:
    """One JSON object from a source: a reading has "channel", an event has "severity"."""
    if not isinstance(data, dict):
        raise InvalidItem("expected a JSON object")
    ts = data.get("ts", default_ts)
    if "channel" in data:
        return make_reading(data["channel"], ts, data.get("value"), data.get("unit"), naive_zone)
    if "severity" in data:
        return make_event(
            ts,
            data["severity"],
            data.get("code"),
            data.get("message", ""),
            data.get("details"),
            data.get("id"),
            naive_zone,
        )
    raise InvalidItem('expected a reading (with "channel") or an event (with "severity")')
