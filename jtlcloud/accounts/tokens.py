"""Signed one-time links for email verification, PIN reset and email change.

Each token carries a fingerprint of the state it changes (the verification
time, the PIN hash, the current email). Using the link changes that state,
so the same link never works twice, and no token table is needed.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.core import signing

from jtlcloud.accounts.models import User

VERIFY_EMAIL = "accounts.verify-email"
RESET_PIN = "accounts.reset-pin"
CHANGE_EMAIL = "accounts.change-email"


def _fingerprint(user: User, purpose: str) -> str:
    if purpose == VERIFY_EMAIL:
        state = f"{user.email}|{user.email_verified_at}"
    elif purpose == RESET_PIN:
        state = f"{user.password}|{user.last_login}|{user.is_active}"
    else:
        state = f"{user.email}|{user.password}"
    return hashlib.sha256(state.encode()).hexdigest()[:32]


def make_token(user: User, purpose: str, **extra: Any) -> str:
    payload = {"u": str(user.code), "f": _fingerprint(user, purpose), **extra}
    return signing.dumps(payload, salt=purpose, compress=True)


def _max_age(purpose: str) -> int:
    if purpose == RESET_PIN:
        return int(settings.PASSWORD_RESET_TIMEOUT)
    return int(settings.JTL_EMAIL_VERIFY_SECONDS)


def read_token(token: str, purpose: str) -> tuple[User, dict[str, Any]] | None:
    """The user and payload of a valid, unused, unexpired token; otherwise None."""
    try:
        payload = signing.loads(token, salt=purpose, max_age=_max_age(purpose))
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict):
        return None
    user = User.objects.filter(code=str(payload.get("u", "")), is_active=True).first()
    if user is None or payload.get("f") != _fingerprint(user, purpose):
        return None
    return user, payload
