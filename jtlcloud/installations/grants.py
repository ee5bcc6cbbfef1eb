"""Consent: grants, their withdrawal and suspension, and access requests.

Every change is one transaction with its audit event; emails go out only
after the commit (``send_account_email`` queues them on commit). Rows are
never deleted: an ended grant stays, with who ended it and when, for the
owner's record.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from jtlcloud.accounts.emails import send_account_email
from jtlcloud.accounts.models import Membership, MembershipRole, Organisation, User, normalise_email
from jtlcloud.audit.services import record_event
from jtlcloud.installations.models import (
    AccessRequest,
    Grant,
    Installation,
    RequestStatus,
)

EXPIRY_PRESETS = [
    ("visit", "Until the end of today (end of visit)"),
    ("1d", "24 hours"),
    ("1w", "1 week"),
    ("30d", "30 days"),
    ("never", "No expiry"),
    ("custom", "Until a date and time…"),
]
_PRESET_LENGTHS = {"1d": timedelta(days=1), "1w": timedelta(weeks=1), "30d": timedelta(days=30)}


class GrantError(ValueError):
    """A grant that cannot be made; the message is shown to the owner."""


def expiry_for(
    preset: str, time_zone: str, custom: datetime | None = None, now: datetime | None = None
) -> datetime | None:
    """When a grant made now with this preset ends (None: never), as an aware UTC time.

    "End of visit" is the next midnight on the installation's clock, so a
    grant made at 16:00 on site lasts until the site's day is over.
    """
    now = now or timezone.now()
    if preset == "never":
        return None
    if preset in _PRESET_LENGTHS:
        return now + _PRESET_LENGTHS[preset]
    if preset == "visit":
        local = now.astimezone(ZoneInfo(time_zone))
        midnight = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        return midnight.astimezone(ZoneInfo("UTC"))
    if preset == "custom" and custom is not None:
        if timezone.is_naive(custom):
            custom = custom.replace(tzinfo=ZoneInfo(time_zone))
        return custom.astimezone(ZoneInfo("UTC"))
    raise GrantError("Choose when the access ends.")


def _grant_data(grant: Grant) -> dict[str, object]:
    return {
        "grant": str(grant.code),
        "grantee": grant.grantee_label,
        "role": grant.role,
        "scope": str(grant.installation.code) if grant.installation else "all installations",
        "owner": grant.owner.name,
        "expires_at": grant.expires_at.isoformat() if grant.expires_at else None,
        "reference": grant.reference,
    }


def _record_grant_event(
    kind: str, actor: User, grant: Grant, request: HttpRequest | None, **extra: object
) -> None:
    record_event(
        kind,
        actor=actor,
        request=request,
        subject=grant.grantee_user,
        target=_grant_target(grant),
        data={**_grant_data(grant), **extra},
    )


def _grant_target(grant: Grant) -> str:
    if grant.installation is not None:
        return f"installation:{grant.installation.code}"
    return f"organisation:{grant.owner.code}"


def grant_access(
    actor: User,
    owner: Organisation,
    *,
    role: str,
    installation: Installation | None = None,
    email: str = "",
    organisation: Organisation | None = None,
    expires_at: datetime | None = None,
    reference: str = "",
    request: HttpRequest | None = None,
) -> Grant:
    """Let a person (by email, invited if unknown) or an organisation see ``owner``'s data.

    ``installation`` None grants all of the owner's installations.
    """
    if (not email) == (organisation is None):
        raise GrantError("Grant access either to a person or to an organisation.")
    if organisation is not None and organisation.pk == owner.pk:
        raise GrantError("Members of your own organisation already have access.")
    if expires_at is not None and expires_at <= timezone.now():
        raise GrantError("The end of the access must be in the future.")
    if installation is not None and installation.owner_id != owner.pk:
        raise GrantError("That installation belongs to another organisation.")
    email = normalise_email(email)
    person = User.objects.filter(email=email).first() if email else None
    if person is not None and Membership.objects.filter(user=person, organisation=owner).exists():
        raise GrantError("That person is a member of your organisation and has access already.")
    with transaction.atomic():
        grant = Grant.objects.create(
            owner=owner,
            installation=installation,
            grantee_user=person,
            grantee_email=email,
            grantee_org=organisation,
            role=role,
            reference=reference,
            expires_at=expires_at,
            granted_by=actor,
        )
        record_event(
            "grant.created",
            actor=actor,
            request=request,
            subject=person,
            target=_grant_target(grant),
            data=_grant_data(grant),
        )
        if email:
            template = "access_granted" if person is not None else "access_invitation"
            send_account_email(email, template, {"grant": grant, "actor": actor})
    return grant


def revoke_grant(actor: User, grant: Grant, request: HttpRequest | None = None) -> bool:
    """Withdraw at once; False if the grant had already ended by revocation."""
    with transaction.atomic():
        updated = Grant.objects.filter(pk=grant.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=actor
        )
        if updated:
            grant.refresh_from_db()
            _record_grant_event("grant.revoked", actor, grant, request)
    return bool(updated)


def suspend_grant(
    actor: User, grant: Grant, reason: str, request: HttpRequest | None = None
) -> bool:
    """Staff stop a grant on suspected misuse; the owner sees it suspended, with the reason."""
    with transaction.atomic():
        updated = Grant.objects.filter(pk=grant.pk, suspended_at__isnull=True).update(
            suspended_at=timezone.now(), suspended_by=actor, suspend_reason=reason
        )
        if updated:
            _record_grant_event("grant.suspended", actor, grant, request, reason=reason)
            for admin in _owner_admins(grant.owner):
                send_account_email(
                    admin.email,
                    "grant_suspended",
                    {"admin": admin, "grant": grant, "reason": reason},
                )
    return bool(updated)


def reinstate_grant(actor: User, grant: Grant, request: HttpRequest | None = None) -> bool:
    with transaction.atomic():
        updated = Grant.objects.filter(pk=grant.pk, suspended_at__isnull=False).update(
            suspended_at=None, suspended_by=None, suspend_reason=""
        )
        if updated:
            _record_grant_event("grant.reinstated", actor, grant, request)
    return bool(updated)


def suspend_user(
    actor: User, person: User, reason: str, request: HttpRequest | None = None
) -> None:
    """Staff lock an account on misuse: its open sessions are anonymous on their next request
    (Django's auth backend refuses inactive users), and every grant stops working."""
    with transaction.atomic():
        User.objects.filter(pk=person.pk).update(is_active=False)
        record_event(
            "user.suspended",
            actor=actor,
            request=request,
            subject=person,
            target=f"user:{person.code}",
            data={"reason": reason},
        )


def reinstate_user(actor: User, person: User, request: HttpRequest | None = None) -> None:
    with transaction.atomic():
        User.objects.filter(pk=person.pk).update(is_active=True)
        record_event(
            "user.reinstated",
            actor=actor,
            request=request,
            subject=person,
            target=f"user:{person.code}",
        )


def request_access(
    requester: User, request_code: str, message: str, request: HttpRequest | None = None
) -> AccessRequest | None:
    """Ask the owner of the installation with this request code for access; None if unknown.

    A second request while one is pending updates its message instead of piling up.
    """
    cleaned = "".join(ch for ch in request_code.upper() if ch.isalnum())
    if len(cleaned) != 10:
        return None
    cleaned = f"{cleaned[:4]}-{cleaned[4:8]}-{cleaned[8:]}"
    installation = Installation.objects.select_related("owner").filter(request_code=cleaned).first()
    if installation is None:
        return None
    with transaction.atomic():
        existing = AccessRequest.objects.filter(
            installation=installation, requester=requester, status=RequestStatus.PENDING
        ).first()
        if existing is not None:
            existing.message = message
            existing.save(update_fields=["message"])
            return existing
        access_request = AccessRequest.objects.create(
            installation=installation, requester=requester, message=message
        )
        record_event(
            "access_request.created",
            actor=requester,
            request=request,
            subject=requester,
            target=f"installation:{installation.code}",
            data={"request": str(access_request.code), "owner": installation.owner.name},
        )
        for admin in _owner_admins(installation.owner):
            send_account_email(
                admin.email,
                "access_request",
                {"admin": admin, "access_request": access_request, "installation": installation},
            )
    return access_request


def approve_request(
    actor: User,
    access_request: AccessRequest,
    *,
    role: str,
    expires_at: datetime | None,
    reference: str,
    to_organisation: Organisation | None = None,
    request: HttpRequest | None = None,
) -> Grant:
    """Grant what was asked (to the requester, or to their organisation) and tell them."""
    if access_request.status != RequestStatus.PENDING:
        raise GrantError("This request was already answered.")
    installation = access_request.installation
    with transaction.atomic():
        grant = grant_access(
            actor,
            installation.owner,
            role=role,
            installation=installation,
            email="" if to_organisation else access_request.requester.email,
            organisation=to_organisation,
            expires_at=expires_at,
            reference=reference,
            request=request,
        )
        _decide(access_request, actor, RequestStatus.APPROVED, grant=grant)
        record_event(
            "access_request.approved",
            actor=actor,
            request=request,
            subject=access_request.requester,
            target=f"installation:{installation.code}",
            data={"request": str(access_request.code), "grant": str(grant.code)},
        )
        if to_organisation is not None:
            # A grant to a person already emailed them; one to their organisation did not.
            send_account_email(
                access_request.requester.email,
                "access_request_decided",
                {"access_request": access_request},
            )
    return grant


def refuse_request(
    actor: User, access_request: AccessRequest, reason: str, request: HttpRequest | None = None
) -> None:
    if access_request.status != RequestStatus.PENDING:
        raise GrantError("This request was already answered.")
    with transaction.atomic():
        _decide(access_request, actor, RequestStatus.REFUSED, reason=reason)
        record_event(
            "access_request.refused",
            actor=actor,
            request=request,
            subject=access_request.requester,
            target=f"installation:{access_request.installation.code}",
            data={"request": str(access_request.code), "reason": reason},
        )
        send_account_email(
            access_request.requester.email,
            "access_request_decided",
            {"access_request": access_request},
        )


def withdraw_request(
    requester: User, access_request: AccessRequest, request: HttpRequest | None = None
) -> bool:
    if (
        access_request.status != RequestStatus.PENDING
        or access_request.requester_id != requester.pk
    ):
        return False
    with transaction.atomic():
        _decide(access_request, requester, RequestStatus.WITHDRAWN)
        record_event(
            "access_request.withdrawn",
            actor=requester,
            request=request,
            subject=requester,
            target=f"installation:{access_request.installation.code}",
            data={"request": str(access_request.code)},
        )
    return True


def _decide(
    access_request: AccessRequest,
    actor: User,
    status: str,
    *,
    grant: Grant | None = None,
    reason: str = "",
) -> None:
    access_request.status = status
    access_request.decided_by = actor
    access_request.decided_at = timezone.now()
    access_request.refusal_reason = reason
    access_request.grant = grant
    access_request.save(
        update_fields=["status", "decided_by", "decided_at", "refusal_reason", "grant"]
    )


def _owner_admins(owner: Organisation) -> list[User]:
    return list(
        User.objects.filter(
            memberships__organisation=owner,
            memberships__role=MembershipRole.ADMIN,
            is_active=True,
        )
    )
