"""Readings and events are checked and normalised before they are spooled."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jtlcloud_agent.items import InvalidItem, format_ts, make_event, make_reading, parse_ts


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-11-24T10:00:00Z", "2026-11-24T10:00:00Z"),
        ("2026-11-24T11:00:00+01:00", "2026-11-24T10:00:00Z"),
        ("2026-11-24 10:00:00.25Z", "2026-11-24T10:00:00.250000Z"),
        ("2026-11-24T10:00:00.123456789Z", "2026-11-24T10:00:00.123456Z"),
        ("2026-11-24T10:00", "2026-11-24T10:00:00Z"),
        (1795000000.5, "2026-11-18T11:06:40.500000Z"),
        ("1795000000", "2026-11-18T11:06:40Z"),
    ],
)
def test_it_accepts_rfc3339_and_unix_seconds(raw: object, expected: str) -> None:
    assert format_ts(parse_ts(raw)) == expected


@pytest.mark.parametrize("raw", ["yesterday", "2026-13-01T00:00:00Z", True, "", float("nan")])
def test_it_rejects_what_is_not_a_time(raw: object) -> None:
    with pytest.raises(InvalidItem, match="ts"):
        parse_ts(raw)


@settings(database=None)  # keep no example database in the working tree
@given(st.datetimes(min_value=datetime(1971, 1, 2), max_value=datetime(2200, 1, 1)))  # noqa: DTZ001
def test_formatting_and_parsing_a_time_round_trips(moment: datetime) -> None:
    aware = moment.replace(tzinfo=timezone.utc)
    assert parse_ts(format_ts(aware)) == aware


@pytest.mark.parametrize(
    ("channel", "value", "field"),
    [("flow temp", 1, "channel"), ("x" * 101, 1, "channel"), ("a", "warm", "value"),
     ("a", float("inf"), "value"), ("a", True, "value")],
)  # fmt: skip
def test_it_rejects_bad_readings_naming_the_field(channel: str, value: object, field: str) -> None:
    with pytest.raises(InvalidItem, match=field):
        make_reading(channel, 1795000000, value)


def test_events_without_an_id_get_a_stable_one() -> None:
    first = json.loads(make_event("2026-11-24T10:00:00Z", "warning", "LOW", "Low").body)
    again = json.loads(make_event("2026-11-24T10:00:00Z", "warning", "LOW", "Low").body)
    assert first["id"] == again["id"] and first["id"].startswith("auto-")


def test_it_rejects_an_unknown_severity() -> None:
    with pytest.raises(InvalidItem, match="severity"):
        make_event(1795000000, "fatal", "X")
