"""The read API with personal tokens: installations, detail, series, events, CSV export."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from jtlcloud.accounts.models import ApiToken
from jtlcloud.installations.models import AccessLogEntry
from tests.telemetry.conftest import now_s, post_ingest

pytestmark = pytest.mark.django_db


def api(client, token, path, **params):
    return client.get(f"/api/v1{path}", params, HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def with_data(client, key, installation):
    now = now_s()
    readings = [
        {"channel": "flow_temp", "ts": now - 60 * i, "value": 40.0 + i, "unit": "°C"}
        for i in range(120)
    ]
    events = [
        {"id": f"e{i}", "ts": now - 30 * i, "severity": ["info", "alarm"][i % 2], "code": "C"}
        for i in range(7)
    ]
    assert post_ingest(client, key, {"readings": readings, "events": events}).status_code == 200
    return installation


def test_it_lists_the_installations_the_token_user_may_see(
    client, owner_token, installation, other_installation
):
    response = api(client, owner_token, "/installations")
    assert response.status_code == 200
    assert [i["code"] for i in response.json()] == [str(installation.code)]


def test_the_detail_shows_channels_with_latest_values_and_logs_the_access(
    client, owner_token, owner, with_data
):
    response = api(client, owner_token, f"/installations/{with_data.code}")
    assert response.status_code == 200
    body = response.json()
    assert body["online"] is True
    [channel] = body["channels"]
    assert (channel["name"], channel["unit"], channel["latest_value"]) == ("flow_temp", "°C", 40.0)
    entry = AccessLogEntry.objects.get(installation=with_data)
    assert (entry.user, entry.kind) == (owner, "api")


def test_series_returns_at_most_the_requested_points(client, owner_token, with_data):
    response = api(
        client,
        owner_token,
        f"/installations/{with_data.code}/series",
        channel="flow_temp",
        **{"from": str(time.time() - 7200), "to": str(time.time() + 1)},
        points=30,
    )
    assert response.status_code == 200
    body = response.json()
    assert 0 < len(body["rows"]) <= 30
    assert body["resolution"] >= 120  # two minutes of readings per row, at least
    for _ts, low, avg, high in body["rows"]:
        assert low <= avg <= high
    assert min(row[1] for row in body["rows"]) == 40.0
    assert max(row[3] for row in body["rows"]) == 159.0


def test_series_of_raw_readings_when_they_fit(client, owner_token, with_data):
    body = api(
        client, owner_token, f"/installations/{with_data.code}/series", channel="flow_temp"
    ).json()
    assert body["resolution"] == 0
    assert len(body["rows"]) == 120
    assert body["rows"][-1][1:] == [40.0, 40.0, 40.0]


def test_series_rejects_a_bad_range_and_an_unknown_channel(client, owner_token, with_data):
    path = f"/installations/{with_data.code}/series"
    assert (
        api(client, owner_token, path, channel="flow_temp", **{"from": "soon"}).status_code == 400
    )
    backwards = {"from": str(time.time()), "to": str(time.time() - 10)}
    assert api(client, owner_token, path, channel="flow_temp", **backwards).status_code == 400
    assert api(client, owner_token, path, channel="nope").status_code == 404
    assert api(client, owner_token, path, channel="flow_temp", points=0).status_code == 422


def test_events_paginate_with_a_cursor_and_filter_by_severity(client, owner_token, with_data):
    path = f"/installations/{with_data.code}/events"
    first = api(client, owner_token, path, limit=3).json()
    assert [e["id"] for e in first["events"]] == ["e0", "e1", "e2"]
    second = api(client, owner_token, path, limit=3, cursor=first["next_cursor"]).json()
    assert [e["id"] for e in second["events"]] == ["e3", "e4", "e5"]
    third = api(client, owner_token, path, limit=3, cursor=second["next_cursor"]).json()
    assert [e["id"] for e in third["events"]] == ["e6"]
    assert third["next_cursor"] is None
    alarms = api(client, owner_token, path, severity="alarm").json()
    assert {e["severity"] for e in alarms["events"]} == {"alarm"}
    assert api(client, owner_token, path, cursor="garbage!").status_code == 200


def test_the_csv_export_names_who_exported_which_installation_and_how(
    client, owner_token, owner, with_data
):
    response = api(client, owner_token, f"/installations/{with_data.code}/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode()
    lines = text.splitlines()
    assert f"# Installation: {with_data.name} ({with_data.code})" in lines
    assert f"# Exported by: {owner.name} <{owner.email}>, {owner.company}" in lines
    assert any(line.startswith("# Access: ") for line in lines)
    assert "time,channel,value,unit" in lines
    assert sum(1 for line in lines if ",flow_temp," in line) == 120
    assert AccessLogEntry.objects.filter(installation=with_data, kind="export").exists()


@pytest.mark.parametrize(
    "path",
    ["", "/series?channel=flow_temp", "/events", "/export.csv"],
)
def test_an_outsider_gets_404_and_no_data(client, outsider_token, with_data, path):
    url = f"/api/v1/installations/{with_data.code}{path}"
    response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {outsider_token}")
    assert response.status_code == 404
    body = response.content.decode()
    assert with_data.name not in body
    assert "flow_temp" not in body
    assert not AccessLogEntry.objects.exists()


def test_an_outsider_lists_no_installations(client, outsider_token, with_data):
    assert api(client, outsider_token, "/installations").json() == []


@pytest.mark.parametrize("token", [None, "nonsense", "jtlt_AAAAAAAA_nothing"])
def test_reads_without_a_valid_token_get_401(client, with_data, token):
    headers = {} if token is None else {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    response = client.get(f"/api/v1/installations/{with_data.code}", **headers)
    assert response.status_code == 401


def test_an_installation_key_is_not_a_read_token(client, key, with_data):
    assert api(client, key, f"/installations/{with_data.code}").status_code == 401


def test_a_revoked_or_expired_token_gets_401(client, owner_token, with_data):
    path = f"/installations/{with_data.code}"
    assert api(client, owner_token, path).status_code == 200
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert api(client, owner_token, path).status_code == 401
    ApiToken.objects.update(
        expires_at=timezone.now() + timedelta(days=1), revoked_at=timezone.now()
    )
    assert api(client, owner_token, path).status_code == 401


def test_a_deactivated_user_token_gets_401(client, owner, owner_token, with_data):
    owner.is_active = False
    owner.save()
    assert api(client, owner_token, "/installations").status_code == 401


def test_tokens_only_read(client, owner_token, with_data):
    response = client.post(
        "/api/v1/ingest",
        data=b'{"readings": []}',
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {owner_token}",
    )
    assert response.status_code == 401


def test_the_openapi_document_and_docs_page_are_served(client):
    document = client.get("/api/v1/openapi.json")
    assert document.status_code == 200
    spec = document.json()
    for path in [
        "/api/v1/ingest",
        "/api/v1/write",
        "/api/v1/collectd",
        "/api/v1/installations",
        "/api/v1/installations/{code}/series",
        "/api/v1/installations/{code}/events",
        "/api/v1/installations/{code}/export.csv",
    ]:
        assert path in spec["paths"], path
    ingest = spec["paths"]["/api/v1/ingest"]["post"]
    assert {"200", "400", "401", "413", "415", "429"} <= set(ingest["responses"])
    assert "requestBody" in ingest
    assert client.get("/api/v1/docs").status_code == 200


def test_the_docs_page_loads_nothing_from_other_origins(client):
    page = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert 'src="http' not in page and 'href="http' not in page
    assert "<script>" not in page  # no inline script: the CSP would block it


def test_an_export_under_a_grant_names_the_grant(owner, installation):
    from datetime import UTC, datetime

    from jtlcloud.installations.access import Access
    from jtlcloud.telemetry.export import csv_lines

    access = Access(installation=installation, via="grant", grant_id=7, reference="job 1234")
    start, end = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 2, tzinfo=UTC)
    header = "".join(csv_lines(owner, access, [], start, end))
    assert '# Access: under grant #7 "job 1234"' in header
