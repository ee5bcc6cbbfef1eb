"""Whatever is sent, the answer is a 4xx and nothing is stored; never a 500."""

from __future__ import annotations

import gzip
import json
import os

import pytest

from tests.telemetry.conftest import now_s, post_ingest
from tests.telemetry.helpers import nothing_stored

pytestmark = pytest.mark.django_db

NOW = "__now__"


def raw_reading(value_json: str, ts_json: str = NOW) -> bytes:
    ts = str(now_s()) if ts_json == NOW else ts_json
    return (
        f'{{"readings": [{{"channel": "flow_temp", "ts": {ts}, "value": {value_json}}}]}}'.encode()
    )


BAD_BODIES = {
    "NaN": raw_reading("NaN"),
    "Infinity": raw_reading("Infinity"),
    "minus Infinity": raw_reading("-Infinity"),
    "a float that overflows to infinity": raw_reading("1e400"),
    "a huge number": raw_reading("1e300"),
    "a huge integer": raw_reading("1" + "0" * 30),
    "an integer too long to parse": raw_reading("9" * 5000),
    "a string value": raw_reading('"21.5"'),
    "a boolean value": raw_reading("true"),
    "a null value": raw_reading("null"),
    "a far-future timestamp": raw_reading("1", ts_json=str(now_s() + 86400 * 30)),
    "an ancient timestamp": raw_reading("1", ts_json="0"),
    "a negative timestamp": raw_reading("1", ts_json="-1000"),
    "a timestamp without a zone": raw_reading("1", ts_json='"2026-11-24T10:00:00"'),
    "a timestamp that is not a date": raw_reading("1", ts_json='"yesterday"'),
    "a timestamp in ms by mistake": raw_reading("1", ts_json=str(int(now_s() * 1000))),
    "a missing channel": json.dumps({"readings": [{"ts": 1, "value": 1}]}).encode(),
    "a missing value": json.dumps({"readings": [{"channel": "a", "ts": 1.7e9}]}).encode(),
    "a missing timestamp": json.dumps({"readings": [{"channel": "a", "value": 1}]}).encode(),
    "an unknown key in a reading": raw_reading("1").replace(b'"value"', b'"colour": 1, "value"'),
    "an unknown top-level key": b'{"readings": [], "bogus": 1}',
    "a channel that is a list": b'{"readings": [{"channel": ["a"], "ts": 1, "value": 1}]}',
    "an empty channel name": b'{"readings": [{"channel": "", "ts": 1, "value": 1}]}',
    "a channel name too long": json.dumps(
        {"readings": [{"channel": "a" * 201, "ts": now_s(), "value": 1}]}
    ).encode(),
    "a unit too long": json.dumps(
        {"readings": [{"channel": "a", "ts": now_s(), "value": 1, "unit": "x" * 33}]}
    ).encode(),
    "readings that are not a list": b'{"readings": {"channel": "a"}}',
    "a reading that is not an object": b'{"readings": [1, 2, 3]}',
    "a top-level list": b'[{"channel": "a", "ts": 1, "value": 1}]',
    "a top-level string": b'"hello"',
    "JSON null": b"null",
    "invalid UTF-8": b'{"readings": [{"channel": "\xff\xfe", "ts": 1, "value": 1}]}',
    "truncated JSON": raw_reading("1")[:-5],
    "deeply nested JSON": b"[" * 100_000 + b"]" * 100_000,
    "an event without an id": json.dumps(
        {"events": [{"ts": now_s(), "severity": "info", "code": "A"}]}
    ).encode(),
    "an event with an unknown severity": json.dumps(
        {"events": [{"id": "1", "ts": now_s(), "severity": "panic", "code": "A"}]}
    ).encode(),
    "an event with a huge message": json.dumps(
        {
            "events": [
                {"id": "1", "ts": now_s(), "severity": "info", "code": "A", "message": "m" * 1001}
            ]
        }
    ).encode(),
    "an event with details that are not an object": json.dumps(
        {"events": [{"id": "1", "ts": now_s(), "severity": "info", "code": "A", "details": [1]}]}
    ).encode(),
    "an event with an unknown key": json.dumps(
        {"events": [{"id": "1", "ts": now_s(), "severity": "info", "code": "A", "x": 1}]}
    ).encode(),
    "a valid reading beside an invalid one": json.dumps(
        {"readings": [{"channel": "a", "ts": now_s(), "value": 1}, {"channel": "a"}]}
    ).encode(),
}


@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_a_bad_body_gets_a_4xx_and_stores_nothing(client, key, body):
    response = post_ingest(client, key, body)
    assert 400 <= response.status_code < 500, response.content[:300]
    assert response.json()["error"]
    assert nothing_stored()


def test_an_empty_body_gets_400(client, key):
    response = post_ingest(client, key, b"")
    assert response.status_code == 400
    assert nothing_stored()


def test_a_truncated_gzip_body_gets_400(client, key):
    body = gzip.compress(raw_reading("1"))[:-10]
    response = client.post(
        "/api/v1/ingest",
        data=body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
        HTTP_CONTENT_ENCODING="gzip",
    )
    assert response.status_code == 400
    assert nothing_stored()


def test_a_body_that_is_not_gzip_but_says_so_gets_400(client, key):
    response = post_ingest(client, key, b"plain text", HTTP_CONTENT_ENCODING="gzip")
    assert response.status_code == 400


def test_ten_megabytes_of_garbage_get_a_4xx(client, key):
    garbage = os.urandom(10 * 1024 * 1024)
    for path, content_type in [
        ("/api/v1/ingest", "application/json"),
        ("/api/v1/write", "text/plain"),
        ("/api/v1/collectd", "application/json"),
    ]:
        response = post_ingest(client, key, garbage, path=path, content_type=content_type)
        assert response.status_code == 413
    assert nothing_stored()


def test_garbage_under_the_size_limit_gets_400(client, key):
    garbage = os.urandom(100_000)
    for path, content_type in [
        ("/api/v1/ingest", "application/json"),
        ("/api/v1/write", "text/plain"),
        ("/api/v1/collectd", "application/json"),
    ]:
        response = post_ingest(client, key, garbage, path=path, content_type=content_type)
        assert response.status_code == 400, path
    assert nothing_stored()
