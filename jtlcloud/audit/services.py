"""The one way to write an audit event."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.http import HttpRequest

from jtlcloud.audit.models import AuditEvent
from jtlcloud.lib.client_ip import client_ip

if TYPE_CHECKING:
    from jtlcloud.accounts.models import User

# Any fixed number: it names the lock that serialises appends on PostgreSQL.
_CHAIN_LOCK = 7_041_001
_FORBIDDEN_KEYS = {"pin", "password", "code", "otp", "token", "secret"}


def record_event(
    kind: str,
    *,
    actor: User | None = None,
    request: HttpRequest | None = None,
    subject: User | None = None,
    target: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain. ``data`` must never hold a secret."""
    data = dict(data or {})
    leaked = _FORBIDDEN_KEYS & {key.lower() for key in data}
    if leaked:
        raise ValueError(f"audit data may not carry secrets: {sorted(leaked)}")
    if actor is not None and not actor.is_authenticated:
        actor = None
    event = AuditEvent(
        kind=kind,
        actor=actor,
        actor_label=actor.email if actor is not None else "",
        subject=subject,
        target=target,
        data=data,
    )
    if request is not None:
        event.ip = client_ip(request)
        event.user_agent = request.META.get("HTTP_USER_AGENT", "")[:300]
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])
        last = AuditEvent.objects.order_by("-id").values_list("entry_hash", flat=True).first()
        event.prev_hash = last or ""
        event.entry_hash = event.compute_hash()
        event.save()
    return event
