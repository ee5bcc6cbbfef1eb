"""The alerts test world: the owner's installation with a key, a technician and a viewer grantee,
and helpers that send data through the real ingest API."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from jtlcloud.accounts.models import Organisation, User
from jtlcloud.alerts.models import AlertRule
from jtlcloud.alerts.services import create_rule, subscribe_rule
from jtlcloud.installations.access import DATA_USE_TERMS_VERSION
from jtlcloud.installations.models import DataUseAcknowledgement, Grant, GrantRole, Installation
from tests.browser.conftest import browser_page  # noqa: F401 - for test_browser.py
from tests.conftest import make_user
from tests.telemetry.conftest import make_installation, make_key, now_s, post_ingest


@pytest.fixture
def installation(owner_org: Organisation) -> Installation:
    return make_installation(owner_org)


@pytest.fixture
def key(installation: Installation) -> str:
    return make_key(installation)


def grant_to(installation: Installation, user: User, role: str, granted_by: User) -> Grant:
    grant = Grant.objects.create(
        owner=installation.owner,
        installation=installation,
        grantee_user=user,
        grantee_email=user.email,
        role=role,
        granted_by=granted_by,
    )
    DataUseAcknowledgement.objects.get_or_create(
        user=user, owner=installation.owner, version=DATA_USE_TERMS_VERSION
    )
    return grant


@pytest.fixture
def technician(installation: Installation, owner: User) -> User:
    user = make_user("tech@provider.example", name="Tara Technician")
    grant_to(installation, user, GrantRole.TECHNICIAN, owner)
    return user


@pytest.fixture
def viewer(installation: Installation, owner: User) -> User:
    user = make_user("viewer@provider.example", name="Vic Viewer")
    grant_to(installation, user, GrantRole.VIEWER, owner)
    return user


def threshold_rule(
    installation: Installation, actor: User, *subscribers: User, **fields: Any
) -> AlertRule:
    fields = {
        "name": "Flow too hot",
        "kind": "threshold",
        "channel": "flow_temp",
        "comparison": "above",
        "threshold": 80.0,
        **fields,
    }
    rule = create_rule(actor, installation, None, **fields)
    for user in subscribers:
        subscribe_rule(user, rule)
    return rule


def send(
    client: Client,
    key: str,
    *values: float,
    channel: str = "flow_temp",
    ts: float | None = None,
    events: list[dict[str, Any]] | None = None,
) -> Any:
    """Send ``values`` one second apart, the last one now (or at ``ts``)."""
    end = now_s() if ts is None else ts
    readings = [
        {"channel": channel, "ts": round(end - (len(values) - 1 - i), 3), "value": value}
        for i, value in enumerate(values)
    ]
    response = post_ingest(client, key, {"readings": readings, "events": events or []})
    assert response.status_code == 200, response.content
    return response


def event(client_id: str, severity: str, code: str = "E1", message: str = "") -> dict[str, Any]:
    return {"id": client_id, "ts": now_s(), "severity": severity, "code": code, "message": message}
