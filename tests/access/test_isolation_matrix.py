"""The isolation matrix: every URL that addresses an installation, asked by every kind of person.

The test finds the URLs itself, by walking the project's URL patterns (the
ninja API included), so a new installation URL without cases fails here
with its name. Cases live in ``tests/access/cases_*.py``; their format and
the roles are described in ``tests/access/matrix.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

from tests.access.matrix import ANONYMOUS, ROLES, SUSPENDED_USER, Case, build_world, collect_cases
from tests.conftest import CommittingClient

CASES, EXEMPT = collect_cases()
# Names that address an installation although their kwarg is called otherwise.
ALSO_INSTALLATION_URLS: set[str] = set()


@dataclass(frozen=True)
class Endpoint:
    route: str
    name: str
    kwargs: frozenset[str]
    methods: frozenset[str]  # known for the ninja API; empty means "any"


def _ninja_methods(callback: Any) -> frozenset[str]:
    """The HTTP methods a ninja path serves, read from its PathView (empty for Django views)."""
    for cell in getattr(callback, "__closure__", None) or ():
        operations = getattr(cell.cell_contents, "operations", None)
        if operations is not None:
            return frozenset(m.upper() for op in operations for m in op.methods)
    return frozenset()


def _kwargs_of(pattern: Any) -> set[str]:
    if isinstance(pattern, RoutePattern):
        return set(pattern.converters)
    return set(pattern.regex.groupindex)


def walk(
    patterns: list[Any], prefix: str = "", namespace: str = "", kwargs: frozenset[str] = frozenset()
) -> Iterator[Endpoint]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from walk(
                entry.url_patterns,
                prefix + str(entry.pattern),
                ns,
                kwargs | _kwargs_of(entry.pattern),
            )
        elif isinstance(entry, URLPattern):
            name = entry.name or ""
            if name and namespace:
                name = f"{namespace}:{name}"
            yield Endpoint(
                route=prefix + str(entry.pattern),
                name=name,
                kwargs=kwargs | frozenset(_kwargs_of(entry.pattern)),
                methods=_ninja_methods(entry.callback),
            )


def addresses_installation(endpoint: Endpoint) -> bool:
    if endpoint.name in ALSO_INSTALLATION_URLS:
        return True
    return any(k in {"code", "installation"} or "installation" in k for k in endpoint.kwargs)


def installation_endpoints() -> list[Endpoint]:
    found = [e for e in walk(get_resolver().url_patterns) if addresses_installation(e)]
    return [e for e in found if e.name not in EXEMPT and e.route not in EXEMPT]


def test_the_walk_finds_the_api_and_the_pages() -> None:
    routes = {e.route for e in walk(get_resolver().url_patterns)}
    assert "installations/<str:code>/access" in routes
    assert any(route.startswith("api/v1/") for route in routes)


def missing_cases(endpoints: list[Endpoint], cases: list[Case]) -> list[str]:
    """What lacks a case: "name (route)" for a URL, "METHOD route" for an API method.

    The ninja API lists one pattern per operation on the same route (each with
    its own name), so endpoints are grouped by route.
    """
    groups: dict[str, list[Endpoint]] = {}
    for endpoint in endpoints:
        groups.setdefault(endpoint.route, []).append(endpoint)
    missing = []
    for route, group in groups.items():
        names = {e.name for e in group if e.name}
        matching = [c for c in cases if c.route == route or (c.name and c.name in names)]
        if not matching:
            missing.append(f"{' / '.join(sorted(names)) or '(unnamed)'} ({route})")
            continue
        methods = frozenset().union(*(e.methods for e in group))
        covered = {c.method for c in matching}
        missing += [f"{m} {route}" for m in sorted(methods - covered)]
    return missing


def test_an_api_route_without_a_case_for_each_method_is_named() -> None:
    from ninja import NinjaAPI, Router

    router = Router()

    @router.get("/installations/{code}/series")
    def series(request: Any, code: str) -> dict[str, str]:
        return {}

    @router.post("/installations/{code}/series")
    def add(request: Any, code: str) -> dict[str, str]:
        return {}

    api = NinjaAPI(urls_namespace="matrix-probe")
    api.add_router("", router)
    patterns, _app, namespace = api.urls
    endpoints = [
        e for e in walk(list(patterns), "api/probe/", str(namespace)) if addresses_installation(e)
    ]
    assert endpoints and all(e.methods == {"GET", "POST"} for e in endpoints)
    route = endpoints[0].route
    assert route == "api/probe/installations/<code>/series"
    names = " / ".join(sorted(e.name for e in endpoints))
    assert missing_cases(endpoints, []) == [f"{names} ({route})"]
    only_get = [Case(route=route, allowed={})]
    assert missing_cases(endpoints, only_get) == [f"POST {route}"]
    both = [*only_get, Case(route=route, method="POST", allowed={})]
    assert missing_cases(endpoints, both) == []


def test_every_installation_url_has_a_case() -> None:
    missing = missing_cases(installation_endpoints(), CASES)
    assert not missing, (
        "These URLs address an installation but have no case in tests/access/cases_*.py "
        "(see tests/access/matrix.py for the format):\n  " + "\n  ".join(missing)
    )


def test_every_case_names_a_url_that_exists() -> None:
    endpoints = list(walk(get_resolver().url_patterns))
    names = {e.name for e in endpoints}
    routes = {e.route for e in endpoints}
    unknown = [c.label for c in CASES if c.name not in names and c.route not in routes]
    assert not unknown, f"cases for URLs that do not exist: {unknown}"
    assert all(role in ROLES for c in CASES for role in c.allowed)


def _url(case: Case, world: Any) -> str:
    kwargs = dict(case.kwargs(world)) if case.kwargs else {"code": world.installation.code}
    if case.name:
        url = reverse(case.name, kwargs=kwargs)
    else:
        url = "/" + case.route
        for key, value in kwargs.items():
            url = url.replace(f"<{key}>", str(value))
            for converter in ("str", "uuid", "int", "slug", "path"):
                url = url.replace(f"<{converter}:{key}>", str(value))
    return url + (f"?{case.query}" if case.query else "")


def _ask(case: Case, world: Any, role: str) -> Any:
    client = CommittingClient()
    person = world.people[role]
    headers = case.auth(client, person, world) if person is not None else {}
    body = case.data(world) if case.data else None
    extra: dict[str, Any] = {"headers": headers}
    if case.content_type:
        extra["content_type"] = case.content_type
    return client.generic(case.method, _url(case, world), **_body(body, case), **extra)


def _body(body: Any, case: Case) -> dict[str, Any]:
    if body is None:
        return {}
    if case.content_type:
        return {"data": body}
    from django.test.client import MULTIPART_CONTENT, encode_multipart

    return {
        "data": encode_multipart("BoUnDaRy", body),
        "content_type": MULTIPART_CONTENT.replace("BoUnDaRyStRiNg", "BoUnDaRy"),
    }


def _refused(response: Any, role: str) -> bool:
    if response.status_code == 404:
        return True
    if role in (ANONYMOUS, SUSPENDED_USER):
        location = response.get("Location", "")
        return response.status_code == 401 or (
            response.status_code == 302 and location.startswith(settings.LOGIN_URL)
        )
    return False


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=[c.label for c in CASES])
def test_only_the_allowed_roles_reach_it(case: Case) -> None:
    world = build_world()
    if case.setup:
        case.setup(world)
    problems = []
    for role in ROLES:
        with transaction.atomic():
            response = _ask(case, world, role)
            transaction.set_rollback(True)
        body = response.content.decode(errors="replace")
        if role in case.allowed:
            if response.status_code != case.allowed[role]:
                problems.append(f"{role}: {response.status_code}, expected {case.allowed[role]}")
            elif case.check:
                case.check(response, role, world)
        elif not _refused(response, role):
            problems.append(f"{role}: {response.status_code}, expected 404")
        else:
            leaked = [m for m in world.markers if m and m in body]
            if leaked:
                problems.append(f"{role}: refused, but the body shows {leaked}")
    assert not problems, f"{case.label}:\n  " + "\n  ".join(problems)
