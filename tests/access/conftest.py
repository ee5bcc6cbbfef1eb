"""Fixtures of the access tests: an installation of the owner organisation and ways to share it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from jtlcloud.accounts.models import Organisation, User
from jtlcloud.installations.access import DATA_USE_TERMS_VERSION
from jtlcloud.installations.models import DataUseAcknowledgement, Grant, GrantRole, Installation


@pytest.fixture
def installation(owner_org: Organisation) -> Installation:
    return Installation.objects.create(
        owner=owner_org, name="Boiler House", site_address="1 Test Street", description="notes"
    )


@pytest.fixture
def other_installation(owner_org: Organisation) -> Installation:
    return Installation.objects.create(owner=owner_org, name="Second Site")


def give(
    user: User | None,
    installation: Installation | None,
    *,
    owner: Organisation | None = None,
    role: str = GrantRole.VIEWER,
    org: Organisation | None = None,
    expires_at: datetime | None = None,
    accept_terms: bool = True,
    **fields: Any,
) -> Grant:
    """A grant straight into the database (the web flow has its own tests)."""
    owner = owner or (installation.owner if installation else None)
    assert owner is not None
    grant = Grant.objects.create(
        owner=owner,
        installation=installation,
        grantee_user=user if org is None else None,
        grantee_email=(user.email if user else fields.pop("email", "")) if org is None else "",
        grantee_org=org,
        role=role,
        expires_at=expires_at,
        **fields,
    )
    if accept_terms and user is not None:
        DataUseAcknowledgement.objects.get_or_create(
            user=user, owner=owner, version=DATA_USE_TERMS_VERSION
        )
    return grant


def prove_second_factor(client: Client, user: User) -> None:
    """Mark the logged-in session as having passed a second factor (as the login form does)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def staff_log_in(client: Client, user: User) -> None:
    client.force_login(user)
    prove_second_factor(client, user)
