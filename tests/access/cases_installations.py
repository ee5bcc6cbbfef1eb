"""Isolation-matrix cases for the installation pages (format: see tests/access/matrix.py)."""

from __future__ import annotations

from typing import Any

from tests.access.matrix import (
    GRANTEES,
    OFFICER,
    OWNER_ADMIN,
    SUPPORT,
    Case,
    World,
    only,
)


def _grant(world: World) -> dict[str, Any]:
    return {"code": world.installation.code, "grant": world.spare_grant.code}


def _suspended(world: World) -> dict[str, Any]:
    return {"code": world.installation.code, "grant": world.suspended_grant.code}


def _request(world: World) -> dict[str, Any]:
    return {"code": world.installation.code, "access_request": world.pending_request.code}


def _key(world: World) -> dict[str, Any]:
    return {"code": world.installation.code, "prefix": world.key.prefix}


def _settings(world: World) -> dict[str, str]:
    return {"name": "Renamed", "site_address": "", "time_zone": "UTC", "description": ""}


def _new_grant(world: World) -> dict[str, str]:
    return {
        "grantee_kind": "person",
        "email": "new@provider.example",
        "scope": "one",
        "role": "viewer",
        "expiry": "1w",
        "reference": "matrix",
    }


def _approve(world: World) -> dict[str, str]:
    return {"role": "viewer", "expiry": "1d", "reference": "ok"}


CASES = [
    Case(name="installation-terms", allowed=only(GRANTEES, 200)),
    Case(
        name="installation-terms",
        method="POST",
        data=lambda w: {"accept": "yes"},
        allowed=only(GRANTEES, 302),
    ),
    Case(name="installation-settings", allowed={OWNER_ADMIN: 200}),
    Case(name="installation-settings", method="POST", data=_settings, allowed={OWNER_ADMIN: 302}),
    Case(name="installation-access", allowed={OWNER_ADMIN: 200, SUPPORT: 200, OFFICER: 200}),
    Case(name="installation-access-log", allowed={OWNER_ADMIN: 200, OFFICER: 200}),
    Case(
        name="installation-access-log", query="format=csv", allowed={OWNER_ADMIN: 200, OFFICER: 200}
    ),
    Case(
        name="installation-key-create",
        method="POST",
        data=lambda w: {"label": "x"},
        allowed={OWNER_ADMIN: 201},
    ),
    Case(name="installation-key-revoke", method="POST", kwargs=_key, allowed={OWNER_ADMIN: 302}),
    Case(name="installation-request-code", method="POST", allowed={OWNER_ADMIN: 302}),
    Case(name="installation-grant-new", allowed={OWNER_ADMIN: 200}),
    Case(name="installation-grant-new", method="POST", data=_new_grant, allowed={OWNER_ADMIN: 302}),
    Case(name="installation-grant-revoke", kwargs=_grant, allowed={OWNER_ADMIN: 200}),
    Case(
        name="installation-grant-revoke", method="POST", kwargs=_grant, allowed={OWNER_ADMIN: 302}
    ),
    Case(name="installation-request-approve", kwargs=_request, allowed={OWNER_ADMIN: 200}),
    Case(
        name="installation-request-approve",
        method="POST",
        kwargs=_request,
        data=_approve,
        allowed={OWNER_ADMIN: 302},
    ),
    Case(
        name="installation-request-refuse",
        method="POST",
        kwargs=_request,
        data=lambda w: {"reason": "no"},
        allowed={OWNER_ADMIN: 302},
    ),
    Case(
        name="installation-grant-suspend",
        method="POST",
        kwargs=_grant,
        data=lambda w: {"reason": "misuse"},
        allowed={OFFICER: 302},
    ),
    Case(
        name="installation-grant-reinstate",
        method="POST",
        kwargs=_suspended,
        allowed={OFFICER: 302},
    ),
]
