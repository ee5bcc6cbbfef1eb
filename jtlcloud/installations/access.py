"""Who may see what: the one place that decides access to installations.

Views and API routes never fetch an installation by id themselves: they call
``visible_installations(user)`` or ``access_installation(user, code, need)``.
Missing and forbidden look the same (404), so ids cannot be probed.

Access is read from the database on every call, never cached in a session or
token, so a withdrawal takes effect on the very next request.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from jtlcloud.accounts.models import User
from jtlcloud.installations.models import Installation


class Need:
    """What the caller wants to do with the installation."""

    VIEW = "view"  # see its data
    EXPORT = "export"  # download its data
    MANAGE = "manage"  # change it, its keys and its grants (owner admins)


def visible_installations(user: User) -> QuerySet[Installation]:
    """Installations whose data ``user`` may see now."""
    if not user.is_authenticated or not user.is_active:
        return Installation.objects.none()
    return Installation.objects.filter(owner__memberships__user=user).distinct()


@dataclass(frozen=True)
class Access:
    """Why a user may see an installation right now: as its owner, by a grant, or as staff."""

    installation: Installation
    via: str  # "owner", "grant" or "staff"
    grant_id: int | None = None
    # The grant's purpose/reference, carried into exports and the access log.
    reference: str = ""


def access_installation(user: User, code: str | uuid.UUID, need: str) -> Access:
    """How ``user`` may do ``need`` with installation ``code`` now; Http404 if they may not."""
    try:
        parsed = uuid.UUID(str(code))
    except ValueError:
        raise Http404 from None
    found = visible_installations(user).filter(code=parsed).first()
    if found is None:
        raise Http404
    if (
        need == Need.MANAGE
        and not user.memberships.filter(organisation=found.owner, role="admin").exists()
    ):
        raise Http404
    return Access(installation=found, via="owner")
