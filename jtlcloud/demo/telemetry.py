"""Demo installation data: a year of one-minute history, events, and the demo installation key.

The history is written straight into the readings and rollups (bulk, in
chunks, through the same writer as ingest), not over HTTP: a year of five
channels is 2.6 million readings.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.db import transaction

from jtlcloud.installations.keys import installation_for_key
from jtlcloud.installations.models import Installation, InstallationKey
from jtlcloud.lib.secrets import hash_secret, split_prefix
from jtlcloud.telemetry.batch import Batch, EventIn
from jtlcloud.telemetry.models import Channel
from jtlcloud.telemetry.store import store_batch, write_readings

from . import plant

ORDER = 30

# Demo only: a fixed key so the seed stays idempotent and the live simulator can use it.
DEMO_KEY = "jtlk_DemoData_" + "demo-installation-key-not-for-production"
HISTORY_DAYS = 365
STEP_SECONDS = 60
CHUNK = 50_000

# The key the last seed in this process used: the live simulator sends with it.
seeded_key: str | None = None


def _demo_installation(world: dict[str, Any]) -> tuple[Installation, str]:
    raw = world.get("demo_installation_key")
    if isinstance(raw, str):
        found = installation_for_key(raw)
        if found is not None:
            return found, raw
    prefix = split_prefix("jtlk", DEMO_KEY)
    assert prefix is not None  # noqa: S101 - a constant of the right shape
    key = InstallationKey.objects.select_related("installation").filter(prefix=prefix).first()
    if key is None:
        installation = Installation.objects.create(
            owner=world["owner_org"],
            name="Northwind Boiler House",
            site_address="12 Mill Lane, Leeds LS2 7AB",
            time_zone="Europe/London",
            description="Gas boiler plant with weather compensation (simulated).",
        )
        key = InstallationKey.objects.create(
            installation=installation,
            label="Demo key",
            prefix=prefix,
            key_hash=hash_secret(DEMO_KEY),
        )
    return key.installation, DEMO_KEY


def seed(world: dict[str, Any]) -> None:
    global seeded_key
    installation, raw = _demo_installation(world)
    world.setdefault("demo_installation", installation)
    world.setdefault("demo_installation_key", raw)
    seeded_key = raw
    started = time.monotonic()
    added = backfill(installation, days=HISTORY_DAYS)
    if added:
        print(
            f"  Backfilled {added:,} readings ({HISTORY_DAYS} days of 1-minute data) "
            f"in {time.monotonic() - started:.1f} s"
        )
    print(curl_command(raw))


def curl_command(raw: str) -> str:
    """A command anyone can paste to send one reading to the demo installation."""
    body = '{"readings":[{"channel":"curl_test","ts":\'$(date +%s)\',"value":21.5,"unit":"°C"}]}'
    return (
        "\nSend a reading to the demo installation (paste into a shell):\n"
        f"  curl -sS -X POST {settings.JTL_SITE_URL}/api/v1/ingest "
        f"-H 'Authorization: Bearer {raw}' -H 'Content-Type: application/json' "
        f"-d '{body}'"
    )


def backfill(installation: Installation, days: int) -> int:
    """Write ``days`` of history before the first reading (or now); 0 if already there."""
    now = time.time()
    end = now - now % STEP_SECONDS
    first = Channel.objects.filter(installation=installation, name="outdoor_temp").first()
    if first is not None and first.last_ts is not None:
        from jtlcloud.telemetry.queries import series

        probe = series(
            first, int((end - days * 86400) * 1000), int((end - (days - 2) * 86400) * 1000), 10
        )
        if probe.rows:
            return 0  # history is there already: seeding is idempotent
    start = end - days * 86400
    channels = _channels(installation)
    total = 0
    t = start
    while t < end:
        chunk_end = min(t + CHUNK // len(channels) * STEP_SECONDS, end)
        rows: list[tuple[int, int, float]] = []
        while t < chunk_end:
            ms = int(t * 1000)
            for name, value in plant.values_at(t).items():
                rows.append((channels[name].pk, ms, value))
            t += STEP_SECONDS
        with transaction.atomic():
            total += write_readings(rows)
    _set_latest(channels, end - STEP_SECONDS)
    _events(installation, start, end)
    return total


def _channels(installation: Installation) -> dict[str, Channel]:
    for name, unit in plant.CHANNELS.items():
        Channel.objects.get_or_create(installation=installation, name=name, defaults={"unit": unit})
    return {c.name: c for c in Channel.objects.filter(installation=installation)}


def _set_latest(channels: dict[str, Channel], t: float) -> None:
    values = plant.values_at(t)
    for name, channel in channels.items():
        if name in values and (channel.last_ts is None or channel.last_ts < t * 1000):
            Channel.objects.filter(pk=channel.pk).update(
                last_ts=int(t * 1000), last_value=values[name]
            )


def _events(installation: Installation, start: float, end: float) -> None:
    batch = Batch(
        events=[
            EventIn(
                client_id=str(event["id"]),
                ts_ms=int(float(str(event["ts"])) * 1000),
                severity=str(event["severity"]),
                code=str(event["code"]),
                message=str(event["message"]),
                details=None,
            )
            for event in plant.events_between(start, end)
        ]
    )
    store_batch(installation, batch)
