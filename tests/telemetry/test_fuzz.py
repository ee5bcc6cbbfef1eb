"""Arbitrary JSON, arbitrary bytes and arbitrary lines never make the ingest routes answer 500."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.telemetry.conftest import post_ingest

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    # Hundreds of requests a minute: the rate limit would answer most of them.
    settings.JTL_INGEST_RATE_PER_MINUTE = 1_000_000


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.sampled_from(["2026-11-24T10:00:00Z", "flow_temp", "alarm", "°C", ""]),
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.sampled_from(
                [
                    "readings",
                    "events",
                    "channel",
                    "ts",
                    "value",
                    "unit",
                    "id",
                    "severity",
                    "code",
                    "message",
                    "details",
                    "x",
                ]
            ),
            children,
            max_size=5,
        ),
    ),
    max_leaves=20,
)
FUZZ = hypothesis_settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(document=documents)
def test_any_json_gets_an_answer_below_500(client, key, document):
    for path in ("/api/v1/ingest", "/api/v1/collectd"):
        response = post_ingest(client, key, json.dumps(document).encode(), path=path)
        assert response.status_code < 500, (path, document)
        assert response.status_code != 429


@FUZZ
@given(body=st.binary(min_size=1, max_size=300))
def test_any_bytes_get_an_answer_below_500(client, key, body):
    for path, content_type in [
        ("/api/v1/ingest", "application/json"),
        ("/api/v1/write", "text/plain"),
    ]:
        response = post_ingest(client, key, body, path=path, content_type=content_type)
        assert response.status_code < 500


@FUZZ
@given(
    line=st.text(
        alphabet=st.sampled_from(list("ab ,=\\\"'i.0123456789-e\nTtFfu")), min_size=1, max_size=60
    )
)
def test_any_line_protocol_gets_an_answer_below_500(client, key, line):
    response = post_ingest(
        client, key, line.encode(), path="/api/v1/write?precision=s", content_type="text/plain"
    )
    assert response.status_code < 500, line
