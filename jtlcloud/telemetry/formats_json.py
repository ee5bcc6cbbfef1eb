"""The JSON ingest format of ``POST /api/v1/ingest`` (see PRODUCT.md: fixed contract)."""

from __future__ import annotations

import json
from typing import Any

import orjson

from jtlcloud.telemetry.batch import (
    CHANNEL_RE,
    CODE_RE,
    MAX_ABS_VALUE,
    Batch,
    Errors,
    EventIn,
    TimeWindow,
    check_unit,
    check_value,
    parse_ts,
)
from jtlcloud.telemetry.models import Severity

READING_KEYS = frozenset({"channel", "ts", "value", "unit"})
EVENT_KEYS = frozenset({"id", "ts", "severity", "code", "message", "details"})
TOP_KEYS = frozenset({"readings", "events"})
SEVERITIES = frozenset(Severity.values)
MAX_DETAILS_BYTES = 4096


def _reject_constant(name: str) -> None:
    # json accepts NaN and Infinity literals by default; JSON itself does not.
    raise ValueError(f"{name} is not valid JSON")


def load_json(raw: bytes) -> Any:
    """Parse JSON strictly: UTF-8 only, no NaN/Infinity; ValueError otherwise."""
    text = raw.decode("utf-8")  # UnicodeDecodeError is a ValueError
    return json.loads(text, parse_constant=_reject_constant)


def _load_ingest_document(raw: bytes) -> Any:
    """``load_json(raw)``, about 2.5x faster for the usual body of readings only.

    orjson is strict where the standard library is too (UTF-8, no NaN), but
    it rejects literals the standard library reads (lone surrogates, 1e400)
    and reads integers beyond 64 bits as floats. For readings neither changes
    an answer (such values fail their checks alike); event details are stored
    as sent, so a body with events, and any body orjson rejects, is read by
    ``load_json`` to keep exactly its results and errors.
    """
    try:
        document = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return load_json(raw)
    if type(document) is dict and document.get("events"):
        return load_json(raw)
    return document


def parse_ingest_json(raw: bytes, errors: Errors) -> Batch:
    batch = Batch()
    try:
        document = _load_ingest_document(raw)
    except (ValueError, RecursionError):
        errors.add("body", None, "", "is not valid UTF-8 JSON")
        return batch
    if not isinstance(document, dict):
        errors.add("body", None, "", 'must be an object with "readings" and/or "events"')
        return batch
    for key in document.keys() - TOP_KEYS:
        errors.add("body", None, str(key)[:50], "is not a known key")
    readings = document.get("readings", [])
    events = document.get("events", [])
    if not isinstance(readings, list):
        errors.add("body", None, "readings", "must be a list")
        readings = []
    if not isinstance(events, list):
        errors.add("body", None, "events", "must be a list")
        events = []
    window = TimeWindow()
    _parse_readings(readings, batch, errors, window)
    _parse_events(events, batch, errors, window)
    return batch


def _parse_readings(items: list[Any], batch: Batch, errors: Errors, window: TimeWindow) -> None:
    # This loop runs once per reading (5,000 per request and more): the common
    # shape -- exactly the keys channel, ts and value, a float value, a number
    # or text ts -- is checked inline (a channel name once per request), and
    # anything else (a unit, an int value, any error) goes through the full
    # checks below. A dict of three items holding those three keys has no
    # other key, so no set comparison is needed.
    append = batch.readings.append
    known_channels: set[str] = set()  # names that passed CHANNEL_RE

    def learn(name: str) -> bool:
        if CHANNEL_RE.fullmatch(name):
            known_channels.add(name)
            return True
        return False

    earliest, latest = window.earliest, window.latest
    high = MAX_ABS_VALUE
    low = -high
    # Many channels share each instant: a ts is parsed and range-checked once
    # per request (only valid ones are kept; a number and a text never compare
    # equal, so both kinds can share the dict).
    valid_ms: dict[float | int | str, int] = {}
    known_ms = valid_ms.get
    for index, item in enumerate(items):
        if type(item) is dict and len(item) == 3:
            try:
                channel = item["channel"]
                ts = item["ts"]
                value = item["value"]
            except KeyError:
                pass
            else:
                # type(...) excludes bool; the comparisons exclude NaN and infinities.
                if (
                    type(channel) is str
                    and type(value) is float
                    and low <= value <= high
                    and (type(ts) is float or type(ts) is int or type(ts) is str)
                    and (channel in known_channels or learn(channel))
                ):
                    ms = known_ms(ts)
                    if ms is None:
                        ms = parse_ts(ts)
                        if ms is not None and earliest <= ms <= latest:
                            valid_ms[ts] = ms
                        else:
                            ms = None
                    if ms is not None:
                        append((channel, ms, value))
                        continue
        _check_reading(index, item, batch, errors, window, known_channels)


def _check_reading(
    index: int,
    item: Any,
    batch: Batch,
    errors: Errors,
    window: TimeWindow,
    known_channels: set[str],
) -> None:
    if type(item) is not dict:
        errors.add("readings", index, "", "must be an object")
        return
    unknown = item.keys() - READING_KEYS
    for key in unknown:
        errors.add("readings", index, str(key)[:50], "is not a known key")
    channel = item.get("channel")
    if not isinstance(channel, str) or not CHANNEL_RE.fullmatch(channel):
        errors.add(
            "readings",
            index,
            "channel",
            "must be 1-200 letters, digits or _ . : / - (starting with a letter or digit)",
        )
        return
    ts = parse_ts(item.get("ts"))
    if ts is None:
        errors.add("readings", index, "ts", "must be RFC 3339 with a zone, or Unix seconds")
        return
    problem = window.check(ts)
    if problem:
        errors.add("readings", index, "ts", problem)
        return
    value, message = check_value(item.get("value"))
    if message is not None or value is None:
        errors.add("readings", index, "value", message or "must be a number")
        return
    unit = item.get("unit")
    if unit is not None:
        message = check_unit(unit)
        if message is not None:
            errors.add("readings", index, "unit", message)
            return
        batch.units[channel] = unit
    if unknown:
        return
    known_channels.add(channel)
    batch.readings.append((channel, ts, value))


def _parse_events(items: list[Any], batch: Batch, errors: Errors, window: TimeWindow) -> None:
    for index, item in enumerate(items):
        if type(item) is not dict:
            errors.add("events", index, "", "must be an object")
            continue
        bad = False
        for key in item.keys() - EVENT_KEYS:
            errors.add("events", index, str(key)[:50], "is not a known key")
            bad = True
        client_id = item.get("id")
        if not isinstance(client_id, str) or not 1 <= len(client_id) <= 100:
            errors.add("events", index, "id", "must be text of 1-100 characters")
            bad = True
        ts = parse_ts(item.get("ts"))
        problem = "must be RFC 3339 with a zone, or Unix seconds" if ts is None else None
        problem = problem or window.check(ts or 0)
        if problem:
            errors.add("events", index, "ts", problem)
            bad = True
        severity = item.get("severity")
        if severity not in SEVERITIES:
            errors.add("events", index, "severity", f"must be one of {', '.join(Severity.values)}")
            bad = True
        code = item.get("code")
        if not isinstance(code, str) or not CODE_RE.fullmatch(code):
            errors.add("events", index, "code", "must be 1-64 letters, digits or _ . : -")
            bad = True
        message = item.get("message", "")
        if not isinstance(message, str) or len(message) > 1000:
            errors.add("events", index, "message", "must be text of at most 1000 characters")
            bad = True
        details = item.get("details")
        if details is not None and (
            not isinstance(details, dict) or len(json.dumps(details)) > MAX_DETAILS_BYTES
        ):
            errors.add("events", index, "details", "must be an object of at most 4 KB as JSON")
            bad = True
        if bad:
            continue
        batch.events.append(
            EventIn(
                client_id=str(client_id),
                ts_ms=int(ts or 0),
                severity=str(severity),
                code=str(code),
                message=str(message),
                details=details,
            )
        )
