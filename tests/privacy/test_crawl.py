"""Every page as every role (SECURITY.md checks 20, 26, 28; policy 9).

Nothing may load from another origin; links to other sites must go through
the outbound helper; every HTML page carries the CSP and links the policy.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from jtlcloud.privacy.policy import publish_policy
from jtlcloud.privacy.requests import submit_request
from tests.conftest import CommittingClient, log_in
from tests.privacy.conftest import log_in_verified

pytestmark = pytest.mark.django_db

MAX_PAGES = 120
_URL_ATTRIBUTES = {"src", "href", "action", "srcset", "data-source", "poster", "formaction"}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.references: list[tuple[str, str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for name, value in values.items():
            if name in _URL_ATTRIBUTES and value:
                self.references.append((tag, value, values))


def _static_routes() -> list[str]:
    """Every URL pattern without parameters, so unlinked pages are crawled too."""
    routes: list[str] = []

    def walk(patterns: list[URLPattern | URLResolver], prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif "<" not in route and "^" not in route and "(?P" not in route:
                routes.append("/" + route)

    walk(get_resolver().url_patterns, "")
    return [r for r in routes if not r.startswith(("/admin", "/api/"))]


def _is_foreign(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in {"mailto", "tel", "data"}:
        return False
    return bool(parts.netloc) and parts.netloc != "testserver"


def crawl(client: Client, extra: list[str]) -> dict[str, int]:
    seen: dict[str, int] = {}
    queue = deque(_static_routes() + extra)
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen or url.startswith("/static/") or url == "/logout":
            continue
        response = client.get(url)
        seen[url] = response.status_code
        assert response.status_code < 500, url
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        csp = response.get("Content-Security-Policy", "")
        assert "default-src 'self'" in csp, url
        assert "unsafe-inline" not in csp, url
        body = response.content.decode()
        if response.status_code == 200:
            assert 'href="/privacy"' in body, f"{url} does not link the privacy policy"
        page = _Page()
        page.feed(body)
        for tag, value, attrs in page.references:
            if _is_foreign(value):
                assert tag == "a" and "data-outbound" in attrs, (url, tag, value)
                assert {"noopener", "noreferrer"} <= set(attrs.get("rel", "").split()), value
                continue
            target = urljoin("http://testserver" + url, value)
            parts = urlsplit(target)
            if tag == "a" and parts.netloc == "testserver" and parts.path:
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return seen


@pytest.fixture
def world(owner, engineer, officer, support):
    publish_policy(
        None,
        body_markdown="Changed text.",
        effective_date=dt.date(2026, 2, 1),
        change_summary="Changed.",
        notify=False,
    )
    item = submit_request(
        None, kind="erasure", requester=owner, name="O", email=owner.email, details=""
    )
    return {"request": item}


def _extra(world, owner) -> list[str]:
    return [
        "/privacy/v1",
        "/privacy/v2",
        "/privacy/diff?from=1&to=2",
        f"/staff/requests/{world['request'].code}",
        f"/staff/people/{owner.code}",
        "/staff/people?q=o",
    ]


def test_anonymous_visitors_load_nothing_from_other_origins(world, owner):
    seen = crawl(CommittingClient(), _extra(world, owner))
    assert seen["/privacy"] == 200 and seen["/contact/complaint"] == 200


def test_users_load_nothing_from_other_origins(world, owner):
    client = CommittingClient()
    log_in(client, owner)
    seen = crawl(client, _extra(world, owner))
    assert seen["/account/data"] == 200
    assert seen["/staff"] == 404


@pytest.mark.parametrize("role", ["support", "officer"])
def test_staff_load_nothing_from_other_origins(world, owner, role, request):
    client = CommittingClient()
    log_in_verified(client, request.getfixturevalue(role))
    seen = crawl(client, _extra(world, owner))
    assert seen["/staff/analytics"] == 200
    assert seen["/staff/audit"] == 200
    assert seen["/staff/disclosures"] == (200 if role == "officer" else 404)
