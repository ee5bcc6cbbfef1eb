"""Installations and the keys with which they send their data."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone

from jtlcloud.accounts.models import Organisation

if TYPE_CHECKING:
    from jtlcloud.accounts.models import User

# No 0/O or 1/I/L: request codes are read out on the phone and typed by hand.
_REQUEST_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_request_code() -> str:
    """A code like ``K7QM-2XPA-R9`` (10 characters, about 50 bits) to give to a provider."""
    raw = "".join(secrets.choice(_REQUEST_ALPHABET) for _ in range(10))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


class InstallationQuerySet(models.QuerySet["Installation"]):
    def visible_to(self, user: User, *, verified: bool | None = None) -> InstallationQuerySet:
        """The installations whose data ``user`` may see now (see ``access.py``)."""
        from jtlcloud.installations.access import visible_installations

        return self.filter(pk__in=visible_installations(user, verified=verified).values("pk"))


class Installation(models.Model):
    """A customer's system on its site, owned by an organisation, that pushes data to us."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="installations")
    name = models.CharField(max_length=200)
    site_address = models.TextField(blank=True)
    time_zone = models.CharField(max_length=64, default="Europe/London")
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    # Owners give this to a service provider, who quotes it to ask for access.
    request_code = models.CharField(max_length=16, unique=True, default=new_request_code)

    objects = InstallationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class InstallationKey(models.Model):
    """A secret an installation authenticates with; stored as a hash behind a visible prefix."""

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="keys")
    label = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.installation.name})"


class AccessKind(models.TextChoices):
    DASHBOARD = "dashboard", "Dashboard"
    CHART = "chart", "Chart"
    EVENTS = "events", "Events"
    EXPORT = "export", "Export"
    API = "api", "API read"


class AccessLogEntry(models.Model):
    """One look at an installation's data: who, from which organisation, what, when, from where.

    Owners read these. The person's name and organisation are snapshots, so
    the record stays meaningful after a grant or an account is gone.
    """

    installation = models.ForeignKey(
        Installation, on_delete=models.CASCADE, related_name="access_log"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user_label = models.CharField(max_length=320)
    organisation_label = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=16, choices=AccessKind.choices)
    detail = models.CharField(max_length=300, blank=True)
    via = models.CharField(max_length=16)
    grant_id = models.BigIntegerField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["installation", "at"], name="accesslog_inst_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_label} {self.kind}"


class GrantRole(models.TextChoices):
    VIEWER = "viewer", "Viewer"
    TECHNICIAN = "technician", "Technician"


class GrantQuerySet(models.QuerySet["Grant"]):
    def active(self, now: datetime | None = None) -> GrantQuerySet:
        """Grants that work right now: not revoked, not suspended, not expired."""
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, suspended_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )

    def covering(self, installation: Installation) -> GrantQuerySet:
        """Grants for this installation, or for all installations of its owner."""
        return self.filter(owner_id=installation.owner_id).filter(
            models.Q(installation=installation) | models.Q(installation__isnull=True)
        )


class Grant(models.Model):
    """An owner's consent that a person or an organisation may see installation data.

    ``installation`` empty means every installation of ``owner``, present and
    future. A grant to a person names them by ``grantee_email``; ``grantee_user``
    is filled once the address belongs to an account (an invitation until then).
    A grant to an organisation covers every member of it. Grants end by
    revocation (owner), suspension (staff) or expiry; rows are never deleted.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="grants_given")
    installation = models.ForeignKey(
        Installation, null=True, blank=True, on_delete=models.CASCADE, related_name="grants"
    )
    grantee_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="grants",
    )
    grantee_email = models.EmailField(blank=True)
    grantee_org = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="grants_received",
    )
    role = models.CharField(max_length=16, choices=GrantRole.choices)
    reference = models.CharField(max_length=200, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    suspend_reason = models.CharField(max_length=500, blank=True)

    objects = GrantQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_at"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(grantee_org__isnull=True) & ~models.Q(grantee_email=""))
                | (
                    models.Q(grantee_org__isnull=False)
                    & models.Q(grantee_email="")
                    & models.Q(grantee_user__isnull=True)
                ),
                name="grant_one_grantee",
            )
        ]
        indexes = [
            models.Index(fields=["grantee_user"], name="grant_user"),
            models.Index(fields=["grantee_email"], name="grant_email"),
        ]

    def __str__(self) -> str:
        return f"{self.role} for {self.grantee_label}"

    @property
    def grantee_label(self) -> str:
        if self.grantee_org_id is not None:
            return self.grantee_org.name if self.grantee_org else ""
        if self.grantee_user is not None:
            return f"{self.grantee_user.name} <{self.grantee_user.email}>"
        return self.grantee_email

    @property
    def is_invitation(self) -> bool:
        return self.grantee_org_id is None and self.grantee_user_id is None

    def state(self, now: datetime | None = None) -> str:
        """One word for lists: active, expired, revoked or suspended."""
        if self.revoked_at is not None:
            return "revoked"
        if self.suspended_at is not None:
            return "suspended"
        if self.expires_at is not None and self.expires_at <= (now or timezone.now()):
            return "expired"
        return "active"


class RequestStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"


class AccessRequest(models.Model):
    """A service provider's request for access to one installation, answered by an owner admin.

    A pending request grants nothing; approval creates a ``Grant``.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    installation = models.ForeignKey(
        Installation, on_delete=models.CASCADE, related_name="access_requests"
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_requests"
    )
    message = models.TextField(blank=True)
    status = models.CharField(
        max_length=16, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    refusal_reason = models.CharField(max_length=500, blank=True)
    grant = models.ForeignKey(
        Grant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.requester} → {self.installation} ({self.status})"


class DataUseAcknowledgement(models.Model):
    """A person's acceptance of the data-use terms for one owner's installations.

    Asked once per owner organisation and terms version, before a grantee
    first sees that owner's data.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_use_acks"
    )
    owner = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    version = models.CharField(max_length=20)
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "owner", "version"], name="data_use_ack_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} accepted {self.version} for {self.owner}"
