"""Account emails: ones the user triggered (verification, PIN reset, notices).

These are not notifications, so they need no opt-in. Subjects are fixed
strings and recipients are addresses alone, so nothing a user typed can
reach an email header.
"""

from __future__ import annotations

import logging
import smtplib
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

SUBJECTS = {
    "verify_email": "Confirm your email address for JTL Cloud",
    "already_registered": "Someone tried to register with your email address",
    "pin_reset": "Reset your JTL Cloud PIN",
    "pin_changed": "Your JTL Cloud PIN was changed",
    "email_change_confirm": "Confirm your new email address for JTL Cloud",
    "email_change_notice": "A change of your JTL Cloud email address",
    "email_changed": "Your JTL Cloud email address was changed",
    # Installations and access (jtlcloud.installations.grants).
    "access_invitation": "You were given access to installation data on JTL Cloud",
    "access_granted": "You were given access to installation data on JTL Cloud",
    "access_request": "A service provider asks for access to your installation",
    "access_request_decided": "Your request for access to an installation was answered",
    "grant_suspended": "JTL Cloud suspended access to your installation data",
}


def send_account_email(to: str, template: str, context: dict[str, Any] | None = None) -> None:
    """Send after the surrounding transaction commits, so a rollback sends nothing."""
    body = render_to_string(
        f"emails/{template}.txt",
        {
            "site_url": settings.JTL_SITE_URL,
            "link_hours": max(1, int(settings.JTL_EMAIL_VERIFY_SECONDS) // 3600),
            **(context or {}),
        },
    )
    message = EmailMessage(subject=SUBJECTS[template], body=body, to=[to])
    transaction.on_commit(lambda: _send(message, template))


def _send(message: EmailMessage, template: str) -> None:
    # A mail server that is down must not turn the page into a 500: the change is
    # committed already, and every one of these emails can be asked for again.
    try:
        message.send()
    except (OSError, smtplib.SMTPException):
        logger.exception("could not send the %s email", template)
