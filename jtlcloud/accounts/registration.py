"""Registering an account and verifying its email address."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from jtlcloud.accounts import tokens
from jtlcloud.accounts.emails import send_account_email
from jtlcloud.accounts.models import User, normalise_email
from jtlcloud.accounts.throttle import email_sending_blocked
from jtlcloud.audit.services import record_event


def register_user(request: HttpRequest, *, name: str, email: str, company: str, pin: str) -> None:
    """Create an unverified account and email its verification link.

    An address that already has an account gets a notice instead, and the
    caller shows the same page either way: nobody learns who is registered.
    """
    email = normalise_email(email)
    existing = User.objects.filter(email=email).first()
    if existing is not None:
        # Hash the PIN all the same: a new account costs one Argon2 hash, and a reply
        # that came back faster would tell who already has an account.
        make_password(pin)
        if not email_sending_blocked(request, "already-registered", email):
            send_account_email(email, "already_registered", {"user": existing})
        return
    with transaction.atomic():
        user = User.objects.create_user(email, pin, name=name, company=company)
        record_event("account.registered", request=request, subject=user)
        send_verification(user)


def send_verification(user: User) -> None:
    token = tokens.make_token(user, tokens.VERIFY_EMAIL)
    send_account_email(user.email, "verify_email", {"user": user, "token": token})


def resend_verification(request: HttpRequest, user: User) -> None:
    if not email_sending_blocked(request, "verify", user.email):
        send_verification(user)


def verify_email(request: HttpRequest, token: str) -> User | None:
    found = tokens.read_token(token, tokens.VERIFY_EMAIL)
    if found is None:
        return None
    user, _payload = found
    with transaction.atomic():
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
        record_event("account.email_verified", request=request, subject=user)
    return user
