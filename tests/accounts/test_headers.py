"""Strict headers (checks 20, 21, 26): CSP self-only, nosniff, same-origin referrer, no-store."""

import re

import pytest

from tests.accounts.conftest import enrol
from tests.conftest import log_in

pytestmark = pytest.mark.django_db

PUBLIC = ["/", "/login", "/register", "/pin/reset", "/privacy", "/cookies", "/contact"]
PRIVATE = ["/account", "/account/pin", "/account/email", "/account/two-factor"]


def _directives(response):
    policy = response["Content-Security-Policy"]
    return {
        part.split()[0]: part.split()[1:] for part in (p.strip() for p in policy.split(";")) if part
    }


def _check_strict(response):
    csp = _directives(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    for sources in csp.values():
        assert all(s in ("'self'", "'none'", "data:") for s in sources), csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", PUBLIC)
def test_public_pages_carry_the_strict_headers(client, path):
    response = client.get(path)
    assert response.status_code == 200
    _check_strict(response)


def test_error_pages_carry_the_strict_headers_too(client):
    _check_strict(client.get("/no-such-page"))
    _check_strict(client.post("/verify/bad-token"))
    from tests.conftest import CommittingClient

    _check_strict(CommittingClient(enforce_csrf_checks=True).post("/login", {}))


@pytest.mark.parametrize("path", PRIVATE)
def test_authenticated_pages_are_strict_and_never_stored(client, owner, path):
    log_in(client, owner)
    response = client.get(path)
    assert response.status_code == 200
    _check_strict(response)
    assert "no-store" in response["Cache-Control"]


def test_pages_after_the_second_factor_are_never_stored(client, owner):
    log_in(client, owner)
    codes_page = client.post("/account/two-factor/recovery", {})
    assert codes_page.status_code == 302
    enrol(client)
    for path in ("/", "/account", "/account/two-factor"):
        assert "no-store" in client.get(path)["Cache-Control"]


def test_the_recovery_codes_page_is_never_stored(client, owner):
    log_in(client, owner)
    client.get("/account/two-factor")
    from django_otp.oath import TOTP

    from tests.accounts.conftest import secret_on_page

    key = secret_on_page(client.get("/account/two-factor").content.decode())
    response = client.post("/account/two-factor", {"code": f"{TOTP(key).token():06d}"})
    assert b"recovery-codes" in response.content
    assert "no-store" in response["Cache-Control"]


def test_the_login_form_is_never_stored(client):
    assert "no-store" in client.get("/login")["Cache-Control"]


def test_pages_have_no_inline_script_or_style_and_nothing_from_other_origins(client, owner):
    log_in(client, owner)
    for path in PUBLIC + PRIVATE:
        html = client.get(path).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert " style=" not in html and "<style" not in html, path
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), path
        assert not re.search(r"<[^>]+\son[a-z]+=", html), path
