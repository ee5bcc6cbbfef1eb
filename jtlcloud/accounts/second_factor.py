"""TOTP second factor with single-use recovery codes (django-otp devices).

django-otp remembers the last TOTP time step each device accepted, so a
code cannot be replayed, and backs off after failures; our own throttle
adds a hard per-account limit across TOTP and recovery codes.
"""

from __future__ import annotations

import secrets

import segno
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from jtlcloud.accounts import throttle
from jtlcloud.accounts.models import User
from jtlcloud.audit.services import record_event

RECOVERY_CODE_COUNT = 10


def second_factor_required(user: User) -> bool:
    if user.is_staff or settings.JTL_REQUIRE_SECOND_FACTOR:
        return True
    return user.memberships.filter(organisation__require_second_factor=True).exists()


def session_proved_second_factor(user: object) -> bool:
    """Whether the request's user proved a second factor: django-otp's middleware gives a
    session's user ``is_verified()``, and an API token's user gets one from its token."""
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def has_second_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def start_enrolment(user: User) -> TOTPDevice:
    """A fresh unconfirmed authenticator; it counts only once a code from it is confirmed."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def pending_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()


def qr_code_data_uri(device: TOTPDevice) -> str:
    return str(segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2))


def secret_for_manual_entry(device: TOTPDevice) -> str:
    from base64 import b32encode

    raw = b32encode(device.bin_key).decode()
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def confirm_enrolment(request: HttpRequest, user: User, code: str) -> list[str] | None:
    """Confirm the pending authenticator; the new recovery codes, or None if the code was wrong."""
    device = pending_device(user)
    if device is None or throttle.second_factor_blocked(request, user.pk):
        return None
    if not device.verify_token(code.replace(" ", "")):
        throttle.note_second_factor_failure(request, user.pk)
        record_event("second_factor.enrol_failed", actor=user, request=request, subject=user)
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _replace_recovery_codes(user)
        record_event("second_factor.enrolled", actor=user, request=request, subject=user)
    otp_login(request, device)
    return codes


def regenerate_recovery_codes(request: HttpRequest, user: User) -> list[str]:
    with transaction.atomic():
        codes = _replace_recovery_codes(user)
        record_event(
            "second_factor.recovery_regenerated", actor=user, request=request, subject=user
        )
    return codes


def remove_second_factor(request: HttpRequest, user: User) -> None:
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        record_event("second_factor.removed", actor=user, request=request, subject=user)


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user).count()


def verify_second_factor(request: HttpRequest, user: User, code: str) -> Device | None:
    """The device that accepts this TOTP or recovery code of ``user``, or None.

    The caller logs the user in and then marks the session verified with it.
    """
    if throttle.second_factor_blocked(request, user.pk):
        record_event("second_factor.blocked", request=request, subject=user)
        return None
    code = code.replace(" ", "").replace("-", "").strip()
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if code.isdigit() and device.verify_token(code):
            record_event("second_factor.verified", actor=user, request=request, subject=user)
            return device
    for static in StaticDevice.objects.filter(user=user, confirmed=True):
        if static.verify_token(code.lower()):
            record_event(
                "second_factor.recovery_used",
                actor=user,
                request=request,
                subject=user,
                data={"recovery_codes_left": recovery_codes_left(user)},
            )
            return static
    throttle.note_second_factor_failure(request, user.pk)
    record_event("second_factor.failed", request=request, subject=user)
    return None


def _replace_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes
