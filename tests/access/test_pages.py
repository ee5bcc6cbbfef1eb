"""The installation list, creating and editing installations, the owner's second-factor rule."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from jtlcloud.accounts.models import Organisation, User
from jtlcloud.audit.models import AuditEvent
from jtlcloud.installations.models import Installation
from tests.access.conftest import give, prove_second_factor, staff_log_in
from tests.conftest import log_in

pytestmark = pytest.mark.django_db


def test_the_home_page_leads_a_logged_in_person_to_their_installations(
    client: Client, engineer: User
) -> None:
    log_in(client, engineer)
    assert b'href="/installations"' in client.get("/").content


def test_the_list_shows_what_i_own_and_what_is_shared_with_role_and_expiry(
    client: Client, owner: User, engineer: User, installation: Installation
) -> None:
    theirs = Installation.objects.create(
        owner=Organisation.objects.create(name="Elsewhere Ltd"), name="Their Pump"
    )
    give(
        engineer,
        theirs,
        role="technician",
        expires_at=timezone.now() + timedelta(hours=5),
        reference="job 12",
    )
    give(engineer, installation, expires_at=timezone.now() - timedelta(hours=1))
    log_in(client, engineer)
    page = client.get("/installations").content.decode()
    assert "Their Pump" in page and "Technician" in page and "job 12" in page and "UTC" in page
    assert "Boiler House" not in page  # that grant expired
    owner_browser = Client()
    log_in(owner_browser, owner)
    page = owner_browser.get("/installations").content.decode()
    assert "Boiler House" in page and "Access &amp; keys" in page and "Their Pump" not in page


def test_a_grantee_who_has_not_accepted_the_terms_is_sent_to_them_first(
    client: Client, engineer: User, installation: Installation
) -> None:
    give(engineer, installation, accept_terms=False)
    log_in(client, engineer)
    assert b"Accept the data-use terms" in client.get("/installations").content
    url = f"/installations/{installation.code}/terms"
    assert client.post(url, {"next": "https://evil.example/"}).status_code == 200  # box unticked
    response = client.post(url, {"accept": "yes", "next": "https://evil.example/"})
    assert response.status_code == 302 and "evil" not in response["Location"]
    assert AuditEvent.objects.filter(kind="data_use_terms.accepted", actor=engineer).exists()


def test_an_owner_admin_creates_and_edits_an_installation(
    client: Client, owner: User, owner_org: Organisation
) -> None:
    log_in(client, owner)
    assert client.get("/installations/new").status_code == 200
    response = client.post(
        "/installations/new",
        {
            "owner": str(owner_org.code),
            "name": "New Boiler",
            "time_zone": "Europe/Berlin",
            "site_address": "Somewhere 1",
            "description": "",
        },
    )
    installation = Installation.objects.get(name="New Boiler")
    assert response["Location"] == f"/installations/{installation.code}/access"
    assert installation.owner == owner_org and installation.time_zone == "Europe/Berlin"
    url = f"/installations/{installation.code}/settings"
    bad = client.post(url, {"name": "", "time_zone": "Mars/Olympus"})
    assert bad.status_code == 400
    client.post(url, {"name": "Renamed", "time_zone": "UTC", "site_address": "", "description": ""})
    installation.refresh_from_db()
    assert installation.name == "Renamed"
    kinds = set(AuditEvent.objects.values_list("kind", flat=True))
    assert {"installation.created", "installation.updated"} <= kinds


def test_only_admins_of_that_organisation_create_its_installations(
    client: Client, member: User, engineer: User, owner_org: Organisation
) -> None:
    log_in(client, member)
    assert client.get("/installations/new").status_code == 404
    other = Client()
    log_in(other, engineer)
    data = {"owner": str(owner_org.code), "name": "Sneaky", "time_zone": "UTC"}
    assert other.post("/installations/new", data).status_code == 404
    assert not Installation.objects.exists()


def test_staff_create_an_installation_for_any_organisation(
    support: User, owner_org: Organisation
) -> None:
    client = Client()
    staff_log_in(client, support)
    response = client.post(
        "/installations/new",
        {"owner": str(owner_org.code), "name": "Staff Made", "time_zone": "UTC"},
    )
    assert response.status_code == 302
    assert Installation.objects.get().owner == owner_org
    assert b"Staff Made" in client.get("/staff/installations").content


def test_the_staff_directory_is_for_staff_only(client: Client, owner: User) -> None:
    log_in(client, owner)
    assert client.get("/staff/installations").status_code == 404


def test_support_sees_the_description_but_not_who_has_access(
    support: User, engineer: User, installation: Installation
) -> None:
    give(engineer, installation)
    client = Client()
    staff_log_in(client, support)
    page = client.get(f"/installations/{installation.code}/access")
    assert page.status_code == 200 and b"Boiler House" in page.content
    assert (
        b"Sam Engineer" not in page.content
        and installation.request_code.encode() not in page.content
    )
    assert AuditEvent.objects.filter(kind="staff.access_page_viewed", actor=support).exists()


def test_an_owner_requires_a_second_factor_only_once_they_have_one(
    client: Client, owner: User, owner_org: Organisation, engineer: User, installation: Installation
) -> None:
    log_in(client, owner)
    url = f"/organisations/{owner_org.code}/second-factor"
    response = client.post(url, {"required": "yes"})
    assert response["Location"] == "/account/two-factor"
    owner_org.refresh_from_db()
    assert not owner_org.require_second_factor
    prove_second_factor(client, owner)
    client.post(url, {"required": "yes"})
    owner_org.refresh_from_db()
    assert owner_org.require_second_factor
    assert AuditEvent.objects.filter(kind="organisation.second_factor_requirement").exists()
    give(engineer, installation)
    grantee = Client()
    log_in(grantee, engineer)
    page = grantee.get("/installations")
    assert b"the owner requires one" in page.content


def test_a_grantee_without_the_owners_second_factor_gets_a_page_saying_so(
    rf: Any, engineer: User, owner_org: Organisation, installation: Installation
) -> None:
    from jtlcloud.installations.access import SecondFactorRequired
    from jtlcloud.web.access_prompts import AccessPromptMiddleware

    request = rf.get("/somewhere")
    request.user = engineer
    request.session = {}
    response = AccessPromptMiddleware(lambda r: None).process_exception(  # type: ignore[arg-type]
        request, SecondFactorRequired(installation)
    )
    assert response is not None and response.status_code == 403
    assert b"second factor" in response.content


def test_names_are_escaped_everywhere(
    client: Client, owner: User, engineer: User, installation: Installation
) -> None:
    installation.name = "<script>alert(1)</script>"
    installation.save()
    engineer.name = "<img src=x onerror=alert(1)>"
    engineer.save()
    give(engineer, installation)
    log_in(client, owner)
    for url in ("/installations", f"/installations/{installation.code}/access"):
        body = client.get(url).content
        assert b"<script>alert" not in body and b"<img src=x" not in body


def test_the_demo_seeds_installations_a_time_boxed_grant_a_request_and_history() -> None:
    from jtlcloud.demo import seed_all
    from jtlcloud.installations.keys import installation_for_key
    from jtlcloud.installations.models import AccessLogEntry, AccessRequest, Grant

    world = seed_all()
    seed_all()  # idempotent
    assert len(world["installations"]) == 3
    assert installation_for_key(world["demo_installation_key"]) == world["installations"][0]
    sam = Grant.objects.active().get(grantee_user=world["engineer"])
    assert sam.expires_at is not None
    assert AccessRequest.objects.filter(status="pending").count() == 1
    assert AccessLogEntry.objects.count() > 5
    assert Installation.objects.count() == 3


def test_the_list_costs_the_same_queries_however_many_installations_are_shared(
    client: Client, engineer: User, django_assert_max_num_queries: Any
) -> None:
    def share(count: int) -> None:
        owner_org = Organisation.objects.create(name=f"Owner {count}")
        for number in range(count):
            give(engineer, Installation.objects.create(owner=owner_org, name=f"Site {number}"))

    log_in(client, engineer)
    share(1)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get("/installations")
    share(8)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert b"Site 7" in client.get("/installations").content


def test_a_data_page_of_a_grantee_who_has_not_accepted_the_terms_leads_to_them(
    rf: Any, engineer: User, installation: Installation
) -> None:
    from jtlcloud.installations.access import TermsNotAccepted
    from jtlcloud.web.access_prompts import AccessPromptMiddleware

    request = rf.get(f"/installations/{installation.code}/dashboard?range=1d")
    response = AccessPromptMiddleware(lambda r: None).process_exception(  # type: ignore[arg-type]
        request, TermsNotAccepted(installation)
    )
    assert response is not None and response.status_code == 302
    assert response["Location"].startswith(f"/installations/{installation.code}/terms?next=")


def test_the_visible_to_queryset_follows_the_access_rules(
    engineer: User, installation: Installation, other_installation: Installation
) -> None:
    give(engineer, installation)
    assert list(Installation.objects.visible_to(engineer)) == [installation]
    assert not Installation.objects.visible_to(engineer).filter(pk=other_installation.pk).exists()
