"""Service providers ask for access with a request code; owner admins approve or refuse."""

from __future__ import annotations

import pytest
from django.test import Client

from jtlcloud.accounts.models import Membership, MembershipRole, Organisation, User
from jtlcloud.audit.models import AuditEvent
from jtlcloud.installations.models import AccessRequest, Grant, Installation, RequestStatus
from tests.conftest import log_in, make_user
from tests.mail import Mailbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_admin(owner_org: Organisation) -> User:
    user = make_user("admin2@northwind.example")
    Membership.objects.create(user=user, organisation=owner_org, role=MembershipRole.ADMIN)
    return user


def ask(client: Client, code: str, message: str = "Booked for Thursday's service") -> object:
    return client.post("/installations/request-access", {"request_code": code, "message": message})


def test_a_provider_asks_with_the_code_and_every_owner_admin_is_emailed(
    client: Client,
    engineer: User,
    owner: User,
    member: User,
    second_admin: User,
    installation: Installation,
    mailbox: Mailbox,
) -> None:
    log_in(client, engineer)
    assert client.get("/installations/request-access").status_code == 200
    response = ask(client, installation.request_code.lower().replace("-", ""))
    assert response.status_code == 302
    request = AccessRequest.objects.get()
    assert request.requester == engineer and request.status == RequestStatus.PENDING
    mailbox.wait_for(2)
    assert {r for r in mailbox.recipients} == {owner.email, second_admin.email}
    body = mailbox.body(mailbox.to(owner.email)[0])
    assert "Sam Engineer" in body and "Thursday" in body
    assert f"/installations/{installation.code}/access" in body
    assert b"Pending" in client.get("/installations").content
    assert AuditEvent.objects.filter(kind="access_request.created").count() == 1


def test_an_unknown_request_code_is_refused_with_a_reason(client: Client, engineer: User) -> None:
    log_in(client, engineer)
    response = ask(client, "AAAA-BBBB-CC")
    assert response.status_code == 400
    assert b"No installation has this request code" in response.content
    assert not AccessRequest.objects.exists()


def test_asking_twice_keeps_one_pending_request(
    client: Client, engineer: User, installation: Installation
) -> None:
    log_in(client, engineer)
    ask(client, installation.request_code)
    ask(client, installation.request_code, "updated message")
    assert AccessRequest.objects.get().message == "updated message"


def test_approving_creates_the_grant_asked_for_and_tells_the_requester(
    client: Client, owner: User, engineer: User, installation: Installation, mailbox: Mailbox
) -> None:
    request = AccessRequest.objects.create(installation=installation, requester=engineer)
    log_in(client, owner)
    page = client.get(f"/installations/{installation.code}/access")
    assert b"Sam Engineer" in page.content and b"Approve" in page.content
    url = f"/installations/{installation.code}/requests/{request.code}/approve"
    assert client.get(url).status_code == 200
    response = client.post(url, {"role": "technician", "expiry": "1d", "reference": "job 9"})
    assert response.status_code == 302
    request.refresh_from_db()
    grant = Grant.objects.get()
    assert request.status == RequestStatus.APPROVED and request.grant == grant
    assert grant.grantee_user == engineer and grant.role == "technician"
    assert mailbox.wait_for(1) and mailbox.to(engineer.email)
    assert client.post(url, {"role": "viewer", "expiry": "1d"}).status_code == 404
    assert AuditEvent.objects.filter(kind="access_request.approved").count() == 1


def test_approving_for_the_requesters_organisation(
    client: Client,
    owner: User,
    engineer: User,
    service_org: Organisation,
    installation: Installation,
) -> None:
    request = AccessRequest.objects.create(installation=installation, requester=engineer)
    log_in(client, owner)
    client.post(
        f"/installations/{installation.code}/requests/{request.code}/approve",
        {"role": "viewer", "expiry": "never", "to_organisation": "on"},
    )
    assert Grant.objects.get().grantee_org == service_org


def test_refusing_tells_the_requester_why_and_they_see_it(
    client: Client, owner: User, engineer: User, installation: Installation, mailbox: Mailbox
) -> None:
    request = AccessRequest.objects.create(installation=installation, requester=engineer)
    log_in(client, owner)
    url = f"/installations/{installation.code}/requests/{request.code}/refuse"
    assert client.post(url, {"reason": ""}).status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING
    client.post(url, {"reason": "We use another contractor"})
    request.refresh_from_db()
    assert request.status == RequestStatus.REFUSED
    assert "another contractor" in mailbox.body(mailbox.wait_for(1)[0])
    assert not Grant.objects.exists()
    requester = Client()
    log_in(requester, engineer)
    assert b"another contractor" in requester.get("/installations").content


def test_the_requester_withdraws_a_pending_request_and_nobody_else_can(
    client: Client, engineer: User, outsider: User, installation: Installation
) -> None:
    request = AccessRequest.objects.create(installation=installation, requester=engineer)
    log_in(client, outsider)
    assert client.post(f"/access-requests/{request.code}/withdraw").status_code == 404
    requester = Client()
    log_in(requester, engineer)
    requester.post(f"/access-requests/{request.code}/withdraw")
    request.refresh_from_db()
    assert request.status == RequestStatus.WITHDRAWN


def test_a_new_request_code_makes_the_old_one_useless(
    client: Client, owner: User, engineer: User, installation: Installation
) -> None:
    old = installation.request_code
    log_in(client, owner)
    client.post(f"/installations/{installation.code}/request-code")
    installation.refresh_from_db()
    assert installation.request_code != old
    requester = Client()
    log_in(requester, engineer)
    assert ask(requester, old).status_code == 400
