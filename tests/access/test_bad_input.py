"""Bad input to the installation pages gets a 4xx or a form error, never a 500."""

from __future__ import annotations

import pytest
from django.test import Client

from jtlcloud.accounts.models import Organisation, User
from jtlcloud.installations.models import Installation
from tests.conftest import log_in

pytestmark = pytest.mark.django_db

BAD = ["not-a-uuid", "00000000-0000-0000-0000-000000000000", "%00", "x" * 300, "'; DROP TABLE x"]


def test_odd_identifiers_in_urls_answer_404(
    client: Client, owner: User, installation: Installation
) -> None:
    client.raise_request_exception = False
    log_in(client, owner)
    code = installation.code
    for bad in BAD:
        for url in (
            f"/installations/{bad}/access",
            f"/installations/{bad}/terms",
            f"/installations/{code}/grants/{bad}/revoke",
            f"/installations/{code}/requests/{bad}/approve",
        ):
            assert client.get(url).status_code == 404, url
        for url in (
            f"/installations/{code}/keys/{bad}/revoke",
            f"/installations/{code}/requests/{bad}/refuse",
            f"/installations/{code}/grants/{bad}/suspend",
        ):
            assert client.post(url, {"reason": "x"}).status_code == 404, url


def test_odd_form_and_query_values_are_refused_politely(
    client: Client, owner: User, owner_org: Organisation, installation: Installation
) -> None:
    client.raise_request_exception = False
    log_in(client, owner)
    code = installation.code
    log = f"/installations/{code}/access/log"
    for query in ({"page": "-1"}, {"page": "9999"}, {"until": "2026-13-45"}, {"person": "\x00"}):
        assert client.get(log, query).status_code == 200
    grant = f"/installations/{code}/grants/new"
    for values in (
        {"grantee_kind": "organisation", "organisation": "not-a-uuid"},
        {"grantee_kind": "nonsense"},
        {"expiry": "custom", "expires_at": "yesterday"},
        {"scope": "everything"},
    ):
        assert client.post(grant, values).status_code == 400
    assert client.post("/installations/new", {"owner": "zzz", "name": "x"}).status_code == 400
    response = client.post(
        "/installations/request-access", {"request_code": "\x00" * 30, "message": "m" * 5000}
    )
    assert response.status_code == 400
    for values in (
        {"request_code": "\x00" * 10, "message": "hi"},
        {"request_code": "ABCD-EFGH-JK", "message": "nul \x00 inside"},
    ):
        assert client.post("/installations/request-access", values).status_code == 400
    edit = f"/installations/{code}/settings"
    data = {"name": "ok", "time_zone": "UTC", "description": "a\x00b", "site_address": ""}
    assert client.post(edit, data).status_code == 400
    data = {"name": "ok", "time_zone": "UTC", "description": "two\nlines", "site_address": ""}
    assert client.post(edit, data).status_code == 302
    assert client.post(f"/organisations/{installation.code}/second-factor").status_code == 404
    assert client.get(f"/installations/{code}/request-code").status_code == 405


def test_the_staff_directory_search_takes_any_text(
    support: User, installation: Installation
) -> None:
    from tests.access.conftest import staff_log_in

    client = Client(raise_request_exception=False)
    staff_log_in(client, support)
    for query in ("Boiler", "\x00", "%_%", "x" * 500):
        assert client.get("/staff/installations", {"q": query}).status_code == 200
