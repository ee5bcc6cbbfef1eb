"""Writing the access log: every view or export of installation data leaves a row."""

from __future__ import annotations

from django.http import HttpRequest

from jtlcloud.accounts.models import User
from jtlcloud.installations.access import Access
from jtlcloud.installations.models import AccessLogEntry
from jtlcloud.lib.client_ip import client_ip


def record_access(
    request: HttpRequest | None, user: User, access: Access, kind: str, detail: str = ""
) -> None:
    """One INSERT; called by every view and API route that shows installation data."""
    membership = user.memberships.select_related("organisation").first()
    AccessLogEntry.objects.create(
        installation=access.installation,
        user=user,
        user_label=f"{user.name} <{user.email}>",
        organisation_label=membership.organisation.name if membership else user.company,
        kind=kind,
        detail=detail[:300],
        via=access.via,
        grant_id=access.grant_id,
        ip=client_ip(request) if request is not None else None,
    )
