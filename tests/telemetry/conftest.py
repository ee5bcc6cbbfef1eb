"""The telemetry test world: an installation of the owner organisation with a key, and helpers."""

from __future__ import annotations

import gzip
import json
import time
from typing import Any

import pytest
from django.test import Client

from jtlcloud.accounts.api_tokens import create_api_token
from jtlcloud.accounts.models import Organisation, User
from jtlcloud.installations.models import Installation, InstallationKey
from jtlcloud.lib.secrets import new_secret


def make_installation(owner: Organisation, name: str = "Boiler house") -> Installation:
    return Installation.objects.create(owner=owner, name=name, time_zone="Europe/London")


def make_key(installation: Installation) -> str:
    secret = new_secret("jtlk")
    InstallationKey.objects.create(
        installation=installation, prefix=secret.prefix, key_hash=secret.hashed, label="test"
    )
    return secret.full


@pytest.fixture
def installation(owner_org: Organisation) -> Installation:
    return make_installation(owner_org)


@pytest.fixture
def key(installation: Installation) -> str:
    return make_key(installation)


@pytest.fixture
def other_installation(service_org: Organisation) -> Installation:
    """An installation of another organisation: the owner's people must not see it."""
    return make_installation(service_org, "Somebody else's plant")


def now_s() -> float:
    return round(time.time(), 3)


def post_ingest(
    client: Client, key: str | None, body: Any, *, path: str = "/api/v1/ingest", **extra: Any
) -> Any:
    headers = {} if key is None else {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    headers.update(extra)
    content_type = headers.pop("content_type", "application/json")
    if isinstance(body, bytes):
        data = body
    elif isinstance(body, str):
        data = body.encode()
    else:
        data = json.dumps(body).encode()
    if headers.pop("gzip", False):
        data = gzip.compress(data)
        headers["HTTP_CONTENT_ENCODING"] = "gzip"
    return client.post(path, data=data, content_type=content_type, **headers)


def token_for(user: User) -> str:
    _token, raw = create_api_token(user, None, "tests", 30)
    return raw


@pytest.fixture
def owner_token(owner: User) -> str:
    return token_for(owner)


@pytest.fixture
def outsider_token(outsider: User) -> str:
    return token_for(outsider)
