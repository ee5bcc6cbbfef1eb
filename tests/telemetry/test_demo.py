"""The demo's data: history written straight into storage, idempotent; live data started."""

from __future__ import annotations

import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone

from jtlcloud.demo import live, telemetry
from jtlcloud.telemetry.models import Channel, Event
from jtlcloud.telemetry.queries import is_online
from tests.telemetry.helpers import stored_readings, stored_rollups

pytestmark = pytest.mark.django_db


def test_the_backfill_writes_history_with_rollups_and_events_once(installation):
    added = telemetry.backfill(installation, days=2)
    assert added == 2 * 1440 * 5
    assert len(stored_readings()) == added
    assert sum(row[-1] for row in stored_rollups() if row[1] == 600) == added
    assert Event.objects.filter(installation=installation).exists()
    assert all(channel.last_value is not None for channel in Channel.objects.all())
    assert telemetry.backfill(installation, days=2) == 0  # idempotent


def test_the_curl_command_carries_the_demo_key():
    command = telemetry.curl_command(telemetry.DEMO_KEY)
    assert f"Authorization: Bearer {telemetry.DEMO_KEY}" in command
    assert "/api/v1/ingest" in command


class FakeProcess:
    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.command, self.env = command, env


@pytest.mark.parametrize("agent_installed", [True, False])
def test_live_data_uses_the_agent_simulator_when_installed(monkeypatch, agent_installed):
    monkeypatch.setattr(
        live.importlib.util, "find_spec", lambda name: object() if agent_installed else None
    )
    monkeypatch.setattr(subprocess, "Popen", FakeProcess)
    [process] = live.start_live_data()
    assert isinstance(process, FakeProcess)
    expected = "jtlcloud_agent" if agent_installed else "jtlcloud.demo.simulator"
    assert expected in process.command
    # The key travels in the environment, never on the command line (it would show in ps).
    # (Whichever key the seed made last: an earlier test may have seeded the demo.)
    key = live._demo_key()
    assert process.env["JTLCLOUD_AGENT_KEY"] == key
    assert key not in " ".join(process.command)


def test_an_installation_is_online_while_it_sends_and_offline_after_the_setting(
    installation, settings
):
    settings.JTL_OFFLINE_AFTER_MINUTES = 10
    assert not is_online(installation)
    installation.last_seen_at = timezone.now() - timedelta(minutes=9)
    assert is_online(installation)
    installation.last_seen_at = timezone.now() - timedelta(minutes=11)
    assert not is_online(installation)
