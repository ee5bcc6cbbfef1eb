"""Every staff view of a person's personal data is in the audit trail (SECURITY.md check 33)."""

from __future__ import annotations

import datetime as dt

import pytest

from jtlcloud.audit.models import AuditEvent
from jtlcloud.privacy.requests import submit_request
from tests.conftest import GOOD_PIN, log_in

pytestmark = pytest.mark.django_db


def _views_of(person, staff):
    return AuditEvent.objects.filter(kind="staff.viewed_personal_data", subject=person, actor=staff)


def test_opening_a_persons_data_is_audited_with_who_when_and_what(staff_client, support, owner):
    response = staff_client.get(f"/staff/people/{owner.code}")
    assert response.status_code == 200
    assert owner.email in response.content.decode()
    [event] = _views_of(owner, support)
    assert event.actor_label == support.email
    assert event.at.tzinfo is not None and event.at.utcoffset() == dt.timedelta(0)
    assert event.target == f"user:{owner.code}"


def test_opening_a_request_is_audited(staff_client, support, owner):
    item = submit_request(
        None, kind="access", requester=owner, name="O", email=owner.email, details=""
    )
    staff_client.get(f"/staff/requests/{item.code}")
    assert _views_of(owner, support).count() == 1


def test_opening_a_disclosure_is_audited(officer_client, officer, owner):
    officer_client.post(
        "/staff/disclosures/new",
        {
            "subject_email": owner.email,
            "data_description": "d",
            "recipient": "r",
            "legal_basis": "b",
            "approver_email": officer.email,
            "disclosed_on": "2026-01-05",
        },
    )
    from jtlcloud.privacy.models import Disclosure

    officer_client.get(f"/staff/disclosures/{Disclosure.objects.get().code}")
    assert _views_of(owner, officer).count() == 1


def test_browsing_the_audit_trail_is_itself_audited(staff_client, support):
    staff_client.get("/staff/audit?who=owner")
    event = AuditEvent.objects.filter(kind="staff.viewed_audit_trail", actor=support).get()
    assert event.data["who"] == "owner"


def test_a_missing_person_is_a_404_and_audits_nothing(staff_client):
    response = staff_client.get("/staff/people/00000000-0000-0000-0000-000000000000")
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(kind="staff.viewed_personal_data").exists()


def test_users_cannot_open_anyones_data_page(client, owner, outsider):
    log_in(client, outsider)
    response = client.get(f"/staff/people/{owner.code}")
    assert response.status_code == 404
    assert owner.email not in response.content.decode()


def test_no_privacy_audit_event_carries_a_pin_or_code(client, owner, staff_client):
    log_in(client, owner)
    client.post("/privacy/analytics", {"objection": "object"})
    client.post("/account/privacy", {"policy_emails": "on"})
    client.post(
        "/account/requests/new", {"kind": "erasure", "details": f"my pin is not {GOOD_PIN[:3]}"}
    )
    staff_client.get(f"/staff/people/{owner.code}")
    for event in AuditEvent.objects.all():
        text = str(event.data) + event.target
        assert GOOD_PIN not in text
        assert not {"pin", "code", "token", "secret", "password"} & {k.lower() for k in event.data}


def test_searching_people_is_audited(staff_client, support, owner):
    body = staff_client.get("/staff/people?q=northwind").content.decode()
    assert owner.email in body
    event = AuditEvent.objects.get(kind="staff.searched_people", actor=support)
    assert event.data == {"query": "northwind", "results": 1}
