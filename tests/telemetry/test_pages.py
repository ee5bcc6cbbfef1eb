"""The installation data pages: list, dashboard, chart (+ its series), events, export; tokens."""

from __future__ import annotations

import time

import pytest

from jtlcloud.accounts.models import ApiToken
from jtlcloud.audit.models import AuditEvent
from jtlcloud.installations.models import AccessLogEntry
from tests.conftest import log_in
from tests.telemetry.conftest import now_s, post_ingest

pytestmark = pytest.mark.django_db

SECRET_CHANNEL = "secret_flow_temp"
SECRET_MESSAGE = "Burner failed at the secret site"


@pytest.fixture
def with_data(client, key, installation):
    now = now_s()
    body = {
        "readings": [
            {"channel": SECRET_CHANNEL, "ts": now - 60 * i, "value": 50.0 + i, "unit": "°C"}
            for i in range(30)
        ],
        "events": [
            {
                "id": "a1",
                "ts": now - 10,
                "severity": "alarm",
                "code": "FLAME",
                "message": SECRET_MESSAGE,
            },
            {"id": "i1", "ts": now - 20, "severity": "info", "code": "HEATING_ON", "message": "On"},
        ],
    }
    assert post_ingest(client, key, body).status_code == 200
    client.logout()
    return installation


def pages(code):
    return {
        "dashboard": f"/installations/{code}/dashboard",
        "chart": f"/installations/{code}/chart",
        "series": f"/installations/{code}/chart/series?channel={SECRET_CHANNEL}",
        "events": f"/installations/{code}/events",
        "export": f"/installations/{code}/export",
        "csv": f"/installations/{code}/export?start=2000-01-01&end=2100-01-01",
    }


def test_the_owner_sees_every_page(client, owner, with_data):
    log_in(client, owner)
    for name, url in pages(with_data.code).items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert response["Cache-Control"].count("no-store") == 1


@pytest.mark.parametrize("page", ["dashboard", "chart", "series", "events", "export", "csv"])
def test_an_outsider_gets_404_and_no_data(client, outsider, with_data, page):
    log_in(client, outsider)
    response = client.get(pages(with_data.code)[page])
    assert response.status_code == 404
    body = b"".join(response.streaming_content) if response.streaming else response.content
    for secret in (with_data.name, SECRET_CHANNEL, SECRET_MESSAGE):
        assert secret.encode() not in body
    assert not AccessLogEntry.objects.exists()


@pytest.mark.parametrize("page", ["dashboard", "chart", "series", "events", "export", "csv"])
def test_an_anonymous_visitor_is_sent_to_log_in(client, with_data, page):
    response = client.get(pages(with_data.code)[page])
    assert response.status_code == 302
    assert response["Location"].startswith("/login")


def test_a_code_that_is_not_an_installation_gets_404(client, owner, with_data):
    log_in(client, owner)
    assert (
        client.get("/installations/00000000-0000-0000-0000-000000000000/chart").status_code == 404
    )
    assert client.get("/installations/not-a-uuid/chart").status_code == 404


def test_the_list_shows_status_and_last_seen(client, owner, with_data, other_installation):
    log_in(client, owner)
    page = client.get("/data").content.decode()
    assert with_data.name in page
    assert "online" in page
    assert other_installation.name not in page


def test_the_outsiders_list_is_empty(client, outsider, with_data):
    log_in(client, outsider)
    page = client.get("/data").content.decode()
    assert with_data.name not in page
    assert "No installation data is shared with you yet" in page


def test_the_dashboard_shows_latest_values_and_recent_events(client, owner, with_data):
    log_in(client, owner)
    page = client.get(pages(with_data.code)["dashboard"]).content.decode()
    assert SECRET_CHANNEL in page
    assert "50" in page  # the newest value
    assert SECRET_MESSAGE in page
    assert AccessLogEntry.objects.filter(kind="dashboard").count() == 1


def test_the_chart_page_carries_its_configuration_without_inline_script(client, owner, with_data):
    log_in(client, owner)
    response = client.get(pages(with_data.code)["chart"])
    page = response.content.decode()
    assert 'id="chart-config" type="application/json"' in page
    assert "/static/js/charts.js" in page
    assert "uPlot.iife.min.js" in page
    assert "<script>" not in page
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_the_chart_series_reads_several_channels_at_a_fitting_resolution(client, owner, with_data):
    log_in(client, owner)
    url = (
        pages(with_data.code)["series"]
        + f"&from={time.time() - 7200}&to={time.time() + 1}&points=10"
    )
    body = client.get(url).json()
    [series] = body["series"]
    assert series["channel"] == SECRET_CHANNEL
    assert len(series["rows"]) <= 10
    bad = client.get(pages(with_data.code)["series"] + "&from=yesterday")
    assert bad.status_code == 400


def test_the_event_log_filters_by_severity_and_paginates(client, owner, with_data):
    log_in(client, owner)
    url = pages(with_data.code)["events"]
    alarms = client.get(url + "?severity=alarm").content.decode()
    assert SECRET_MESSAGE in alarms
    assert "HEATING_ON" not in alarms
    assert client.get(url + "?start=not-a-date").status_code == 400
    assert client.get(url + "?severity=doom").status_code == 400


def test_the_web_export_is_a_csv_headed_with_the_exporter(client, owner, with_data):
    log_in(client, owner)
    response = client.get(pages(with_data.code)["csv"])
    text = b"".join(response.streaming_content).decode()
    assert f"# Exported by: {owner.name} <{owner.email}>" in text
    assert f"# Installation: {with_data.name} ({with_data.code})" in text
    assert text.count(SECRET_CHANNEL) == 30
    assert AccessLogEntry.objects.filter(kind="export").count() == 1


def test_the_export_form_refuses_a_backwards_range(client, owner, with_data):
    log_in(client, owner)
    url = pages(with_data.code)["export"] + "?start=2026-02-01&end=2026-01-01"
    assert client.get(url).status_code == 400


def test_a_user_creates_a_token_sees_it_once_and_revokes_it(client, owner, with_data):
    log_in(client, owner)
    response = client.post("/account/tokens", {"label": "Grafana", "days": "30"})
    assert response.status_code == 200
    page = response.content.decode()
    token = ApiToken.objects.get(user=owner)
    raw = page.split('id="new-token">')[1].split("<")[0]
    assert raw.startswith(f"jtlt_{token.prefix}_")
    assert raw not in client.get("/account").content.decode()  # shown once only
    assert token.token_hash != raw and raw not in str(AuditEvent.objects.values_list("data"))
    api = client.get("/api/v1/installations", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.status_code == 200
    client.post(f"/account/tokens/{token.code}/revoke")
    assert (
        client.get("/api/v1/installations", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    )
    assert AuditEvent.objects.filter(kind="api_token.revoked").exists()
    assert "revoked" in client.get("/account").content.decode()


def test_nobody_revokes_another_users_token(client, owner, outsider):
    from tests.telemetry.conftest import token_for

    token_for(owner)
    token = ApiToken.objects.get(user=owner)
    log_in(client, outsider)
    assert client.post(f"/account/tokens/{token.code}/revoke").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_token_forms_need_a_name_and_a_post(client, owner):
    log_in(client, owner)
    client.post("/account/tokens", {"label": "", "days": "30"})
    assert not ApiToken.objects.exists()
    assert client.get("/account/tokens").status_code == 405
    client.post("/account/tokens", {"label": "x", "days": "99999"})
    assert not ApiToken.objects.exists()


def test_event_details_are_shown_escaped(client, key, owner, installation):
    body = {
        "events": [
            {
                "id": "d1",
                "ts": now_s(),
                "severity": "warning",
                "code": "PRESSURE_LOW",
                "message": "<b>low</b>",
                "details": {"pressure_bar": 0.9, "note": "<script>alert(1)</script>"},
            }
        ]
    }
    assert post_ingest(client, key, body).status_code == 200
    log_in(client, owner)
    page = client.get(f"/installations/{installation.code}/events").content.decode()
    assert "pressure_bar: 0.9" in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;b&gt;low&lt;/b&gt;" in page


def test_a_live_chart_is_logged_once_a_minute_not_on_every_refresh(client, owner, with_data):
    log_in(client, owner)
    for _ in range(5):
        assert client.get(pages(with_data.code)["series"]).status_code == 200
    assert AccessLogEntry.objects.filter(kind="chart").count() == 1
    for _ in range(3):
        client.get(pages(with_data.code)["dashboard"], HTTP_HX_REQUEST="true")
    assert AccessLogEntry.objects.filter(kind="dashboard").count() == 1
