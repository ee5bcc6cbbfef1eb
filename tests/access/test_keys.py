"""Installation keys: made by owner admins, shown once, listed by prefix, revocable."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from jtlcloud.accounts.models import User
from jtlcloud.audit.models import AuditEvent
from jtlcloud.installations.keys import installation_for_key
from jtlcloud.installations.models import Installation, InstallationKey
from tests.conftest import log_in

pytestmark = pytest.mark.django_db


def make_key(client: Client, installation: Installation, label: str = "Gateway") -> str:
    response = client.post(f"/installations/{installation.code}/keys", {"label": label})
    assert response.status_code == 201
    found = re.search(rb"jtlk_[A-Za-z0-9]{8}_[A-Za-z0-9_\-]{30,}", response.content)
    assert found
    return found.group(0).decode()


def test_a_new_key_is_shown_once_and_stored_only_as_a_hash(
    client: Client, owner: User, installation: Installation
) -> None:
    log_in(client, owner)
    raw = make_key(client, installation)
    key = InstallationKey.objects.get()
    assert raw not in key.key_hash and key.label == "Gateway" and key.created_by == owner
    page = client.get(f"/installations/{installation.code}/access")
    assert raw.encode() not in page.content
    assert key.prefix.encode() in page.content and b"Gateway" in page.content
    assert b"never" in page.content
    event = AuditEvent.objects.get(kind="installation_key.created")
    assert raw not in str(event.data)


def test_a_key_finds_its_installation_and_its_use_is_shown(
    client: Client, owner: User, installation: Installation
) -> None:
    log_in(client, owner)
    raw = make_key(client, installation)
    assert installation_for_key(raw) == installation
    assert installation_for_key(raw[:-1] + ("x" if raw[-1] != "x" else "y")) is None
    assert installation_for_key("jtlk_short") is None
    assert InstallationKey.objects.get().last_used_at is not None
    assert b"ago" in client.get(f"/installations/{installation.code}/access").content


def test_several_keys_live_side_by_side_and_a_revoked_one_stops_working(
    client: Client, owner: User, installation: Installation
) -> None:
    log_in(client, owner)
    first, second = make_key(client, installation, "one"), make_key(client, installation, "two")
    key = InstallationKey.objects.get(label="one")
    response = client.post(f"/installations/{installation.code}/keys/{key.prefix}/revoke")
    assert response.status_code == 302
    assert installation_for_key(first) is None
    assert installation_for_key(second) == installation
    assert b"revoked" in client.get(f"/installations/{installation.code}/access").content
    assert AuditEvent.objects.filter(kind="installation_key.revoked").count() == 1


def test_a_key_of_another_installation_cannot_be_revoked_through_this_one(
    client: Client, owner: User, installation: Installation, other_installation: Installation
) -> None:
    log_in(client, owner)
    make_key(client, other_installation)
    key = InstallationKey.objects.get()
    url = f"/installations/{installation.code}/keys/{key.prefix}/revoke"
    assert client.post(url).status_code == 404
    key.refresh_from_db()
    assert key.revoked_at is None


def test_members_cannot_make_keys(client: Client, member: User, installation: Installation) -> None:
    log_in(client, member)
    assert (
        client.post(f"/installations/{installation.code}/keys", {"label": "x"}).status_code == 404
    )
    assert not InstallationKey.objects.exists()
