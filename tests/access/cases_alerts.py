"""Isolation-matrix cases for the alerts pages of an installation.

Format: see tests/access/matrix.py. ``_setup`` makes a rule on the matrix
installation whose name is a marker that must never appear in a refused answer.
Viewing rules and subscribing need sight of the data (staff may look, but are
never subscribed); making, changing and deleting rules need ``MANAGE_ALERTS``.
"""

from __future__ import annotations

from typing import Any

from jtlcloud.alerts.services import create_rule
from tests.access.matrix import (
    ALERT_MANAGERS,
    DATA_READERS,
    GRANTEES,
    OWNER_ADMIN,
    OWNER_MEMBER,
    Case,
    World,
    only,
)

RULE_NAME = "matrix-secret-rule-name"
SUBSCRIBERS = (OWNER_ADMIN, OWNER_MEMBER, *GRANTEES)


def _setup(world: World) -> None:
    admin = world.people[OWNER_ADMIN]
    assert admin is not None
    world.extra["rule"] = create_rule(
        admin,
        world.installation,
        None,
        name=RULE_NAME,
        kind="threshold",
        channel="matrix_flow",
        comparison="above",
        threshold=80.0,
    )
    world.markers.append(RULE_NAME)


def _rule_kwargs(world: World) -> dict[str, Any]:
    return {"code": world.installation.code, "rule": world.extra["rule"].code}


def _shows_rule(response: Any, role: str, world: World) -> None:
    assert RULE_NAME in response.content.decode(), f"{role} got a page without the rule"


def _rule_data(world: World) -> dict[str, str]:
    return {"name": "Pressure low", "kind": "offline", "offline_minutes": "30"}


CASES = [
    Case(
        name="installation-alerts",
        allowed=only(DATA_READERS, 200),
        setup=_setup,
        check=_shows_rule,
    ),
    Case(name="installation-alert-new", allowed=only(ALERT_MANAGERS, 200), setup=_setup),
    Case(
        name="installation-alert-new",
        method="POST",
        allowed=only(ALERT_MANAGERS, 302),
        setup=_setup,
        data=_rule_data,
    ),
    Case(
        name="installation-alert-edit",
        allowed=only(ALERT_MANAGERS, 200),
        setup=_setup,
        kwargs=_rule_kwargs,
        check=_shows_rule,
    ),
    Case(
        name="installation-alert-edit",
        method="POST",
        allowed=only(ALERT_MANAGERS, 302),
        setup=_setup,
        kwargs=_rule_kwargs,
        data=_rule_data,
    ),
    Case(
        name="installation-alert-delete",
        allowed=only(ALERT_MANAGERS, 200),
        setup=_setup,
        kwargs=_rule_kwargs,
        check=_shows_rule,
    ),
    Case(
        name="installation-alert-delete",
        method="POST",
        allowed=only(ALERT_MANAGERS, 302),
        setup=_setup,
        kwargs=_rule_kwargs,
    ),
    Case(
        name="installation-alert-subscription",
        method="POST",
        allowed=only(SUBSCRIBERS, 302),
        setup=_setup,
        kwargs=_rule_kwargs,
        data=lambda world: {"subscribe": "1"},
    ),
]
