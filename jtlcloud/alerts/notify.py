"""Notifications: written with the state change, emailed after commit to subscribers with access.

Who gets an email is decided when it is sent, not when the person
subscribed: a subscriber whose grant was revoked (or expired, or whose
account was disabled) gets nothing, and the delivery log says so. Sending
happens after the surrounding transaction commits, and a mail server that
is down is logged per recipient, never raised into ingest or the worker.

Emails are plain text with fixed subjects; recipients are bare addresses,
so no name anyone typed (person, installation, rule) reaches a header.
Each carries a one-click unsubscribe for its rule: a signed link that works
without logging in, announced by ``List-Unsubscribe`` and
``List-Unsubscribe-Post`` (RFC 8058) so a mail client can POST to it.
"""

from __future__ import annotations

import logging
import smtplib
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.http import Http404, HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse

from jtlcloud.accounts.models import User
from jtlcloud.alerts.models import (
    AlertRule,
    Delivery,
    DeliveryOutcome,
    Notification,
    NotificationKind,
    Subscription,
)
from jtlcloud.installations.access import Need, access_installation, visible_installations
from jtlcloud.installations.models import Installation

logger = logging.getLogger(__name__)

SUBJECTS = {
    NotificationKind.FIRED: "JTL Cloud alert: a rule started firing",
    NotificationKind.CLEARED: "JTL Cloud alert: a rule cleared",
    NotificationKind.EVENTS: "JTL Cloud alert: new events matched a rule",
}
_UNSUBSCRIBE_SALT = "alerts.rule-emails.unsubscribe"


def notify(rule: AlertRule, kind: str, text: str) -> Notification:
    """Record what ``rule`` has to say; it is emailed once the current transaction commits."""
    notification = Notification.objects.create(
        installation=rule.installation, rule=rule, rule_name=rule.name, kind=kind, text=text
    )
    transaction.on_commit(lambda: deliver(notification.pk))
    return notification


def still_has_access(user: User, installation: Installation) -> bool:
    """Whether ``user`` may see the installation's data now, as owner member or grantee.

    Staff access is deliberate and per investigation, never a standing reason to
    be told about someone's installation, so it does not count. No session is
    involved, so a second factor is not asked for; accepted terms still are.
    """
    if not user.is_active:
        return False
    if not visible_installations(user, verified=True).filter(pk=installation.pk).exists():
        return False
    try:
        access_installation(user, installation.code, Need.VIEW, verified=True)
    except Http404:
        return False
    return True


def deliver(notification_id: int) -> list[Delivery]:
    notification = (
        Notification.objects.select_related("installation", "rule")
        .filter(pk=notification_id)
        .first()
    )
    if notification is None or notification.rule is None:
        return []
    rule = notification.rule
    deliveries = []
    for subscription in Subscription.objects.filter(rule=rule).select_related("user"):
        user = subscription.user
        if not still_has_access(user, notification.installation):
            deliveries.append(
                Delivery(notification=notification, user=user, outcome=DeliveryOutcome.NO_ACCESS)
            )
            continue
        deliveries.append(_send(notification, rule, user))
    Delivery.objects.bulk_create(deliveries)
    return deliveries


def _send(notification: Notification, rule: AlertRule, user: User) -> Delivery:
    unsubscribe_url = settings.JTL_SITE_URL + reverse(
        "alert-unsubscribe", kwargs={"token": unsubscribe_token(user, rule)}
    )
    context: dict[str, Any] = {
        "notification": notification,
        "rule": rule,
        "installation": notification.installation,
        "site_url": settings.JTL_SITE_URL,
        "alerts_url": settings.JTL_SITE_URL
        + reverse("installation-alerts", kwargs={"code": notification.installation.code}),
        "unsubscribe_url": unsubscribe_url,
    }
    message = EmailMessage(
        subject=SUBJECTS[NotificationKind(notification.kind)],
        body=render_to_string("emails/alert.txt", context),
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    delivery = Delivery(notification=notification, user=user, email=user.email)
    try:
        message.send()
    except (OSError, smtplib.SMTPException) as error:
        logger.exception("could not send alert notification %s", notification.pk)
        delivery.outcome = DeliveryOutcome.FAILED
        delivery.error = f"{type(error).__name__}: {error}"[:300]
    else:
        delivery.outcome = DeliveryOutcome.SENT
    return delivery


def unsubscribe_token(user: User, rule: AlertRule) -> str:
    return signing.dumps(
        {"u": str(user.code), "r": str(rule.code)}, salt=_UNSUBSCRIBE_SALT, compress=True
    )


def unsubscribe_by_token(token: str, request: HttpRequest | None = None) -> bool:
    """Stop the emails of the rule the token names, for the person it names; False if the
    token is not ours. A person or rule that is gone means there is nothing left to stop."""
    try:
        payload = signing.loads(token, salt=_UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return False
    if not isinstance(payload, dict):
        return False
    try:
        user = User.objects.filter(code=str(payload.get("u", ""))).first()
        rule = (
            AlertRule.objects.select_related("installation")
            .filter(code=str(payload.get("r", "")))
            .first()
        )
    except ValidationError:  # signed by us, so never malformed; but never a 500 either
        return False
    if user is not None and rule is not None:
        from jtlcloud.alerts.services import unsubscribe_rule

        unsubscribe_rule(user, rule, request, via="email")
    return True
