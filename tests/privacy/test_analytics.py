"""Visit analytics (policy 2a): what is recorded, what never is, visits, objection, retention."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from jtlcloud.privacy.analytics import RawView, device_id, recorder
from jtlcloud.privacy.models import DeviceObjection, PageView, Visit
from tests.conftest import CommittingClient, log_in
from tests.privacy.conftest import BROWSER

pytestmark = pytest.mark.django_db

PHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)


def _browser(**extra):
    return CommittingClient(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.7", **extra)


def test_a_page_view_is_recorded_with_route_status_browser_os_and_device():
    client = _browser()
    client.get("/privacy?utm_source=mail&pin=1234")
    recorder.flush()
    [view] = PageView.objects.all()
    assert view.route == "/privacy"
    assert view.status == 200
    assert view.browser == "Chrome"
    assert view.browser_version == "120"
    assert view.os == "Linux"
    assert view.device_type == "desktop"
    assert view.ip == "203.0.113.7"
    assert len(view.device_id) == 32


def test_tokens_in_the_path_are_never_stored_only_the_url_pattern(client):
    client.get("/pin/reset/SECRET-TOKEN-123", HTTP_USER_AGENT=BROWSER)
    client.get("/verify/ANOTHER-SECRET", HTTP_REFERER="http://testserver/pin/reset/REF-SECRET")
    recorder.flush()
    stored = list(PageView.objects.values_list("route", "referrer_route"))
    assert ("/pin/reset/<str:token>", "") in stored
    assert ("/verify/<str:token>", "/pin/reset/<str:token>") in stored
    for row in PageView.objects.values():
        assert "SECRET" not in str(row)


def test_only_in_site_referrers_are_kept():
    client = _browser()
    client.get("/contact", HTTP_REFERER="https://search.example/?q=jtl")
    client.get("/privacy", HTTP_REFERER="http://testserver/contact?x=1")
    recorder.flush()
    refs = dict(PageView.objects.values_list("route", "referrer_route"))
    assert refs == {"/contact": "", "/privacy": "/contact"}


def test_static_files_api_calls_posts_and_non_html_answers_are_not_page_views(client):
    client.get("/health")
    client.get("/static/css/app.css")
    client.post("/contact/complaint", {})
    recorder.flush()
    assert PageView.objects.count() == 0


def test_unknown_pages_are_recorded_as_not_found_without_their_path(client):
    client.get("/no/such/page/with-a-token-abc")
    recorder.flush()
    [view] = PageView.objects.all()
    assert (view.route, view.status) == ("(not found)", 404)


def test_the_ip_address_can_be_truncated_by_a_setting(settings):
    settings.JTL_ANALYTICS_TRUNCATE_IP = True
    _browser().get("/")
    recorder.flush()
    assert PageView.objects.get().ip == "203.0.113.0"


def test_the_device_identifier_needs_no_cookie_and_changes_every_day():
    response = _browser().get("/")
    assert not response.cookies
    today = dt.date(2026, 5, 1)
    same = device_id("203.0.113.7", BROWSER, today)
    assert same == device_id("203.0.113.7", BROWSER, today)
    assert same != device_id("203.0.113.7", BROWSER, today + dt.timedelta(days=1))
    assert same != device_id("203.0.113.8", BROWSER, today)


def test_page_views_group_into_visits_with_length_and_pages():
    now = timezone.now().replace(microsecond=0)

    def view(minutes: int, route: str, agent: str = BROWSER) -> RawView:
        return RawView(
            at=now + dt.timedelta(minutes=minutes),
            route=route,
            status=200,
            referer="",
            host="testserver",
            ip="198.51.100.1",
            user_agent=agent,
            user_id=None,
        )

    for raw in [view(0, "/"), view(2, "/login"), view(5, "/account"), view(50, "/")]:
        recorder.add(raw)
    recorder.add(view(1, "/", PHONE))
    recorder.flush()
    visits = list(Visit.objects.order_by("started_at", "device_type"))
    assert [(v.page_count, v.seconds, v.device_type) for v in visits] == [
        (3, 300, "desktop"),
        (1, 0, "mobile"),
        (1, 0, "desktop"),
    ]


def test_a_later_batch_continues_an_open_visit():
    client = _browser()
    client.get("/")
    recorder.flush()
    client.get("/contact")
    recorder.flush()
    assert Visit.objects.get().page_count == 2


def test_a_logged_in_user_objects_with_one_click_and_nothing_more_is_recorded(owner):
    client = _browser()
    log_in(client, owner)
    client.get("/")
    recorder.flush()
    assert PageView.objects.filter(user=owner).exists()
    response = client.post("/privacy/analytics", {"objection": "object"})
    assert response.status_code == 302
    assert not PageView.objects.filter(user=owner).exists()  # the past goes too
    client.get("/")
    client.get("/account")
    # Another browser, already logged in before the objection, records nothing either.
    recorder.flush()
    assert not PageView.objects.filter(user=owner).exists()
    assert not Visit.objects.filter(user=owner).exists()


def test_the_objection_reaches_sessions_that_were_open_before_it(owner):
    first, second = _browser(), _browser()
    log_in(first, owner)
    log_in(second, owner)
    first.post("/privacy/analytics", {"objection": "object"})
    second.get("/contact")
    recorder.flush()
    assert not PageView.objects.filter(user=owner).exists()


def test_the_objection_can_be_withdrawn(owner):
    client = _browser()
    log_in(client, owner)
    client.post("/privacy/analytics", {"objection": "object"})
    client.post("/privacy/analytics", {"objection": "withdraw"})
    client.get("/contact")
    recorder.flush()
    assert PageView.objects.filter(user=owner, route="/contact").exists()


def test_an_anonymous_visitor_objects_for_the_day_without_a_cookie():
    client = _browser()
    client.get("/")
    recorder.flush()
    response = client.post("/privacy/analytics")
    assert response.status_code == 302
    assert "Set-Cookie" not in response or "jtl_session" in response.cookies
    assert PageView.objects.count() == 0
    assert DeviceObjection.objects.count() == 1
    client.get("/contact")
    recorder.flush()
    assert PageView.objects.count() == 0


def test_global_privacy_control_and_do_not_track_are_honoured():
    _browser(HTTP_SEC_GPC="1").get("/")
    _browser(HTTP_DNT="1").get("/")
    recorder.flush()
    assert PageView.objects.count() == 0


def test_the_retention_job_deletes_what_is_older_than_13_months(settings):
    assert settings.JTL_ANALYTICS_RETENTION_DAYS == 396
    old = timezone.now() - dt.timedelta(days=400)
    recent = timezone.now() - dt.timedelta(days=10)
    for at in (old, recent):
        recorder.add(RawView(at, "/", 200, "", "testserver", "192.0.2.1", BROWSER, None))
    recorder.flush()
    call_command("purge_visits")
    assert list(PageView.objects.values_list("at", flat=True)) == [recent]
    assert Visit.objects.count() == 1


def test_the_buffer_is_written_when_it_is_full(settings):
    settings.JTL_ANALYTICS_BATCH_SIZE = 3
    client = _browser()
    for _ in range(3):
        client.get("/")
    assert PageView.objects.count() == 3
    assert recorder.pending() == 0


def test_staff_see_the_dashboard_with_charts_and_a_date_range(staff_client):
    client = _browser()
    client.get("/")
    client.get("/contact", HTTP_REFERER="http://testserver/")
    recorder.flush()
    today = timezone.now().date().isoformat()
    response = staff_client.get(f"/staff/analytics?start={today}&end={today}")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'src="/static/vendor/uplot/uPlot.iife.min.js"' in body
    assert 'src="/static/js/analytics.js"' in body
    assert "/ → /contact" in body
    data = staff_client.get(f"/staff/analytics/data?start={today}&end={today}").json()
    assert data["totals"] == {
        "visits": 1,
        "page_views": 2,
        "average_visit_seconds": data["totals"]["average_visit_seconds"],
        "pages_per_visit": 2.0,
        "errors": 0,
    }
    assert data["daily"]["visits"] == [1]
    assert data["browsers"][0]["label"] == "Chrome"
    assert data["devices"][0]["label"] == "desktop"
    assert data["paths"][0] == {"label": "/ → /contact", "count": 1}


@pytest.mark.parametrize(
    "query",
    ["start=yesterday&end=2026-99-99", "start=9999-12-31&end=9999-12-31", "start=0001-01-01"],
)
def test_a_bad_or_absurd_date_range_is_not_a_500(staff_client, query):
    assert staff_client.get(f"/staff/analytics?{query}").status_code == 200
    assert staff_client.get(f"/staff/analytics/data?{query}").status_code == 200
    assert staff_client.get(f"/staff/audit?{query}").status_code == 200


def test_users_and_anonymous_visitors_cannot_see_the_dashboard(client, owner):
    assert client.get("/staff/analytics").status_code == 404
    assert client.get("/staff/analytics/data").status_code == 404
    log_in(client, owner)
    assert client.get("/staff/analytics").status_code == 404
    assert client.get("/staff/analytics/data").status_code == 404


@pytest.mark.parametrize(
    ("agent", "device"),
    [
        (BROWSER, "desktop"),
        (PHONE, "mobile"),
        ("Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15", "tablet"),
        ("curl/8.5.0", "bot"),
        ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "bot"),
        ("", "unknown"),
    ],
)
def test_the_device_type_is_derived_from_the_user_agent(agent, device):
    from jtlcloud.privacy.analytics import parse_agent

    assert parse_agent(agent).device_type == device
