"""Owners who require a second factor accept only tokens made in a session that proved one."""

from __future__ import annotations

import pytest

from jtlcloud.accounts.api_tokens import create_api_token

pytestmark = pytest.mark.django_db


def _token(user, proved: bool) -> str:
    # django-otp's middleware gives the session's user is_verified(); so does this.
    user.is_verified = lambda: proved
    _token_row, raw = create_api_token(user, None, "script", 30)
    return raw


def _detail(client, installation, raw):
    return client.get(
        f"/api/v1/installations/{installation.code}", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )


def test_a_token_made_without_a_second_factor_reads_nothing_where_the_owner_requires_one(
    client, owner, owner_org, installation
):
    raw = _token(owner, proved=False)
    assert _detail(client, installation, raw).status_code == 200
    owner_org.require_second_factor = True
    owner_org.save()
    response = _detail(client, installation, raw)
    assert response.status_code == 404
    assert installation.name.encode() not in response.content


def test_a_token_made_after_proving_a_second_factor_keeps_reading(
    client, owner, owner_org, installation
):
    owner_org.require_second_factor = True
    owner_org.save()
    raw = _token(owner, proved=True)
    response = _detail(client, installation, raw)
    assert response.status_code == 200
    assert response.json()["name"] == installation.name
