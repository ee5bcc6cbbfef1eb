"""InfluxDB line protocol at /api/v1/write and collectd write_http JSON at /api/v1/collectd."""

from __future__ import annotations

import base64
import json
import time

import pytest

from jtlcloud.telemetry.models import Channel
from tests.telemetry.conftest import post_ingest
from tests.telemetry.helpers import nothing_stored, stored_readings

pytestmark = pytest.mark.django_db


def channels() -> dict[str, str]:
    return dict(Channel.objects.values_list("name", "unit"))


def values() -> dict[str, float]:
    names = dict(Channel.objects.values_list("id", "name"))
    return {names[channel_id]: value for channel_id, _ts, value in stored_readings()}


def write(client, key, body, precision=None, **extra):
    path = "/api/v1/write" + (f"?precision={precision}" if precision else "")
    extra.setdefault("content_type", "text/plain; charset=utf-8")
    return post_ingest(client, key, body, path=path, **extra)


@pytest.mark.parametrize(
    ("precision", "factor"),
    [(None, 10**9), ("ns", 10**9), ("u", 10**6), ("us", 10**6), ("ms", 10**3), ("s", 1)],
)
def test_line_protocol_timestamps_follow_the_precision(client, key, precision, factor):
    seconds = int(time.time()) - 30
    response = write(client, key, f"boiler flow_temp=41.5 {seconds * factor}", precision)
    assert response.status_code == 204
    assert response["X-JTL-Readings-Accepted"] == "1"
    assert [ts for _c, ts, _v in stored_readings()] == [seconds * 1000]


def test_line_protocol_maps_measurement_tags_and_fields_to_channels(client, key):
    body = "\n".join(
        [
            "# a comment line",
            "boiler,circuit=north,site=leeds flow_temp=41.5,return_temp=35i,running=true",
            'outdoor,unit=°C value=3.25,note="sunny"',
            "",
            "cpu,host=plant\\ pc usage_idle=97.5",
        ]
    )
    response = write(client, key, body)
    assert response.status_code == 204
    assert values() == {
        "boiler.north.leeds.flow_temp": 41.5,
        "boiler.north.leeds.return_temp": 35.0,
        "boiler.north.leeds.running": 1.0,
        "outdoor": 3.25,
        "cpu.plant_pc.usage_idle": 97.5,
    }
    assert channels()["outdoor"] == "°C"


def test_a_line_without_timestamp_is_stamped_now(client, key):
    write(client, key, "boiler flow_temp=40")
    [(_c, ts, _v)] = stored_readings()
    assert abs(ts / 1000 - time.time()) < 5


def test_line_protocol_errors_name_the_line_and_store_nothing(client, key):
    response = write(client, key, "boiler flow_temp=41.5\nthis is not line protocol\n")
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert (error["item"], error["index"]) == ("line", 2)
    assert nothing_stored()


@pytest.mark.parametrize(
    "line",
    [
        "boiler flow_temp=1e400",
        "boiler flow_temp=1",  # with a timestamp far in the future, below
        "boiler flow_temp=99999999999999999999i",
    ],
)
def test_line_protocol_rejects_impossible_values_and_times(client, key, line):
    if line == "boiler flow_temp=1":
        line += f" {(int(time.time()) + 86400 * 365) * 10**9}"
    assert write(client, key, line).status_code == 400
    assert nothing_stored()


def test_an_unknown_precision_is_refused(client, key):
    assert write(client, key, "boiler x=1", "fortnight").status_code == 400


def test_influx_clients_may_send_the_key_as_token_or_basic_password(client, key):
    assert write(client, None, "a x=1", HTTP_AUTHORIZATION=f"Token {key}").status_code == 204
    basic = base64.b64encode(f"telegraf:{key}".encode()).decode()
    assert write(client, None, "a y=1", HTTP_AUTHORIZATION=f"Basic {basic}").status_code == 204
    assert write(client, None, "a z=1", HTTP_AUTHORIZATION="Basic " + basic[:-4]).status_code == 401


def test_line_protocol_accepts_the_content_types_clients_send(client, key):
    for content_type in [
        "text/plain",
        "application/octet-stream",
        "application/x-www-form-urlencoded",
    ]:
        assert write(client, key, "a x=1", content_type=content_type).status_code == 204
    assert write(client, key, "a x=1", content_type="application/json").status_code == 415


def test_line_protocol_gzip_is_accepted(client, key):
    assert write(client, key, "a x=1", gzip=True).status_code == 204


# What collectd 5.x's write_http plugin posts with Format "JSON" (one request, several lists).
def collectd_payload(now: float) -> list[dict]:
    return [
        {
            "values": [0.08, 0.05, 0.01],
            "dstypes": ["gauge", "gauge", "gauge"],
            "dsnames": ["shortterm", "midterm", "longterm"],
            "time": now,
            "interval": 10.000,
            "host": "plant-pc",
            "plugin": "load",
            "plugin_instance": "",
            "type": "load",
            "type_instance": "",
        },
        {
            "values": [97.3],
            "dstypes": ["gauge"],
            "dsnames": ["value"],
            "time": now,
            "interval": 10.000,
            "host": "plant-pc",
            "plugin": "cpu",
            "plugin_instance": "0",
            "type": "percent",
            "type_instance": "idle",
        },
        {
            "values": [1901474177, 32812],
            "dstypes": ["derive", "derive"],
            "dsnames": ["rx", "tx"],
            "time": now,
            "interval": 10.000,
            "host": "plant-pc",
            "plugin": "interface",
            "plugin_instance": "eth0",
            "type": "if_octets",
            "type_instance": "",
        },
        {
            "values": [None],
            "dstypes": ["gauge"],
            "dsnames": ["value"],
            "time": now,
            "interval": 10.000,
            "host": "plant-pc",
            "plugin": "sensors",
            "plugin_instance": "coretemp",
            "type": "temperature",
            "type_instance": "core0",
        },
    ]


def test_collectd_write_http_json_is_stored_under_readable_channel_names(client, key):
    now = round(time.time() - 5, 3)
    basic = base64.b64encode(f"collectd:{key}".encode()).decode()
    response = post_ingest(
        client,
        None,
        json.dumps(collectd_payload(now)),
        path="/api/v1/collectd",
        HTTP_AUTHORIZATION=f"Basic {basic}",
        HTTP_USER_AGENT="collectd/5.12.0",
    )
    assert response.status_code == 200, response.content
    assert response.json()["readings"] == {"accepted": 6, "duplicates": 0}
    assert response.json()["ignored"] == 1
    assert values() == {
        "load.load.shortterm": 0.08,
        "load.load.midterm": 0.05,
        "load.load.longterm": 0.01,
        "cpu-0.percent-idle": 97.3,
        "interface-eth0.if_octets.rx": 1901474177.0,
        "interface-eth0.if_octets.tx": 32812.0,
    }


def test_collectd_resending_the_same_values_counts_duplicates(client, key):
    payload = json.dumps(collectd_payload(round(time.time() - 5, 3)))
    post_ingest(client, key, payload, path="/api/v1/collectd")
    again = post_ingest(client, key, payload, path="/api/v1/collectd").json()
    assert again["readings"] == {"accepted": 0, "duplicates": 6}


@pytest.mark.parametrize(
    "payload",
    [
        {"values": [1]},
        [{"values": [1, 2], "dsnames": ["value"], "time": 1.7e9, "plugin": "a", "type": "b"}],
        [{"values": [1], "dsnames": ["value"], "time": "now", "plugin": "a", "type": "b"}],
        [{"values": ["x"], "dsnames": ["value"], "time": time.time(), "plugin": "a", "type": "b"}],
        [{"values": [1], "dsnames": ["value"], "time": time.time(), "plugin": "", "type": ""}],
        ["not an object"],
    ],
)
def test_collectd_rejects_malformed_value_lists(client, key, payload):
    response = post_ingest(client, key, payload, path="/api/v1/collectd")
    assert response.status_code == 400
    assert nothing_stored()
