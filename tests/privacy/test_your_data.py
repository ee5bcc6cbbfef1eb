"""Your data (policy 10; SECURITY.md check 32): see, download, correct, request, erase."""

from __future__ import annotations

import json

import pytest
from django.contrib.sessions.models import Session

from jtlcloud.accounts import tokens
from jtlcloud.audit.chain import verify_chain
from jtlcloud.audit.models import AuditEvent
from jtlcloud.installations.models import AccessLogEntry, Installation
from jtlcloud.privacy.analytics import recorder
from jtlcloud.privacy.models import PageView, PrivacyRequest, RequestStatus
from jtlcloud.privacy.personal_data import register_section, sections
from tests.conftest import GOOD_PIN, CommittingClient, log_in
from tests.privacy.conftest import BROWSER

pytestmark = pytest.mark.django_db


@pytest.fixture
def looked(owner_org, engineer):
    installation = Installation.objects.create(owner=owner_org, name="Boiler house")
    return AccessLogEntry.objects.create(
        installation=installation,
        user=engineer,
        user_label=engineer.email,
        organisation_label="Acme Service",
        kind="dashboard",
        via="grant",
    )


def test_your_data_shows_profile_organisations_events_visits_requests_and_access_log(
    engineer, looked
):
    client = CommittingClient(HTTP_USER_AGENT=BROWSER)
    log_in(client, engineer)
    client.get("/contact")
    recorder.flush()
    client.post("/account/requests/new", {"kind": "access", "details": "Everything please"})
    response = client.get("/account/data")
    assert response.status_code == 200
    body = response.content.decode()
    for expected in [
        "Sam Engineer",
        engineer.email,
        "Acme Service",
        "Boiler house",
        "login.succeeded" if AuditEvent.objects.filter(kind="login.succeeded").exists() else "",
        "/contact",
        "Everything please",
        "Chrome",
    ]:
        assert expected in body, expected


def test_the_download_is_json_with_every_section(engineer, looked):
    client = CommittingClient()
    log_in(client, engineer)
    response = client.get("/account/data.json")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    document = json.loads(response.content)
    assert set(document["sections"]) >= {
        "profile",
        "organisations",
        "privacy_choices",
        "requests",
        "access_log",
        "visits",
        "audit_events",
    }
    assert document["sections"]["profile"]["email"] == engineer.email
    assert document["sections"]["access_log"][0]["installation"] == "Boiler house"
    assert "password" not in response.content.decode()
    assert GOOD_PIN not in response.content.decode()


def test_your_data_holds_nothing_of_anyone_else(client, owner, engineer, looked):
    log_in(client, owner)
    body = (
        client.get("/account/data").content.decode()
        + client.get("/account/data.json").content.decode()
    )
    assert engineer.email not in body
    assert "Boiler house" not in body


def test_anonymous_visitors_are_sent_to_log_in(client):
    for url in ["/account/data", "/account/data.json", "/account/privacy", "/account/requests/new"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login")


def test_other_areas_can_register_their_own_sections(client, owner):
    @register_section("test_extra", "Extra things", order=999)
    def extra(user):
        return [{"thing": f"extra for {user.name}"}]

    try:
        log_in(client, owner)
        assert "extra for Olivia Owner" in client.get("/account/data").content.decode()
        document = json.loads(client.get("/account/data.json").content)
        assert document["sections"]["test_extra"] == [{"thing": "extra for Olivia Owner"}]
    finally:
        from jtlcloud.privacy import personal_data

        personal_data._SECTIONS.pop("test_extra")
    assert "test_extra" not in {s.key for s in sections()}


def test_users_correct_their_profile(client, owner):
    log_in(client, owner)
    client.post("/account", {"name": "Olivia Newname", "company": "Northwind"})
    assert "Olivia Newname" in client.get("/account/data").content.decode()


def test_a_rights_request_gets_a_reference_and_a_one_month_deadline(client, owner):
    log_in(client, owner)
    response = client.post("/account/requests/new", {"kind": "erasure", "details": ""})
    assert response.status_code == 200
    item = PrivacyRequest.objects.get()
    body = response.content.decode()
    assert item.reference in body
    assert item.reference.startswith("REQ-")
    assert item.due_at.date().isoformat() > item.created_at.date().isoformat()
    assert 28 <= (item.due_at - item.created_at).days <= 31
    assert item.due_at.strftime("%-d %B %Y") in body
    assert item.requester == owner


def test_a_bad_request_kind_is_refused_with_a_400(client, owner):
    log_in(client, owner)
    response = client.post("/account/requests/new", {"kind": "everything"})
    assert response.status_code == 400
    assert not PrivacyRequest.objects.exists()


def test_anyone_can_complain_and_gets_a_reference_and_a_30_day_acknowledgement(client):
    response = client.post(
        "/contact/complaint",
        {"name": "Pat", "email": "pat@example.com", "details": "You emailed me twice."},
    )
    assert response.status_code == 200
    item = PrivacyRequest.objects.get()
    assert item.kind == "complaint"
    assert item.reference.startswith("CMP-")
    assert (item.due_at - item.created_at).days == 30
    assert item.reference in response.content.decode()


def test_the_contact_page_shows_the_operator_address_and_the_complaint_route(client, settings):
    settings.JTL_OPERATOR_ADDRESS = "JTL Ltd, 9 Test Road, Leeds"
    body = client.get("/contact").content.decode()
    assert "9 Test Road" in body
    assert 'href="/contact/complaint"' in body


def test_complaints_from_one_address_are_throttled(client):
    data = {"name": "Spam", "email": "spam@example.com", "details": "x"}
    statuses = [client.post("/contact/complaint", data).status_code for _ in range(7)]
    assert statuses[:5] == [200] * 5
    assert statuses[5:] == [400, 400]
    assert PrivacyRequest.objects.count() == 5


def test_requests_reach_the_staff_queue_with_status_and_due_date(client, owner, staff_client):
    log_in(client, owner)
    client.post("/account/requests/new", {"kind": "correction", "details": "Wrong company"})
    item = PrivacyRequest.objects.get()
    queue = staff_client.get("/staff/requests").content.decode()
    assert item.reference in queue
    assert item.due_at.strftime("%-d %b %Y") in queue
    response = staff_client.post(
        f"/staff/requests/{item.code}",
        {"status": "done", "response": "Corrected.", "staff_notes": ""},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == RequestStatus.DONE and item.closed_at is not None
    assert "Corrected." in client.get("/account/data").content.decode()
    link = f'href="/staff/requests/{item.code}"'
    assert link not in staff_client.get("/staff/requests").content.decode()
    assert link in staff_client.get("/staff/requests?status=all").content.decode()


def test_users_cannot_see_the_staff_queue_or_a_request(client, owner):
    log_in(client, owner)
    client.post("/account/requests/new", {"kind": "access"})
    item = PrivacyRequest.objects.get()
    assert client.get("/staff/requests").status_code == 404
    response = client.get(f"/staff/requests/{item.code}")
    assert response.status_code == 404
    assert item.reference not in response.content.decode()


def _erasure_request(client, user):
    log_in(client, user)
    client.post("/account/requests/new", {"kind": "erasure"})
    return PrivacyRequest.objects.get(kind="erasure")


def test_erasure_ends_pin_sessions_and_reset_links_and_anonymises_what_owners_keep(
    engineer, looked, officer_client, staff_client
):
    browser = CommittingClient(HTTP_USER_AGENT=BROWSER)
    item = _erasure_request(browser, engineer)
    browser.get("/contact")
    recorder.flush()
    other_browser = CommittingClient()
    log_in(other_browser, engineer)
    engineer.refresh_from_db()
    reset_token = tokens.make_token(engineer, tokens.RESET_PIN)
    assert CommittingClient().get(f"/pin/reset/{reset_token}").status_code == 200
    pk = engineer.pk

    # Support cannot erase; an officer can, after typing the address.
    assert (
        staff_client.post(
            f"/staff/requests/{item.code}/erase", {"confirm_email": engineer.email}
        ).status_code
        == 404
    )
    officer_client.post(f"/staff/requests/{item.code}/erase", {"confirm_email": "wrong@x"})
    assert type(engineer).objects.filter(pk=pk).exists()
    response = officer_client.post(
        f"/staff/requests/{item.code}/erase", {"confirm_email": engineer.email}
    )
    assert response.status_code == 302
    assert not type(engineer).objects.filter(pk=pk).exists()

    # Sessions are dead, the PIN no longer logs in, the reset link is refused.
    for session_client in (browser, other_browser):
        response = session_client.get("/account")
        assert response.status_code == 302 and response["Location"].startswith("/login")
    assert not [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(pk)]
    login = CommittingClient().post("/login", {"email": engineer.email, "pin": GOOD_PIN})
    assert login.status_code != 302
    assert CommittingClient().get(f"/pin/reset/{reset_token}").status_code in {400, 404}

    # The owner's access log keeps the entry, anonymised; visits are gone.
    looked.refresh_from_db()
    assert looked.user_id is None
    assert looked.user_label == f"erased user #{pk}"
    assert not PageView.objects.filter(user_id=pk).exists()
    # The request itself stays, answered, under the same label.
    item.refresh_from_db()
    assert item.status == RequestStatus.DONE
    assert item.requester_name == f"erased user #{pk}"
    # The audit trail keeps its events, without the person, and its chain still verifies.
    assert not AuditEvent.objects.filter(actor_label=engineer.email).exists()
    assert AuditEvent.objects.filter(actor_label=f"erased user #{pk}").exists()
    assert AuditEvent.objects.filter(kind="privacy.user_erased").exists()
    checked, problem = verify_chain()
    assert problem is None and checked > 5
