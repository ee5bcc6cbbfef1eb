"""POST /api/v1/ingest: every answer of the contract in PRODUCT.md."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime

import pytest
from django.utils import timezone

from jtlcloud.installations.models import InstallationKey
from jtlcloud.telemetry.models import Channel, Event
from tests.telemetry.conftest import now_s, post_ingest
from tests.telemetry.helpers import nothing_stored, stored_readings

pytestmark = pytest.mark.django_db


def reading(channel="flow_temp", ts=None, value=21.5, **extra):
    return {"channel": channel, "ts": now_s() if ts is None else ts, "value": value, **extra}


def test_it_accepts_readings_and_events_and_counts_them(client, key, installation):
    ts = now_s()
    rfc = datetime.fromtimestamp(ts - 60, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = {
        "readings": [reading(ts=ts, unit="°C"), reading("return_temp", ts=rfc, value=18)],
        "events": [
            {"id": "evt-1", "ts": ts, "severity": "alarm", "code": "DOOR_OPEN", "message": "Door"}
        ],
    }
    response = post_ingest(client, key, body)
    assert response.status_code == 200
    assert response.json() == {
        "readings": {"accepted": 2, "duplicates": 0},
        "events": {"accepted": 1, "duplicates": 0},
        "ignored": 0,
    }
    flow = Channel.objects.get(installation=installation, name="flow_temp")
    assert flow.unit == "°C"
    assert flow.last_value == 21.5
    assert flow.last_ts == round(ts * 1000)
    assert Event.objects.get(installation=installation).code == "DOOR_OPEN"


def test_a_reading_or_event_sent_twice_is_stored_once_and_counted_as_duplicate(client, key):
    ts = now_s()
    body = {
        "readings": [reading(ts=ts), reading(ts=ts, value=99.0)],
        "events": [{"id": "e", "ts": ts, "severity": "info", "code": "X"}] * 2,
    }
    first = post_ingest(client, key, body).json()
    assert first["readings"] == {"accepted": 1, "duplicates": 1}
    assert first["events"] == {"accepted": 1, "duplicates": 1}
    again = post_ingest(client, key, body).json()
    assert again["readings"] == {"accepted": 0, "duplicates": 2}
    assert again["events"] == {"accepted": 0, "duplicates": 2}
    assert [value for _c, _t, value in stored_readings()] == [21.5]  # the first one wins
    assert Event.objects.count() == 1


def test_it_marks_the_installation_seen(client, key, installation):
    assert installation.last_seen_at is None
    post_ingest(client, key, {"readings": [reading()]})
    installation.refresh_from_db()
    assert installation.last_seen_at is not None
    assert (timezone.now() - installation.last_seen_at).total_seconds() < 5


def test_it_names_each_bad_item_by_index_and_field_and_stores_nothing(client, key):
    body = {
        "readings": [reading(), reading(value="hot"), reading(channel="bad name!")],
        "events": [{"id": "e", "ts": now_s(), "severity": "doom", "code": "X"}],
    }
    response = post_ingest(client, key, body)
    assert response.status_code == 400
    errors = {(e["item"], e["index"], e["field"]) for e in response.json()["errors"]}
    assert errors == {
        ("readings", 1, "value"),
        ("readings", 2, "channel"),
        ("events", 0, "severity"),
    }
    assert nothing_stored()


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer nonsense", "Bearer jtlk_AAAAAAAA_wrong", "Basic !!!", "Digest x"],
)
def test_it_answers_401_without_a_valid_key(client, key, authorization):
    extra = {} if authorization is None else {"HTTP_AUTHORIZATION": authorization}
    response = post_ingest(client, None, {"readings": [reading()]}, **extra)
    assert response.status_code == 401
    assert "Bearer" in response["WWW-Authenticate"]
    assert nothing_stored()


def test_a_revoked_key_gets_401(client, key):
    InstallationKey.objects.update(revoked_at=timezone.now())
    response = post_ingest(client, key, {"readings": [reading()]})
    assert response.status_code == 401
    assert nothing_stored()


def test_a_key_of_another_kind_gets_401(client, key, owner_token):
    assert post_ingest(client, owner_token, {"readings": [reading()]}).status_code == 401


def test_it_answers_415_for_other_content_types(client, key):
    response = post_ingest(client, key, {"readings": [reading()]}, content_type="text/plain")
    assert response.status_code == 415
    form = post_ingest(client, key, "a=b", content_type="application/x-www-form-urlencoded")
    assert form.status_code == 415
    assert nothing_stored()


def test_it_answers_415_for_an_unknown_content_encoding(client, key):
    response = post_ingest(client, key, {"readings": [reading()]}, HTTP_CONTENT_ENCODING="br")
    assert response.status_code == 415


def test_it_accepts_gzip_bodies(client, key):
    response = post_ingest(client, key, {"readings": [reading()]}, gzip=True)
    assert response.status_code == 200
    assert response.json()["readings"]["accepted"] == 1


def test_it_answers_413_for_a_body_over_the_limit(client, key, settings):
    settings.JTL_INGEST_MAX_BYTES = 2048
    body = {"readings": [reading(value=float(i)) for i in range(100)]}
    assert post_ingest(client, key, body).status_code == 413
    assert nothing_stored()


def test_it_answers_413_for_a_gzip_bomb(client, key, settings):
    settings.JTL_INGEST_MAX_BYTES = 64 * 1024
    bomb = gzip.compress(b" " * (10 * 1024 * 1024))
    assert len(bomb) < 64 * 1024
    response = client.post(
        "/api/v1/ingest",
        data=bomb,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
        HTTP_CONTENT_ENCODING="gzip",
    )
    assert response.status_code == 413
    assert nothing_stored()


def test_it_answers_413_for_too_many_items(client, key, settings):
    settings.JTL_INGEST_MAX_ITEMS = 10
    ts = now_s()
    body = {"readings": [reading(ts=ts - i) for i in range(11)]}
    assert post_ingest(client, key, body).status_code == 413
    assert nothing_stored()


def test_it_answers_429_with_retry_after_over_the_rate_limit(client, key, settings):
    settings.JTL_INGEST_RATE_PER_MINUTE = 3
    answers = [
        post_ingest(client, key, {"readings": [reading(ts=now_s() - i)]}).status_code
        for i in range(4)
    ]
    assert answers == [200, 200, 200, 429]
    limited = post_ingest(client, key, {"readings": [reading()]})
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert limited.json()["error"] == "rate_limited"


def test_the_rate_limit_counts_per_installation(client, key, settings, owner_org):
    from tests.telemetry.conftest import make_installation, make_key

    settings.JTL_INGEST_RATE_PER_MINUTE = 1
    other_key = make_key(make_installation(owner_org, "Second plant"))
    assert post_ingest(client, key, {"readings": [reading()]}).status_code == 200
    assert post_ingest(client, other_key, {"readings": [reading()]}).status_code == 200
    assert post_ingest(client, key, {"readings": [reading()]}).status_code == 429


def test_get_is_not_allowed(client, key):
    response = client.get("/api/v1/ingest", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 405


def test_an_error_body_is_json_with_a_code_and_detail(client):
    response = post_ingest(client, None, {"readings": []})
    assert response["Content-Type"].startswith("application/json")
    assert set(json.loads(response.content)) == {"error", "detail"}
