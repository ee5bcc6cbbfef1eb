"""The rules of the access module, asked directly: who may do what with an installation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from jtlcloud.accounts.models import Membership, MembershipRole, Organisation, User
from jtlcloud.audit.models import AuditEvent
from jtlcloud.installations.access import (
    Need,
    SecondFactorRequired,
    TermsNotAccepted,
    access_installation,
    visible_installations,
)
from jtlcloud.installations.models import AccessRequest, GrantRole, Installation
from jtlcloud.installations.services import accept_data_use_terms
from tests.access.conftest import give
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def allowed(user: User, installation: Installation, need: str, **kw: object) -> bool:
    try:
        access_installation(user, installation.code, need, **kw)  # type: ignore[arg-type]
    except Http404:
        return False
    return True


def test_owner_members_see_and_export_and_only_admins_manage(
    owner: User, member: User, installation: Installation
) -> None:
    for need in (Need.METADATA, Need.VIEW, Need.EXPORT, Need.MANAGE_ALERTS, Need.MANAGE):
        assert allowed(owner, installation, need)
    assert allowed(member, installation, Need.EXPORT)
    assert not allowed(member, installation, Need.MANAGE)
    access = access_installation(owner, installation.code, Need.VIEW)
    assert (access.via, access.role, access.organisation) == ("owner", "admin", "Northwind Heating")


def test_a_viewer_sees_but_does_not_export(engineer: User, installation: Installation) -> None:
    grant = give(engineer, installation, reference="job 7")
    access = access_installation(engineer, installation.code, Need.VIEW)
    assert (access.via, access.grant_id, access.reference) == ("grant", grant.pk, "job 7")
    assert access.organisation == "Acme Service"
    assert not allowed(engineer, installation, Need.EXPORT)
    assert not allowed(engineer, installation, Need.MANAGE_ALERTS)


def test_a_technician_exports_and_manages_alert_rules_but_never_manages_the_installation(
    engineer: User, installation: Installation
) -> None:
    give(engineer, installation, role=GrantRole.TECHNICIAN)
    assert allowed(engineer, installation, Need.EXPORT)
    assert allowed(engineer, installation, Need.MANAGE_ALERTS)
    assert not allowed(engineer, installation, Need.MANAGE)


def test_the_strongest_of_several_grants_counts(engineer: User, installation: Installation) -> None:
    give(engineer, installation)
    technician = give(engineer, installation, role=GrantRole.TECHNICIAN)
    assert access_installation(engineer, installation.code, Need.EXPORT).grant_id == technician.pk


def test_an_organisation_grant_covers_every_member_and_every_installation_of_the_owner(
    engineer: User,
    service_org: Organisation,
    installation: Installation,
    other_installation: Installation,
) -> None:
    give(None, None, owner=installation.owner, org=service_org)
    colleague = make_user("colleague@acme.example")
    Membership.objects.create(user=colleague, organisation=service_org, role=MembershipRole.MEMBER)
    accept_data_use_terms(colleague, installation)
    accept_data_use_terms(engineer, installation)
    for person in (engineer, colleague):
        assert set(visible_installations(person)) == {installation, other_installation}
        assert allowed(person, other_installation, Need.VIEW)


def test_a_grant_on_one_installation_shows_nothing_of_the_owners_other_installations(
    engineer: User, installation: Installation, other_installation: Installation
) -> None:
    give(engineer, other_installation, role=GrantRole.TECHNICIAN)
    assert list(visible_installations(engineer)) == [other_installation]
    assert not allowed(engineer, installation, Need.METADATA)


def test_an_invitation_by_email_works_once_that_address_is_a_verified_account(
    installation: Installation,
) -> None:
    give(None, installation, email="new@provider.example")
    unverified = make_user("new@provider.example", verified=False)
    accept_data_use_terms(unverified, installation)
    assert not allowed(unverified, installation, Need.VIEW)
    unverified.email_verified_at = timezone.now()
    unverified.save()
    assert allowed(unverified, installation, Need.VIEW)


def test_a_grant_stops_working_at_its_expiry_on_its_own(
    engineer: User, installation: Installation, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = timezone.now()
    give(engineer, installation, expires_at=now + timedelta(hours=2))
    assert allowed(engineer, installation, Need.VIEW)
    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(hours=1, minutes=59))
    assert allowed(engineer, installation, Need.VIEW)
    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(hours=2, seconds=1))
    assert not allowed(engineer, installation, Need.VIEW)
    assert not visible_installations(engineer).exists()


@pytest.mark.parametrize(
    "ended",
    [
        {"revoked_at": timezone.now()},
        {"suspended_at": timezone.now(), "suspend_reason": "misuse"},
        {"expires_at": timezone.now() - timedelta(seconds=1)},
    ],
    ids=["revoked", "suspended", "expired"],
)
def test_an_ended_grant_gives_nothing(
    engineer: User, installation: Installation, ended: dict[str, object]
) -> None:
    give(engineer, installation, role=GrantRole.TECHNICIAN, **ended)
    assert not allowed(engineer, installation, Need.METADATA)
    assert not visible_installations(engineer).exists()


def test_a_pending_request_gives_nothing(engineer: User, installation: Installation) -> None:
    AccessRequest.objects.create(installation=installation, requester=engineer)
    assert not allowed(engineer, installation, Need.METADATA)


def test_a_suspended_person_loses_every_grant(engineer: User, installation: Installation) -> None:
    give(engineer, installation)
    engineer.is_active = False
    engineer.save()
    assert not allowed(engineer, installation, Need.VIEW)
    assert not visible_installations(engineer).exists()


def test_support_staff_see_metadata_only(support: User, installation: Installation) -> None:
    assert access_installation(support, installation.code, Need.METADATA).via == "staff"
    for need in (Need.VIEW, Need.EXPORT, Need.MANAGE):
        assert not allowed(support, installation, need)
    assert not visible_installations(support).exists()


def test_an_officer_may_see_data_and_each_look_is_audited(
    officer: User, installation: Installation
) -> None:
    access = access_installation(officer, installation.code, Need.VIEW)
    assert (access.via, access.role) == ("staff", "officer")
    event = AuditEvent.objects.get(kind="staff.installation_data_accessed")
    assert event.actor == officer
    assert event.target == f"installation:{installation.code}"
    assert not allowed(officer, installation, Need.MANAGE)
    assert not visible_installations(officer).exists()


def test_an_owner_requiring_a_second_factor_gives_no_data_to_a_session_without_one(
    owner_org: Organisation, engineer: User, member: User, installation: Installation
) -> None:
    give(engineer, installation)
    owner_org.require_second_factor = True
    owner_org.save()
    for person in (engineer, member):
        with pytest.raises(SecondFactorRequired):
            access_installation(person, installation.code, Need.VIEW)
        assert not visible_installations(person).exists()
        assert allowed(person, installation, Need.METADATA)
        assert allowed(person, installation, Need.VIEW, verified=True)
        assert list(visible_installations(person, verified=True)) == [installation]


def test_a_grantee_accepts_the_data_use_terms_before_seeing_data(
    engineer: User, installation: Installation
) -> None:
    give(engineer, installation, accept_terms=False)
    with pytest.raises(TermsNotAccepted):
        access_installation(engineer, installation.code, Need.VIEW)
    accept_data_use_terms(engineer, installation)
    assert allowed(engineer, installation, Need.VIEW)
    event = AuditEvent.objects.get(kind="data_use_terms.accepted")
    assert event.data["version"]


def test_missing_forbidden_and_malformed_codes_all_answer_404(
    outsider: User, installation: Installation
) -> None:
    for code in (installation.code, "00000000-0000-0000-0000-000000000000", "not-a-uuid", ""):
        with pytest.raises(Http404):
            access_installation(outsider, code, Need.VIEW)


def test_a_refusal_of_an_existing_installation_is_audited(
    outsider: User, installation: Installation
) -> None:
    with pytest.raises(Http404):
        access_installation(outsider, installation.code, Need.VIEW)
    event = AuditEvent.objects.get(kind="installation.access_denied")
    assert event.actor == outsider
    assert event.data == {"need": "view"}


def test_grants_are_read_from_the_database_on_every_call(
    engineer: User, installation: Installation
) -> None:
    grant = give(engineer, installation)
    assert allowed(engineer, installation, Need.VIEW)
    grant.revoked_at = timezone.now()
    grant.save()
    assert not allowed(engineer, installation, Need.VIEW)


def test_visible_installations_costs_one_query_however_many_grants(
    engineer: User,
    service_org: Organisation,
    installation: Installation,
    other_installation: Installation,
    django_assert_num_queries: object,
) -> None:
    give(engineer, installation)
    give(None, None, owner=installation.owner, org=service_org)
    with django_assert_num_queries(1):  # type: ignore[operator]
        assert len(list(visible_installations(engineer))) == 2
