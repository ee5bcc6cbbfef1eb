"""The owner-visible access log: written cheaply, filtered, downloaded, purged."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.utils import timezone

from jtlcloud.accounts.models import User
from jtlcloud.audit.models import AuditEvent
from jtlcloud.installations.access import Need, access_installation
from jtlcloud.installations.access_log import record_access
from jtlcloud.installations.models import AccessLogEntry, Installation
from tests.access.conftest import give, staff_log_in
from tests.conftest import log_in, make_user

pytestmark = pytest.mark.django_db


def entry(installation: Installation, user: User, kind: str = "dashboard", **fields: Any) -> None:
    AccessLogEntry.objects.create(
        installation=installation,
        user=user,
        user_label=f"{user.name} <{user.email}>",
        organisation_label=fields.pop("organisation_label", user.company),
        kind=kind,
        via=fields.pop("via", "grant"),
        **fields,
    )


def test_recording_a_view_is_a_single_insert_with_who_what_and_where(
    engineer: User, installation: Installation, django_assert_num_queries: Any
) -> None:
    grant = give(engineer, installation, reference="job 5")
    access = access_installation(engineer, installation.code, Need.VIEW)
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9")
    with django_assert_num_queries(1):
        record_access(request, engineer, access, "chart", "flow_temp, last day")
    row = AccessLogEntry.objects.get()
    assert row.user_label == "Sam Engineer <sam@acme.example>"
    assert row.organisation_label == "Acme Service"
    assert (row.kind, row.detail, row.via, row.grant_id) == (
        "chart",
        "flow_temp, last day",
        "grant",
        grant.pk,
    )
    assert row.ip == "203.0.113.9"


def test_owners_filter_the_log_by_person_kind_and_date(
    client: Client, owner: User, engineer: User, installation: Installation
) -> None:
    other = make_user("rita@brightwater.example", name="Rita Controls")
    now = timezone.now()
    entry(installation, engineer, "export", at=now - timedelta(days=3))
    entry(installation, engineer, "chart", at=now)
    entry(installation, other, "events", at=now)
    log_in(client, owner)
    url = f"/installations/{installation.code}/access/log"
    page = client.get(url)
    assert page.status_code == 200
    assert page.content.count(b"<tr>") == 4  # header and three entries
    by_person = client.get(url, {"person": "Rita Controls <rita@brightwater.example>"})
    assert by_person.content.count(b"<tr>") == 2
    by_kind = client.get(url, {"kind": "export"})
    assert by_kind.content.count(b"<tr>") == 2
    since = (now - timedelta(days=1)).date().isoformat()
    assert client.get(url, {"since": since}).content.count(b"<tr>") == 3
    assert client.get(url, {"since": "not-a-date", "kind": "nonsense"}).status_code == 200


def test_owners_download_the_log_as_csv_safe_for_spreadsheets(
    client: Client, owner: User, installation: Installation
) -> None:
    sneaky = make_user("x@evil.example", name="=HYPERLINK(1)")
    entry(installation, sneaky, "export", ip="192.0.2.1")
    log_in(client, owner)
    response = client.get(f"/installations/{installation.code}/access/log", {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["time_utc", "person", "organisation", "kind"]
    assert rows[1][1].startswith("'=HYPERLINK")
    assert rows[1][3] == "export" and rows[1][7] == "192.0.2.1"


def test_members_and_grantees_do_not_see_the_log(
    client: Client, member: User, engineer: User, installation: Installation
) -> None:
    give(engineer, installation)
    for person in (member, engineer):
        browser = Client()
        log_in(browser, person)
        assert browser.get(f"/installations/{installation.code}/access/log").status_code == 404


def test_an_officer_reading_the_log_is_audited(officer: User, installation: Installation) -> None:
    client = Client()
    staff_log_in(client, officer)
    assert client.get(f"/installations/{installation.code}/access/log").status_code == 200
    assert AuditEvent.objects.filter(kind="staff.access_log_viewed", actor=officer).exists()


def test_the_purge_command_deletes_entries_past_the_retention(
    settings: Any, engineer: User, installation: Installation
) -> None:
    settings.JTL_ACCESS_LOG_RETENTION_DAYS = 30
    now = timezone.now()
    entry(installation, engineer, at=now - timedelta(days=31))
    entry(installation, engineer, at=now - timedelta(days=29))
    out = io.StringIO()
    call_command("purge_access_log", stdout=out)
    assert AccessLogEntry.objects.count() == 1
    assert "1" in out.getvalue()


def test_a_recorded_view_reads_back_as_an_aware_time_and_is_found_by_the_date_filter(
    engineer: User, installation: Installation
) -> None:
    from jtlcloud.installations.access_log import LogFilter, filtered_log

    give(engineer, installation)
    access = access_installation(engineer, installation.code, Need.VIEW)
    before = timezone.now()
    record_access(None, engineer, access, "export", "x" * 1000)
    row = AccessLogEntry.objects.get()
    assert row.at.tzinfo is not None and abs((row.at - before).total_seconds()) < 5
    assert row.ip is None and len(row.detail) == 300
    today = timezone.now().date()
    assert list(filtered_log(installation, LogFilter(since=today, until=today))) == [row]
    assert not filtered_log(installation, LogFilter(until=today - timedelta(days=1))).exists()
