"""Rights requests and complaints: a reference, a due date, a staff queue (policy 10, 11)."""

from __future__ import annotations

import calendar
import datetime as dt
import secrets

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from jtlcloud.accounts.models import User
from jtlcloud.audit.services import record_event
from jtlcloud.privacy.models import (
    CLOSED_STATUSES,
    PrivacyRequest,
    RequestKind,
    RequestStatus,
)

COMPLAINT_ACK_DAYS = 30
_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def add_one_month(moment: dt.datetime) -> dt.datetime:
    """The same day next month (or that month's last day): the UK GDPR's one-month deadline."""
    year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def due_date(kind: str, made_at: dt.datetime) -> dt.datetime:
    if kind == RequestKind.COMPLAINT:
        return made_at + dt.timedelta(days=COMPLAINT_ACK_DAYS)
    return add_one_month(made_at)


def new_reference(prefix: str) -> str:
    """Short, unguessable and easy to read out on the phone: REQ-2026-K7QD4M."""
    year = timezone.now().year
    while True:
        tail = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(6))
        reference = f"{prefix}-{year}-{tail}"
        if not PrivacyRequest.objects.filter(reference=reference).exists():
            return reference


def submit_request(
    request: HttpRequest | None,
    *,
    kind: str,
    requester: User | None,
    name: str,
    email: str,
    details: str,
) -> PrivacyRequest:
    now = timezone.now()
    with transaction.atomic():
        item = PrivacyRequest.objects.create(
            reference=new_reference("CMP" if kind == RequestKind.COMPLAINT else "REQ"),
            kind=kind,
            requester=requester,
            requester_name=name,
            requester_email=email,
            details=details,
            created_at=now,
            due_at=due_date(kind, now),
        )
        record_event(
            f"privacy.{'complaint' if kind == RequestKind.COMPLAINT else 'request'}_made",
            actor=requester,
            request=request,
            subject=requester,
            target=f"privacy-request:{item.reference}",
            data={"kind": kind, "due_at": item.due_at.isoformat()},
        )
    return item


def update_request(
    request: HttpRequest,
    actor: User,
    item: PrivacyRequest,
    *,
    status: str,
    staff_notes: str,
    response: str,
) -> PrivacyRequest:
    with transaction.atomic():
        before = item.status
        item.status = status
        item.staff_notes = staff_notes
        item.response = response
        if status in CLOSED_STATUSES and item.closed_at is None:
            item.closed_at = timezone.now()
        elif status not in CLOSED_STATUSES:
            item.closed_at = None
        item.save(update_fields=["status", "staff_notes", "response", "closed_at"])
        record_event(
            "privacy.request_updated",
            actor=actor,
            request=request,
            subject=item.requester,
            target=f"privacy-request:{item.reference}",
            data={"status_before": before, "status_after": status},
        )
    return item


def queue(status: str = "open", kind: str = "") -> QuerySet[PrivacyRequest]:
    items = PrivacyRequest.objects.all()
    if status == "open":
        items = items.exclude(status__in=CLOSED_STATUSES)
    elif status in RequestStatus.values:
        items = items.filter(status=status)
    if kind in RequestKind.values:
        items = items.filter(kind=kind)
    return items.order_by("due_at")
