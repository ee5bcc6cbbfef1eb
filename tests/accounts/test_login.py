"""Login with email + PIN, and throttling per account and per IP (checks 7 and 8)."""

import re

import pytest

from tests.conftest import GOOD_PIN

pytestmark = pytest.mark.django_db

WRONG_PIN = "not-the-right-pin"


def _normalised(html: bytes) -> str:
    """The page without its per-render CSRF token, which differs on every page anyway."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html.decode())


def _cookie_shape(response):
    return sorted(
        (name, tuple(sorted((k, str(v)) for k, v in morsel.items() if v)))
        for name, morsel in response.cookies.items()
    )


def _fail(client, email, *, ip="192.0.2.10", pin=WRONG_PIN):
    return client.post("/login", {"email": email, "pin": pin}, REMOTE_ADDR=ip)


def test_the_login_page_reminds_that_the_pin_is_asked_for_only_here(client):
    html = client.get("/login").content.decode()
    assert "never ask for your PIN" in html
    assert 'autocomplete="current-password"' in html
    assert 'autocomplete="username"' in html


def test_the_right_email_and_pin_log_in(client, owner):
    response = client.post("/login", {"email": owner.email, "pin": GOOD_PIN})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/account").status_code == 200


def test_the_email_is_matched_whatever_its_case(client, owner):
    response = client.post("/login", {"email": "  OWNER@Northwind.Example", "pin": GOOD_PIN})
    assert response.status_code == 302


def test_login_returns_to_the_page_asked_for(client, owner):
    page = client.get("/account")
    assert page.status_code == 302 and page["Location"] == "/login?next=/account"
    response = client.post("/login?next=/account", {"email": owner.email, "pin": GOOD_PIN})
    assert response["Location"] == "/account"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "/\\evil.example"])
def test_login_never_redirects_to_another_site(client, owner, target):
    response = client.post("/login", {"email": owner.email, "pin": GOOD_PIN, "next": target})
    assert response["Location"] == "/"


def test_a_wrong_pin_is_refused_without_echoing_it(client, owner):
    response = _fail(client, owner.email)
    assert response.status_code == 400
    assert b"do not match an account" in response.content
    assert WRONG_PIN.encode() not in response.content
    assert owner.email.encode() in response.content
    assert "_auth_user_id" not in client.session


def test_unknown_email_and_wrong_pin_give_the_same_status_body_and_cookies(client, owner):
    from tests.conftest import CommittingClient

    known, unknown = CommittingClient(), CommittingClient()
    known.get("/login")
    unknown.get("/login")
    wrong_pin = known.post("/login", {"email": owner.email, "pin": WRONG_PIN})
    no_account = unknown.post("/login", {"email": "nobody@northwind.example", "pin": WRONG_PIN})
    assert wrong_pin.status_code == no_account.status_code == 400
    assert _normalised(wrong_pin.content) == _normalised(no_account.content).replace(
        "nobody@northwind.example", owner.email
    )
    assert _cookie_shape(wrong_pin) == _cookie_shape(no_account)
    assert dict(wrong_pin.headers).keys() == dict(no_account.headers).keys()


def test_an_inactive_account_answers_like_an_unknown_one(client, owner):
    owner.is_active = False
    owner.save()
    response = client.post("/login", {"email": owner.email, "pin": GOOD_PIN})
    assert response.status_code == 400
    assert b"do not match an account" in response.content


def test_the_eleventh_attempt_after_ten_failures_is_refused_even_with_the_right_pin(client, owner):
    for attempt in range(10):
        assert _fail(client, owner.email, ip=f"192.0.2.{attempt + 1}").status_code == 400
    response = client.post("/login", {"email": owner.email, "pin": GOOD_PIN})
    assert response.status_code == 429
    assert b"Too many failed attempts" in response.content
    assert b"paused for up to 15 minutes" in response.content
    assert "_auth_user_id" not in client.session


def test_the_lock_holds_from_another_ip_address(client, owner):
    for _ in range(10):
        _fail(client, owner.email, ip="192.0.2.1")
    from tests.conftest import CommittingClient

    elsewhere = CommittingClient()
    response = elsewhere.post(
        "/login", {"email": owner.email, "pin": GOOD_PIN}, REMOTE_ADDR="198.51.100.7"
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in elsewhere.session


def test_nine_failures_do_not_lock_the_account(client, owner):
    for _ in range(9):
        _fail(client, owner.email)
    assert client.post("/login", {"email": owner.email, "pin": GOOD_PIN}).status_code == 302


def test_an_unknown_email_locks_just_like_a_known_one(client, owner):
    for _ in range(10):
        _fail(client, "nobody@northwind.example")
    known = [_fail(client, owner.email) for _ in range(11)][-1]
    unknown = _fail(client, "nobody@northwind.example")
    assert unknown.status_code == known.status_code == 429
    assert _normalised(unknown.content).replace("nobody@northwind.example", owner.email) == (
        _normalised(known.content)
    )


def test_the_lock_ends_when_the_window_ends(client, owner, monkeypatch):
    import django_ratelimit.core as ratelimit_core

    for _ in range(10):
        _fail(client, owner.email)
    assert client.post("/login", {"email": owner.email, "pin": GOOD_PIN}).status_code == 429
    later = ratelimit_core.time.time() + 16 * 60

    class Clock:
        @staticmethod
        def time():
            return later

    monkeypatch.setattr(ratelimit_core, "time", Clock)
    assert client.post("/login", {"email": owner.email, "pin": GOOD_PIN}).status_code == 302


def test_thirty_failures_from_one_ip_across_accounts_block_that_ip(client, owner):
    for n in range(30):
        assert _fail(client, f"guess{n}@northwind.example", ip="203.0.113.9").status_code == 400
    blocked = client.post(
        "/login", {"email": owner.email, "pin": GOOD_PIN}, REMOTE_ADDR="203.0.113.9"
    )
    assert blocked.status_code == 429
    assert "_auth_user_id" not in client.session
    from tests.conftest import CommittingClient

    other_ip = CommittingClient()
    allowed = other_ip.post(
        "/login", {"email": owner.email, "pin": GOOD_PIN}, REMOTE_ADDR="203.0.113.10"
    )
    assert allowed.status_code == 302


def test_a_forwarded_for_header_does_not_escape_the_ip_block(client, owner):
    for n in range(30):
        _fail(client, f"guess{n}@northwind.example", ip="203.0.113.9")
    response = client.post(
        "/login",
        {"email": owner.email, "pin": GOOD_PIN},
        REMOTE_ADDR="203.0.113.9",
        HTTP_X_FORWARDED_FOR="198.51.100.1",
    )
    assert response.status_code == 429


@pytest.mark.parametrize(
    "form",
    [
        {},
        {"email": "owner@northwind.example"},
        {"pin": GOOD_PIN},
        {"email": "not an email", "pin": GOOD_PIN},
        {"email": "owner@northwind.example", "pin": "x" * 500},
    ],
)
def test_incomplete_or_malformed_logins_are_a_400_with_the_form(client, owner, form):
    response = client.post("/login", form)
    assert response.status_code == 400
    assert b'name="email"' in response.content
    assert "_auth_user_id" not in client.session


def test_a_logged_in_person_visiting_login_goes_on(client, owner):
    from tests.conftest import log_in

    log_in(client, owner)
    assert client.get("/login")["Location"] == "/"
