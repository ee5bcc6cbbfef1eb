"""Isolation-matrix cases for the installation data pages and the read API.

Format: see tests/access/matrix.py. Every case reads data that ``_setup``
stores for the matrix installation; its channel name and event message are
markers that must never appear in a refused answer.
"""

from __future__ import annotations

import time
from typing import Any

from django.test import Client

from jtlcloud.accounts.api_tokens import create_api_token
from jtlcloud.accounts.models import User
from jtlcloud.telemetry.batch import Batch, EventIn
from jtlcloud.telemetry.store import store_batch
from tests.access.matrix import DATA_READERS, EXPORTERS, Case, World, only

CHANNEL = "matrix_secret_channel"
MESSAGE = "matrix-secret-event-message"


def _setup(world: World) -> None:
    now_ms = int(time.time() * 1000)
    store_batch(
        world.installation,
        Batch(
            readings=[(CHANNEL, now_ms - 60_000 * i, 42.0 + i) for i in range(10)],
            events=[EventIn("m1", now_ms - 1000, "alarm", "MATRIX", MESSAGE, None)],
        ),
    )
    world.markers += [CHANNEL, MESSAGE]


def token_auth(client: Client, user: User, world: World) -> dict[str, str]:
    """A personal API token of ``user`` (the read API takes no sessions)."""
    _token, raw = create_api_token(user, None, "matrix", 1)
    return {"Authorization": f"Bearer {raw}"}


def _shows_data(response: Any, role: str, world: World) -> None:
    body = (
        b"".join(response.streaming_content) if response.streaming else response.content
    ).decode()
    assert CHANNEL in body or MESSAGE in body, f"{role} got an answer without the data"


def _page(name: str, allowed: dict[str, int], query: str = "", check: bool = True) -> Case:
    return Case(
        name=name,
        allowed=allowed,
        query=query,
        setup=_setup,
        check=_shows_data if check else None,
    )


def _api(route: str, allowed: dict[str, int], query: str = "") -> Case:
    return Case(
        route=f"api/v1/installations/<code>{route}",
        allowed=allowed,
        query=query,
        auth=token_auth,
        setup=_setup,
        check=_shows_data,
    )


CASES = [
    _page("installation-dashboard", only(DATA_READERS, 200)),
    _page("installation-chart", only(DATA_READERS, 200)),
    _page("installation-chart-series", only(DATA_READERS, 200), query=f"channel={CHANNEL}"),
    _page("installation-events", only(DATA_READERS, 200)),
    _page("installation-export", only(EXPORTERS, 200), check=False),
    # The CSV itself is a streamed response, which the matrix does not read:
    # these ask with a range that is refused (400) after the access decision,
    # so they still prove who gets past it. tests/telemetry reads the CSVs.
    _page(
        "installation-export",
        only(EXPORTERS, 400),
        query="start=2026-02-01&end=2026-01-01",
        check=False,
    ),
    _api("", only(DATA_READERS, 200)),
    _api("/series", only(DATA_READERS, 200), query=f"channel={CHANNEL}"),
    _api("/events", only(DATA_READERS, 200)),
    Case(
        route="api/v1/installations/<code>/export.csv",
        allowed=only(EXPORTERS, 400),
        query="from=not-a-time",
        auth=token_auth,
        setup=_setup,
    ),
]

EXEMPT = {
    "api-token-revoke": "its code is the API token's own, not an installation's",
}
