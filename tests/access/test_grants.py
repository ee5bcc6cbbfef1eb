"""Owners give and withdraw access through the web; staff suspend; every change is audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from jtlcloud.accounts.models import Organisation, User
from jtlcloud.audit.models import AuditEvent
from jtlcloud.installations import grants
from jtlcloud.installations.models import Grant, GrantRole, Installation
from tests.access.conftest import give, staff_log_in
from tests.conftest import CommittingClient, log_in, make_user
from tests.mail import Mailbox

pytestmark = pytest.mark.django_db


def grant_form(**values: str) -> dict[str, str]:
    data = {
        "grantee_kind": "person",
        "email": "sam@acme.example",
        "scope": "one",
        "role": "viewer",
        "expiry": "1w",
        "reference": "Job 4711",
    }
    data.update(values)
    return data


def test_an_owner_admin_gives_a_person_time_boxed_access_and_they_are_told(
    client: Client, owner: User, engineer: User, installation: Installation, mailbox: Mailbox
) -> None:
    log_in(client, owner)
    page = client.get(f"/installations/{installation.code}/grants/new")
    assert page.status_code == 200
    assert b"End of visit" in page.content or b"end of visit" in page.content
    response = client.post(f"/installations/{installation.code}/grants/new", grant_form())
    assert response.status_code == 302
    grant = Grant.objects.get()
    assert grant.grantee_user == engineer and grant.role == GrantRole.VIEWER
    assert grant.reference == "Job 4711" and grant.granted_by == owner
    assert timedelta(days=6, hours=23) < grant.expires_at - timezone.now() <= timedelta(days=7)
    message = mailbox.wait_for(1)[0]
    assert mailbox.to("sam@acme.example") == [message]
    assert "Boiler House" in mailbox.body(message) and "Job 4711" in mailbox.body(message)
    page = client.get(f"/installations/{installation.code}/access")
    assert b"Sam Engineer" in page.content and b"Job 4711" in page.content


def test_an_unknown_address_gets_an_invitation_and_the_grant_works_after_registering(
    client: Client, owner: User, installation: Installation, mailbox: Mailbox
) -> None:
    log_in(client, owner)
    client.post(
        f"/installations/{installation.code}/grants/new", grant_form(email="New@Provider.example")
    )
    grant = Grant.objects.get()
    assert grant.grantee_user is None and grant.grantee_email == "new@provider.example"
    message = mailbox.wait_for(1)[0]
    assert "/register" in mailbox.body(message)
    page = client.get(f"/installations/{installation.code}/access")
    assert b"invited, not registered yet" in page.content
    make_user("new@provider.example", name="Nina Newcomer")
    page = client.get(f"/installations/{installation.code}/access")
    assert b"Nina Newcomer" in page.content and b"invited, not registered yet" not in page.content


def test_an_organisation_grant_for_all_installations(
    client: Client,
    owner: User,
    engineer: User,
    service_org: Organisation,
    installation: Installation,
    other_installation: Installation,
) -> None:
    give(engineer, installation)  # so the owner already deals with Acme
    log_in(client, owner)
    response = client.post(
        f"/installations/{installation.code}/grants/new",
        grant_form(
            grantee_kind="organisation",
            email="",
            organisation=str(service_org.code),
            scope="all",
            role="technician",
            expiry="never",
        ),
    )
    assert response.status_code == 302
    grant = Grant.objects.get(grantee_org=service_org)
    assert grant.installation is None and grant.expires_at is None


def test_an_owner_cannot_pick_an_organisation_it_has_nothing_to_do_with(
    client: Client, owner: User, installation: Installation
) -> None:
    stranger = Organisation.objects.create(name="Secret Customer Ltd")
    log_in(client, owner)
    page = client.get(f"/installations/{installation.code}/grants/new")
    assert b"Secret Customer Ltd" not in page.content
    response = client.post(
        f"/installations/{installation.code}/grants/new",
        grant_form(grantee_kind="organisation", organisation=str(stranger.code)),
    )
    assert response.status_code == 400
    assert not Grant.objects.exists()


@pytest.mark.parametrize(
    "values",
    [
        {"email": ""},
        {"email": "not-an-email"},
        {"role": "owner"},
        {"expiry": "custom", "expires_at": ""},
        {"expiry": "custom", "expires_at": "2001-01-01T10:00"},
        {"email": "member@northwind.example"},
        {"reference": "x" * 500},
    ],
)
def test_a_bad_grant_form_is_refused_with_a_reason(
    client: Client, owner: User, member: User, installation: Installation, values: dict[str, str]
) -> None:
    log_in(client, owner)
    response = client.post(f"/installations/{installation.code}/grants/new", grant_form(**values))
    assert response.status_code == 400
    assert b'role="alert"' in response.content
    assert not Grant.objects.exists()


def test_extra_form_fields_change_nothing(
    client: Client, owner: User, engineer: User, installation: Installation
) -> None:
    log_in(client, owner)
    client.post(
        f"/installations/{installation.code}/grants/new",
        grant_form(granted_by=str(engineer.pk), owner="1", revoked_at="2020-01-01"),
    )
    grant = Grant.objects.get()
    assert grant.granted_by == owner and grant.revoked_at is None


def test_end_of_visit_lasts_until_midnight_on_the_sites_clock() -> None:
    four_pm_utc = datetime(2026, 7, 1, 15, 0, tzinfo=UTC)  # 16:00 in London (summer time)
    end = grants.expiry_for("visit", "Europe/London", now=four_pm_utc)
    assert end == datetime(2026, 7, 1, 23, 0, tzinfo=UTC)
    custom = grants.expiry_for("custom", "Europe/Berlin", datetime(2026, 12, 24, 18, 0))
    assert custom == datetime(2026, 12, 24, 17, 0, tzinfo=UTC)
    assert grants.expiry_for("never", "UTC") is None


def test_revocation_refuses_the_grantees_very_next_request(
    owner: User, engineer: User, installation: Installation
) -> None:
    grant = give(engineer, installation)
    grantee, owner_browser = Client(), Client()
    log_in(grantee, engineer)
    log_in(owner_browser, owner)
    page = f"/installations/{installation.code}/terms"
    assert grantee.get(page).status_code == 200
    assert b"Boiler House" in grantee.get("/installations").content
    confirm = owner_browser.get(f"/installations/{installation.code}/grants/{grant.code}/revoke")
    assert confirm.status_code == 200 and b"Withdraw access now" in confirm.content
    owner_browser.post(f"/installations/{installation.code}/grants/{grant.code}/revoke")
    refused = grantee.get(page)
    assert refused.status_code == 404 and b"Boiler House" not in refused.content
    assert b"Boiler House" not in grantee.get("/installations").content


def test_a_grantee_is_refused_once_the_clock_passes_the_expiry(
    engineer: User, installation: Installation, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = timezone.now()
    give(engineer, installation, expires_at=now + timedelta(minutes=30))
    client = Client()
    log_in(client, engineer)
    page = f"/installations/{installation.code}/terms"
    assert client.get(page).status_code == 200
    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(minutes=30, seconds=1))
    assert client.get(page).status_code == 404


def test_staff_suspending_a_person_makes_their_open_session_anonymous(
    officer: User, engineer: User, installation: Installation
) -> None:
    grant = give(engineer, installation)
    grantee, staff = Client(), Client()
    log_in(grantee, engineer)
    staff_log_in(staff, officer)
    assert grantee.get("/installations").status_code == 200
    response = staff.post(f"/staff/users/{engineer.code}/suspend", {"reason": "scraping data"})
    assert response.status_code == 302
    after = grantee.get("/installations")
    assert after.status_code == 302 and after["Location"].startswith("/login")
    event = AuditEvent.objects.get(kind="user.suspended")
    assert event.subject == engineer and event.data == {"reason": "scraping data"}
    staff.post(f"/staff/users/{engineer.code}/reinstate")
    engineer.refresh_from_db()
    assert engineer.is_active
    assert grant.state() == "active"


def test_only_officers_suspend_and_support_cannot(
    support: User, engineer: User, installation: Installation
) -> None:
    grant = give(engineer, installation)
    staff = Client()
    staff_log_in(staff, support)
    url = f"/installations/{installation.code}/grants/{grant.code}/suspend"
    assert staff.post(url, {"reason": "x"}).status_code == 404
    assert staff.post(f"/staff/users/{engineer.code}/suspend", {"reason": "x"}).status_code == 404
    engineer.refresh_from_db()
    assert engineer.is_active


def test_a_suspended_grant_shows_the_reason_to_the_owner_and_can_be_reinstated(
    client: Client,
    officer: User,
    owner: User,
    engineer: User,
    installation: Installation,
    mailbox: Mailbox,
) -> None:
    grant = give(engineer, installation)
    staff = CommittingClient()
    staff_log_in(staff, officer)
    staff.post(
        f"/installations/{installation.code}/grants/{grant.code}/suspend", {"reason": "misuse seen"}
    )
    grant.refresh_from_db()
    assert grant.state() == "suspended"
    assert "misuse seen" in mailbox.body(mailbox.wait_for(1)[0])
    assert mailbox.recipients == [owner.email]
    log_in(client, owner)
    page = client.get(f"/installations/{installation.code}/access")
    assert b"misuse seen" in page.content and b"suspended by JTL" in page.content
    staff.post(f"/installations/{installation.code}/grants/{grant.code}/reinstate")
    grant.refresh_from_db()
    assert grant.state() == "active"


def test_every_grant_change_leaves_an_audit_event(
    client: Client, owner: User, officer: User, engineer: User, installation: Installation
) -> None:
    log_in(client, owner)
    client.post(f"/installations/{installation.code}/grants/new", grant_form())
    grant = Grant.objects.get()
    staff = Client()
    staff_log_in(staff, officer)
    base = f"/installations/{installation.code}/grants/{grant.code}"
    staff.post(f"{base}/suspend", {"reason": "check"})
    staff.post(f"{base}/reinstate")
    client.post(f"{base}/revoke")
    kinds = list(
        AuditEvent.objects.filter(kind__startswith="grant.")
        .order_by("id")
        .values_list("kind", flat=True)
    )
    assert kinds == ["grant.created", "grant.suspended", "grant.reinstated", "grant.revoked"]
    for event in AuditEvent.objects.filter(kind__startswith="grant."):
        assert event.data["grant"] == str(grant.code)
        assert event.target == f"installation:{installation.code}"
        assert event.actor in (owner, officer)
    created = AuditEvent.objects.get(kind="grant.created")
    assert created.data["role"] == "viewer" and created.data["reference"] == "Job 4711"
    assert created.subject == engineer


def test_revoking_twice_records_one_revocation(
    owner: User, engineer: User, installation: Installation
) -> None:
    grant = give(engineer, installation)
    assert grants.revoke_grant(owner, grant)
    assert not grants.revoke_grant(owner, grant)
    assert AuditEvent.objects.filter(kind="grant.revoked").count() == 1
