"""Helpers for the account tests: second-factor enrolment over HTTP, TOTP codes, cookies."""

from __future__ import annotations

import re
import time
from base64 import b32decode
from dataclasses import dataclass
from http.cookies import Morsel
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client
from django_otp.oath import TOTP

from tests.conftest import GOOD_PIN, CommittingClient

STEP = 30


@dataclass
class Authenticator:
    """What a person's phone knows after scanning the QR code: the key, and the codes shown."""

    key: bytes
    recovery_codes: list[str]
    enrolled_step: int

    def code(self, at: float | None = None) -> str:
        totp = TOTP(self.key, step=STEP)
        totp.time = time.time() if at is None else at
        return f"{totp.token():06d}"

    def fresh_code(self) -> str:
        """A code of a time step later than any used so far (django-otp refuses older ones)."""
        step = max(int(time.time()) // STEP, self.enrolled_step + 1)
        self.enrolled_step = step
        return self.code(step * STEP)


def secret_on_page(html: str) -> bytes:
    found = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', html)
    assert found, "the setup page shows no key to type in"
    return b32decode(found.group(1).replace(" ", ""))


def enrol(client: Client) -> Authenticator:
    """Set up an authenticator app through the pages, as a person would."""
    page = client.get("/account/two-factor")
    assert page.status_code == 200, page.content[:300]
    key = secret_on_page(page.content.decode())
    totp = TOTP(key, step=STEP)
    step = totp.t()
    response = client.post("/account/two-factor", {"code": f"{totp.token():06d}"})
    assert response.status_code == 200, response.content[:500]
    codes = re.findall(r"<li><code>([0-9a-f]+)</code></li>", response.content.decode())
    assert len(codes) == 10
    return Authenticator(key=key, recovery_codes=codes, enrolled_step=step)


def log_in_with_code(client: Client, email: str, code: str, pin: str = GOOD_PIN) -> HttpResponse:
    response = client.post("/login", {"email": email, "pin": pin})
    assert response.status_code == 302
    assert response["Location"].startswith("/login/second-factor")
    return client.post("/login/second-factor", {"code": code})


def set_cookies(response: HttpResponse) -> list[Morsel[Any]]:
    return list(response.cookies.values())


def cookie_is_deletion(morsel: Morsel[Any]) -> bool:
    return morsel.value == "" and (
        morsel["max-age"] in (0, "0") or "1970" in str(morsel["expires"])
    )


def csrf_token(response: HttpResponse) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())
    assert found, "the page has no CSRF token"
    return found.group(1)


@pytest.fixture
def strict_client() -> CommittingClient:
    """A browser as it really is: CSRF tokens are checked."""
    return CommittingClient(enforce_csrf_checks=True)


@pytest.fixture
def no_otp_backoff(settings: Any) -> None:
    """Turn off django-otp's own per-device back-off so only our throttle is measured."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
