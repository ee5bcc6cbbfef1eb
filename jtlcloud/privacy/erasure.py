"""Erasure (policy 10): remove the account and its secrets; anonymise what others still need.

What goes: the user row and with it the PIN hash, second-factor devices and
recovery codes, memberships, privacy preferences, visits and page views;
every session logged in as the user (sessions live in the database, so we
decode them and delete the user's). Reset and verification links stop
working because they name a user that no longer exists.

What stays, anonymised: owners keep their installations' access log (who
looked at their data is *their* record), with the name replaced by
"erased user #<n>"; the audit trail keeps its events with the actor label,
IP address, user agent and personal fields of ``data`` replaced. Rights
requests stay (we must be able to show we answered them) under the same label.

The audit trail is hash-chained and append-only. Redaction is the one
sanctioned change: each redacted event's original and new hash are written
to a ``audit.redacted`` event, itself part of the chain, so
``verify_audit_chain`` accepts exactly these changes and no others.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from jtlcloud.accounts.models import User
from jtlcloud.audit.models import AuditEvent
from jtlcloud.audit.services import record_event
from jtlcloud.installations.models import AccessLogEntry
from jtlcloud.privacy.models import PrivacyRequest

_PERSONAL_DATA_KEYS = {"email", "name", "company", "before", "after", "new_email", "old_email"}


def erased_label(user_pk: int) -> str:
    return f"erased user #{user_pk}"


def erase_user(request: HttpRequest | None, actor: User | None, user: User) -> str:
    """Erase ``user``; returns the label that now stands for them."""
    label = erased_label(user.pk)
    with transaction.atomic():
        sessions = _end_sessions(user)
        AccessLogEntry.objects.filter(user=user).update(user=None, user_label=label)
        PrivacyRequest.objects.filter(requester=user).update(
            requester=None, requester_name=label, requester_email=""
        )
        user_pk = user.pk
        user.delete()  # the pre_delete receiver below redacts the audit trail
        record_event(
            "privacy.user_erased",
            actor=actor,
            request=request,
            target=f"user:{user_pk}",
            data={"label": label, "sessions_ended": sessions},
        )
    return label


def _end_sessions(user: User) -> int:
    wanted = str(user.pk)
    doomed = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        try:
            decoded = session.get_decoded()
        except Exception:  # noqa: S112 - a session we cannot read is not this user's
            continue
        if str(decoded.get("_auth_user_id", "")) == wanted:
            doomed.append(session.session_key)
    # Through the session engine, so a cached_db engine forgets its cached copy too.
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for key in doomed:
        store(session_key=key).delete()
    return len(doomed)


def _redacted_data(data: Any) -> Any:
    if isinstance(data, dict):
        return {
            key: ("(erased)" if key.lower() in _PERSONAL_DATA_KEYS else _redacted_data(value))
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [_redacted_data(value) for value in data]
    return data


def redact_audit_for(user: User) -> int:
    """Anonymise the user's audit events and log each change; how many were redacted."""
    label = erased_label(user.pk)
    changes = []
    events = AuditEvent.objects.filter(Q(actor=user) | Q(subject=user)).order_by("id")
    for event in events:
        original = event.entry_hash
        if event.actor_id == user.pk:
            event.actor_label = label
            event.ip = None
            event.user_agent = ""
        event.actor_id = None if event.actor_id == user.pk else event.actor_id
        event.subject_id = None if event.subject_id == user.pk else event.subject_id
        event.data = _redacted_data(event.data)
        redacted = event.compute_hash()
        # The append-only manager refuses updates; erasure is the one sanctioned rewrite.
        AuditEvent._base_manager.filter(pk=event.pk).update(
            actor_label=event.actor_label,
            ip=event.ip,
            user_agent=event.user_agent,
            actor_id=event.actor_id,
            subject_id=event.subject_id,
            data=event.data,
        )
        changes.append([event.pk, original, redacted])
    if changes:
        record_event("audit.redacted", data={"label": label, "entries": changes})
    return len(changes)


@receiver(pre_delete, sender=User, dispatch_uid="privacy.redact_audit")
def _redact_before_delete(sender: type[User], instance: User, **kwargs: object) -> None:
    # Any deletion of a user (the erasure service, the admin) would otherwise null the
    # audit rows' user references behind the chain's back.
    redact_audit_for(instance)
