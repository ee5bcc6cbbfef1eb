"""Changing what we hold about a person: name, company, email address and PIN."""

from __future__ import annotations

from django.contrib.auth import update_session_auth_hash
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from jtlcloud.accounts import tokens
from jtlcloud.accounts.emails import send_account_email
from jtlcloud.accounts.models import User, normalise_email
from jtlcloud.accounts.throttle import email_sending_blocked
from jtlcloud.audit.services import record_event


def update_profile(request: HttpRequest, user: User, *, name: str, company: str) -> None:
    before = {"name": user.name, "company": user.company}
    after = {"name": name, "company": company}
    if before == after:
        return
    with transaction.atomic():
        user.name, user.company = name, company
        user.save(update_fields=["name", "company"])
        record_event(
            "profile.updated",
            actor=user,
            request=request,
            subject=user,
            data={"before": before, "after": after},
        )


def change_pin(request: HttpRequest, user: User, new_pin: str) -> None:
    """Set a new PIN (the caller checked the current one). Every other session ends."""
    with transaction.atomic():
        user.set_password(new_pin)
        user.pin_changed_at = timezone.now()
        user.save(update_fields=["password", "pin_changed_at"])
        record_event("pin.changed", actor=user, request=request, subject=user)
        send_account_email(user.email, "pin_changed", {"user": user})
    # Other sessions hold the old PIN's hash and so become anonymous; this one stays.
    update_session_auth_hash(request, user)


def request_pin_reset(request: HttpRequest, email: str) -> None:
    """Email a reset link if the address has an active account; say nothing either way."""
    email = normalise_email(email)
    user = User.objects.filter(email=email, is_active=True).first()
    if user is None or email_sending_blocked(request, "pin-reset", email):
        return
    token = tokens.make_token(user, tokens.RESET_PIN)
    record_event("pin.reset_requested", request=request, subject=user)
    send_account_email(user.email, "pin_reset", {"user": user, "token": token})


def user_for_reset(token: str) -> User | None:
    found = tokens.read_token(token, tokens.RESET_PIN)
    return found[0] if found else None


def reset_pin(request: HttpRequest, user: User, new_pin: str) -> None:
    with transaction.atomic():
        user.set_password(new_pin)
        user.pin_changed_at = timezone.now()
        # Following the link proved the address is theirs.
        user.email_verified_at = user.email_verified_at or timezone.now()
        user.save(update_fields=["password", "pin_changed_at", "email_verified_at"])
        record_event("pin.reset", request=request, subject=user)
        send_account_email(user.email, "pin_changed", {"user": user})


def request_email_change(request: HttpRequest, user: User, new_email: str) -> None:
    """Send a confirmation link to the new address and tell the old one.

    The caller checked the PIN.
    """
    new_email = normalise_email(new_email)
    # The PIN was checked, but a logged-in account must not become a way to mail-bomb
    # any address with confirmation links.
    if email_sending_blocked(request, "email-change", new_email):
        return
    token = tokens.make_token(user, tokens.CHANGE_EMAIL, e=new_email)
    record_event(
        "email.change_requested",
        actor=user,
        request=request,
        subject=user,
        data={"new_email": new_email},
    )
    send_account_email(new_email, "email_change_confirm", {"user": user, "token": token})
    send_account_email(user.email, "email_change_notice", {"user": user, "new_email": new_email})


def confirm_email_change(request: HttpRequest, token: str) -> User | None:
    found = tokens.read_token(token, tokens.CHANGE_EMAIL)
    if found is None:
        return None
    user, payload = found
    new_email = normalise_email(str(payload.get("e", "")))
    if not new_email or User.objects.filter(email=new_email).exclude(pk=user.pk).exists():
        return None
    old_email = user.email
    with transaction.atomic():
        user.email = new_email
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email", "email_verified_at"])
        record_event(
            "email.changed",
            actor=user,
            request=request,
            subject=user,
            data={"old_email": old_email, "new_email": new_email},
        )
        send_account_email(old_email, "email_changed", {"user": user, "new_email": new_email})
    return user
