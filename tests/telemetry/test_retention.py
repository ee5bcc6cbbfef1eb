"""Raw readings go after the installation's retention period; rollups stay longer."""

from __future__ import annotations

import time

import pytest
from django.core.management import call_command

from jtlcloud.telemetry.batch import Batch
from jtlcloud.telemetry.models import Channel, RetentionPolicy
from jtlcloud.telemetry.queries import series
from jtlcloud.telemetry.store import store_batch
from tests.telemetry.helpers import stored_readings, stored_rollups

pytestmark = pytest.mark.django_db

DAY_MS = 86_400_000


def test_retention_deletes_old_raw_readings_and_keeps_their_rollups(installation, settings):
    settings.JTL_INGEST_MAX_AGE_DAYS = 400
    now_ms = int(time.time() * 1000)
    rows = [("flow_temp", now_ms - days * DAY_MS, float(days)) for days in (1, 20, 40, 300)]
    store_batch(installation, Batch(readings=rows))
    RetentionPolicy.objects.create(installation=installation, raw_days=30, rollup_days=200)
    call_command("apply_retention", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert sorted(value for _c, _t, value in stored_readings()) == [1.0, 20.0]
    kept = {row[3] for row in stored_rollups()}  # the min of each bucket
    assert kept == {1.0, 20.0, 40.0}  # 300 days old: past the rollup period too
    channel = Channel.objects.get()
    old = series(channel, now_ms - 45 * DAY_MS, now_ms - 35 * DAY_MS, 100, now_ms - 30 * DAY_MS)
    assert [row[1] for row in old.rows] == [40.0]  # served from the rollups


def test_installations_without_a_policy_use_the_default(installation, settings):
    settings.JTL_RAW_RETENTION_DAYS = 10
    now_ms = int(time.time() * 1000)
    store_batch(installation, Batch(readings=[("a", now_ms - 11 * DAY_MS, 1.0)]))
    call_command("apply_retention", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert stored_readings() == []
    assert stored_rollups() != []
