"""Login and second-factor throttling, counted in the shared cache by django-ratelimit.

Failures are counted per account (any IP) and per IP (any account). Once a
count reaches its limit every attempt is refused, even with the right PIN,
until the window ends.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage

from jtlcloud.lib.client_ip import client_ip


@dataclass(frozen=True)
class Limit:
    group: str
    value: str
    count: int
    seconds: int


def _usage(request: HttpRequest, limit: Limit, *, increment: bool) -> tuple[int, int]:
    usage = get_usage(
        request,
        group=limit.group,
        key=lambda _group, _request: limit.value,
        rate=(limit.count, limit.seconds),
        increment=increment,
    )
    if usage is None:  # throttling switched off
        return 0, 0
    return int(usage["count"]), max(int(usage["time_left"]), 1)


def _email_key(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def _login_limits(request: HttpRequest, email: str) -> list[Limit]:
    window = settings.JTL_LOGIN_WINDOW_MINUTES * 60
    return [
        Limit("login-account", _email_key(email), settings.JTL_LOGIN_FAILURES_PER_ACCOUNT, window),
        Limit("login-ip", client_ip(request), settings.JTL_LOGIN_FAILURES_PER_IP, window),
    ]


def login_blocked_for(request: HttpRequest, email: str) -> int:
    """Seconds until login may be tried again for this email from this client; 0 if allowed."""
    waits = [
        left
        for limit in _login_limits(request, email)
        for count, left in [_usage(request, limit, increment=False)]
        if count >= limit.count
    ]
    return max(waits, default=0)


def note_login_failure(request: HttpRequest, email: str) -> bool:
    """Count a failure; True when this failure reached a limit (a lockout starts)."""
    reached = False
    for limit in _login_limits(request, email):
        count, _left = _usage(request, limit, increment=True)
        reached = reached or count == limit.count
    return reached


def _otp_limit(user_pk: int) -> Limit:
    window = settings.JTL_LOGIN_WINDOW_MINUTES * 60
    return Limit("second-factor", str(user_pk), settings.JTL_OTP_FAILURES_PER_ACCOUNT, window)


def second_factor_blocked(request: HttpRequest, user_pk: int) -> bool:
    limit = _otp_limit(user_pk)
    count, _left = _usage(request, limit, increment=False)
    return count >= limit.count


def note_second_factor_failure(request: HttpRequest, user_pk: int) -> None:
    _usage(request, _otp_limit(user_pk), increment=True)


def email_sending_blocked(request: HttpRequest, purpose: str, email: str) -> bool:
    """At most five account emails of one kind to one address an hour: no mail bombing."""
    limit = Limit(f"mail-{purpose}", _email_key(email), 5, 3600)
    count, _left = _usage(request, limit, increment=True)
    return count > limit.count
