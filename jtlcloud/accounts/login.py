"""Logging in: email + PIN, then the second factor where one is set up or required."""

from __future__ import annotations

import enum
import time

from django.contrib.auth import authenticate
from django.contrib.auth import login as django_login
from django.contrib.auth import logout as django_logout
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare
from django_otp import login as otp_login
from django_otp.models import Device

from jtlcloud.accounts import throttle
from jtlcloud.accounts.models import User, normalise_email
from jtlcloud.accounts.registration import resend_verification
from jtlcloud.accounts.second_factor import has_second_factor
from jtlcloud.audit.services import record_event

PENDING_KEY = "jtl_pending_login"
# How long a correct PIN stays good while the person finds their authenticator.
PENDING_SECONDS = 300
# When this session logged in and when it was last seen; the web layer's timeout
# middleware ends the session when either is too long ago. Both start at login, so
# a session first used hours after logging in is already idle.
SESSION_STARTED_KEY = "jtl_started"
SESSION_SEEN_KEY = "jtl_seen"


class LoginOutcome(enum.Enum):
    LOGGED_IN = "logged_in"
    NEEDS_SECOND_FACTOR = "needs_second_factor"
    REFUSED = "refused"
    LOCKED = "locked"
    UNVERIFIED = "unverified"


def attempt_login(request: HttpRequest, email: str, pin: str) -> LoginOutcome:
    """Check email + PIN. Unknown email and wrong PIN are one outcome, by design."""
    email = normalise_email(email)
    if throttle.login_blocked_for(request, email):
        record_event("login.refused_locked", request=request, data={"email": email})
        return LoginOutcome.LOCKED
    user = authenticate(request, username=email, password=pin)
    if not isinstance(user, User):
        known = User.objects.filter(email=email).first()
        record_event("login.failed", request=request, subject=known, data={"email": email})
        if throttle.note_login_failure(request, email):
            record_event("login.locked", request=request, subject=known, data={"email": email})
        return LoginOutcome.REFUSED
    if not user.email_verified:
        resend_verification(request, user)
        record_event("login.unverified", request=request, subject=user)
        return LoginOutcome.UNVERIFIED
    if has_second_factor(user):
        request.session.cycle_key()
        request.session[PENDING_KEY] = {
            "user": user.pk,
            "at": time.time(),
            # Ties the half-done login to this PIN: a change or reset voids it.
            "pin": user.get_session_auth_hash(),
        }
        return LoginOutcome.NEEDS_SECOND_FACTOR
    complete_login(request, user)
    return LoginOutcome.LOGGED_IN


def pending_user(request: HttpRequest) -> User | None:
    """The user whose PIN was right a moment ago and who now owes a second factor."""
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=int(pending.get("user", 0)), is_active=True).first()
    if user is None or not constant_time_compare(
        str(pending.get("pin", "")), user.get_session_auth_hash()
    ):
        return None
    return user


def complete_login(request: HttpRequest, user: User, device: Device | None = None) -> None:
    """Log ``user`` in; ``device`` is the second factor this session just proved."""
    request.session.pop(PENDING_KEY, None)
    # django's login() gives the session a new key, so a planted cookie is worthless.
    django_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    now = time.time()
    request.session[SESSION_STARTED_KEY] = now
    request.session[SESSION_SEEN_KEY] = now
    if device is not None:
        otp_login(request, device)
    record_event("login.succeeded", actor=user, request=request, subject=user)


def log_out(request: HttpRequest) -> None:
    user = request.user if request.user.is_authenticated else None
    if isinstance(user, User):
        record_event("logout", actor=user, request=request, subject=user)
    django_logout(request)
