"""Rollups always equal a recomputation from the raw readings, however the data arrives.

Hypothesis sends random batches: out of order, late (older than what is
stored), repeated within and across batches, over several channels and
bucket boundaries. After every run the stored readings are the first
arrival of each (channel, ts), and every rollup row equals the naive
min/max/sum/count of those readings.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jtlcloud.lib.timebuckets import RESOLUTIONS, bucket_start
from jtlcloud.telemetry.batch import Batch
from jtlcloud.telemetry.models import Channel
from jtlcloud.telemetry.store import store_batch
from tests.telemetry.helpers import stored_readings, stored_rollups

pytestmark = pytest.mark.django_db

BASE_MS = (int(time.time()) - 12 * 86400) * 1000
BASE_MS -= BASE_MS % 86_400_000  # start on a day boundary, so buckets of every size are crossed

offsets = st.one_of(
    st.integers(0, 300).map(lambda k: k * 137_000),  # dense: many readings per bucket
    st.integers(0, 10).map(lambda d: d * 86_400_000 + 59_999),  # sparse: other days
    st.sampled_from([0, 599_999, 600_000, 3_599_999, 3_600_000, 21_600_000, 86_399_999]),
)
readings = st.tuples(
    st.sampled_from(["a", "b", "c"]),
    offsets,
    st.integers(-10_000, 10_000).map(lambda n: n / 8),  # exact in binary: sums are exact
)
batches = st.lists(st.lists(readings, min_size=1, max_size=40), min_size=1, max_size=6)


def clear() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM telemetry_reading")
        cursor.execute("DELETE FROM telemetry_rollup")
    Channel.objects.all().delete()


def naive_rollups(first: dict[tuple[int, int], float]):
    groups: dict[tuple[int, int, int], list[float]] = defaultdict(list)
    for (channel_id, ts), value in first.items():
        for resolution in RESOLUTIONS:
            groups[(channel_id, resolution, bucket_start(ts, resolution))].append(value)
    return sorted(
        (channel, res, bucket, min(vs), max(vs), math.fsum(vs), len(vs))
        for (channel, res, bucket), vs in groups.items()
    )


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(batches=batches)
def test_rollups_equal_a_recomputation_for_any_arrival_order(installation, batches):
    clear()
    first_value: dict[tuple[str, int], float] = {}
    accepted = 0
    for batch in batches:
        rows = [(name, BASE_MS + offset, value) for name, offset, value in batch]
        stored = store_batch(installation, Batch(readings=rows))
        accepted += stored.readings_accepted
        for name, ts, value in rows:
            first_value.setdefault((name, ts), value)
    ids = dict(Channel.objects.values_list("name", "id"))
    first = {(ids[name], ts): value for (name, ts), value in first_value.items()}
    assert accepted == len(first)
    assert stored_readings() == sorted((c, ts, v) for (c, ts), v in first.items())
    assert stored_rollups() == naive_rollups(first)
    # The latest value of each channel is its newest reading.
    for channel in Channel.objects.all():
        newest = max(ts for (c, ts) in first if c == channel.pk)
        assert (channel.last_ts, channel.last_value) == (newest, first[(channel.pk, newest)])
