"""Privacy test helpers: staff sessions with a proven second factor, the analytics buffer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from jtlcloud.accounts.models import User
from jtlcloud.privacy.analytics import recorder
from jtlcloud.privacy.policy import forget_current_policy
from tests.conftest import GOOD_PIN

BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)


@pytest.fixture(autouse=True)
def _clean_analytics(settings: Any) -> Iterator[None]:
    # Tests flush by hand, so a batch never spills from one test into the next.
    settings.JTL_ANALYTICS_BATCH_SIZE = 100000
    settings.JTL_ANALYTICS_FLUSH_SECONDS = 100000
    recorder.discard()
    forget_current_policy()
    yield
    recorder.discard()
    forget_current_policy()


def totp_now(device: TOTPDevice, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset * device.step
    return f"{totp.token():0{device.digits}d}"


def log_in_verified(client: Client, user: User, pin: str = GOOD_PIN) -> None:
    """Log in with PIN and a TOTP code, as staff must."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    response = client.post("/login", {"email": user.email, "pin": pin})
    assert response.status_code == 302, response.content[:300]
    response = client.post("/login/second-factor", {"code": totp_now(device)})
    assert response.status_code == 302, response.content[:500]


@pytest.fixture
def staff_client(support: User) -> Client:
    from tests.conftest import CommittingClient

    client = CommittingClient()
    log_in_verified(client, support)
    return client


@pytest.fixture
def officer_client(officer: User) -> Client:
    from tests.conftest import CommittingClient

    client = CommittingClient()
    log_in_verified(client, officer)
    return client
