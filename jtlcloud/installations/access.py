"""Who may see what: the one place that decides access to installations.

Views and API routes never fetch an installation by id themselves: they call
``visible_installations(user)`` or ``access_installation(user, code, need)``.
Missing and forbidden look the same (404), so ids cannot be probed.

Access is read from the database on every call, never cached in a session or
token, so a withdrawal takes effect on the very next request.

The rules:

- Members of the owner organisation see and export its installations' data;
  its admins also manage them (details, keys, grants, requests, access log).
- A grant (to the person, to an email address they verified, or to an
  organisation they are a member of) that is not revoked, not suspended and not
  expired gives ``viewer`` (see data) or ``technician`` (also export and manage
  alert rules), for one installation or all of the owner's. A pending request
  gives nothing.
- Staff get least privilege. Support staff see that an installation exists and
  its descriptive details (name, owner, site) to help customers, never its data.
  Officers may also see and export data when investigating misuse or answering
  a legal request; every such access is written to the audit trail and, through
  ``record_access``, to the owner's access log. Staff never manage another
  organisation's installation, and staff access is not listed by
  ``visible_installations`` (they reach an installation deliberately, through
  the staff directory).
- An owner that requires a second factor gives no access beyond the metadata
  to a session that has not proved one.
- A grantee accepts the data-use terms once per owner before seeing data.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from jtlcloud.accounts.models import Membership, MembershipRole, StaffRole, User
from jtlcloud.accounts.second_factor import session_proved_second_factor
from jtlcloud.installations.models import (
    DataUseAcknowledgement,
    Grant,
    GrantQuerySet,
    GrantRole,
    Installation,
)

# Bump when the data-use terms change: every grantee accepts the new version.
DATA_USE_TERMS_VERSION = "2026-11"


class Need:
    """What the caller wants to do with the installation."""

    METADATA = "metadata"  # know it exists: name, owner, site (support staff can)
    VIEW = "view"  # see its data
    EXPORT = "export"  # download its data
    MANAGE_ALERTS = "manage_alerts"  # create and change alert rules on its data
    MANAGE = "manage"  # change it, its keys and its grants (owner admins)


_OWNER_ADMIN = frozenset({Need.METADATA, Need.VIEW, Need.EXPORT, Need.MANAGE_ALERTS, Need.MANAGE})
_ALLOWED: dict[str, frozenset[str]] = {
    "admin": _OWNER_ADMIN,
    "member": frozenset({Need.METADATA, Need.VIEW, Need.EXPORT, Need.MANAGE_ALERTS}),
    GrantRole.VIEWER: frozenset({Need.METADATA, Need.VIEW}),
    GrantRole.TECHNICIAN: frozenset({Need.METADATA, Need.VIEW, Need.EXPORT, Need.MANAGE_ALERTS}),
    StaffRole.SUPPORT: frozenset({Need.METADATA}),
    StaffRole.OFFICER: frozenset({Need.METADATA, Need.VIEW, Need.EXPORT}),
}
_ROLE_RANK: dict[str, int] = {GrantRole.TECHNICIAN: 2, GrantRole.VIEWER: 1}


class SecondFactorRequired(Http404):
    """The owner requires a second factor this session has not proved (still a 404)."""

    def __init__(self, installation: Installation) -> None:
        super().__init__("second factor required")
        self.installation = installation


class TermsNotAccepted(Http404):
    """The grantee has not yet accepted the data-use terms for this owner (still a 404)."""

    def __init__(self, installation: Installation) -> None:
        super().__init__("data-use terms not accepted")
        self.installation = installation


@dataclass(frozen=True)
class Access:
    """Why a user may see an installation right now: as its owner, by a grant, or as staff."""

    installation: Installation
    via: str  # "owner", "grant" or "staff"
    grant_id: int | None = None
    # The grant's purpose/reference, carried into exports and the access log.
    reference: str = ""
    # "admin"/"member" (owner), "viewer"/"technician" (grant), "support"/"officer" (staff).
    role: str = ""
    # The organisation through which access is held, for the access log.
    organisation: str = ""
    expires_at: datetime | None = None

    def allows(self, need: str) -> bool:
        return need in _ALLOWED.get(self.role, frozenset())


def second_factor_proved(user: User, verified: bool | None) -> bool:
    if verified is not None:
        return verified
    return session_proved_second_factor(user)


def _usable(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def active_grants_for(user: User, now: datetime | None = None) -> GrantQuerySet:
    """Every grant that works for ``user`` right now, on any installation."""
    org_ids = Membership.objects.filter(user=user).values("organisation_id")
    by_person = Q(grantee_user=user)
    if user.email_verified:
        # An invitation to this address, made before the account existed.
        by_person |= Q(
            grantee_user__isnull=True, grantee_org__isnull=True, grantee_email=user.email
        )
    return Grant.objects.active(now).filter(by_person | Q(grantee_org__in=org_ids))


def visible_installations(user: User, *, verified: bool | None = None) -> QuerySet[Installation]:
    """Installations whose data ``user`` may see now (as owner-organisation member or grantee).

    Pass ``verified`` when the caller knows whether a second factor was proved
    (API routes); by default it is read from the session's user.
    """
    if not _usable(user):
        return Installation.objects.none()
    grants = active_grants_for(user)
    found = Installation.objects.filter(
        Q(owner_id__in=Membership.objects.filter(user=user).values("organisation_id"))
        | Q(pk__in=grants.filter(installation__isnull=False).values("installation_id"))
        | Q(owner_id__in=grants.filter(installation__isnull=True).values("owner_id"))
    )
    if not second_factor_proved(user, verified):
        found = found.exclude(owner__require_second_factor=True)
    return found


def best_grant(user: User, installation: Installation) -> Grant | None:
    """The strongest working grant of ``user`` on ``installation``: technician over viewer,
    then the one that lasts longest."""
    grants = list(active_grants_for(user).covering(installation).select_related("grantee_org"))
    if not grants:
        return None
    far = timezone.now().replace(year=9999)
    return max(grants, key=lambda g: (_ROLE_RANK.get(g.role, 0), g.expires_at or far))


def _decide(user: User, installation: Installation) -> Access | None:
    membership = (
        Membership.objects.filter(user=user, organisation_id=installation.owner_id)
        .only("role")
        .first()
    )
    if membership is not None:
        role = "admin" if membership.role == MembershipRole.ADMIN else "member"
        return Access(installation, "owner", role=role, organisation=installation.owner.name)
    grant = best_grant(user, installation)
    if grant is not None:
        return Access(
            installation,
            "grant",
            grant_id=grant.pk,
            reference=grant.reference,
            role=grant.role,
            organisation=grant.grantee_org.name if grant.grantee_org else user.company,
            expires_at=grant.expires_at,
        )
    if user.staff_role:
        return Access(installation, "staff", role=user.staff_role, organisation="JTL staff")
    return None


def terms_accepted(user: User, installation: Installation) -> bool:
    return DataUseAcknowledgement.objects.filter(
        user=user, owner_id=installation.owner_id, version=DATA_USE_TERMS_VERSION
    ).exists()


def access_installation(
    user: User,
    code: str | uuid.UUID,
    need: str,
    *,
    verified: bool | None = None,
    request: HttpRequest | None = None,
) -> Access:
    """How ``user`` may do ``need`` with installation ``code`` now; Http404 if they may not.

    Raises ``SecondFactorRequired`` or ``TermsNotAccepted`` (both Http404) when
    access exists but this session must first prove a second factor or the
    grantee must first accept the data-use terms; the web layer turns those
    into a page that says so. ``request`` only adds the IP to audit records.
    """
    try:
        parsed = uuid.UUID(str(code))
    except ValueError:
        raise Http404 from None
    if not _usable(user):
        raise Http404
    installation = Installation.objects.select_related("owner").filter(code=parsed).first()
    if installation is None:
        raise Http404
    access = _decide(user, installation)
    if access is None or not access.allows(need):
        _note_denied(user, parsed, need, request)
        raise Http404
    if need != Need.METADATA:
        if installation.owner.require_second_factor and not second_factor_proved(user, verified):
            raise SecondFactorRequired(installation)
        if access.via == "grant" and not terms_accepted(user, installation):
            raise TermsNotAccepted(installation)
        if access.via == "staff":
            _note_staff_access(user, installation, need, request)
    return access


def _note_denied(user: User, code: uuid.UUID, need: str, request: HttpRequest | None) -> None:
    from jtlcloud.audit.services import record_event

    record_event(
        "installation.access_denied",
        actor=user,
        request=request,
        target=f"installation:{code}",
        data={"need": need},
    )


def _note_staff_access(
    user: User, installation: Installation, need: str, request: HttpRequest | None
) -> None:
    from jtlcloud.audit.services import record_event

    record_event(
        "staff.installation_data_accessed",
        actor=user,
        request=request,
        target=f"installation:{installation.code}",
        data={"need": need, "owner": installation.owner.name},
    )
