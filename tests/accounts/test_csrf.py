"""CSRF (check 17) and the page for browsers that block cookies."""

import pytest
from django.conf import settings as django_settings

from tests.accounts.conftest import csrf_token
from tests.conftest import GOOD_PIN, CommittingClient, make_user

pytestmark = pytest.mark.django_db

STATE_CHANGING = [
    ("/account", {"name": "Hacked", "company": "Hacked"}),
    (
        "/account/pin",
        {"current_pin": GOOD_PIN, "pin": "evil-pin-12345", "pin_again": "evil-pin-12345"},
    ),
    ("/account/email", {"new_email": "evil@evil.example", "current_pin": GOOD_PIN}),
    ("/account/two-factor", {"code": "123456"}),
    ("/account/two-factor/recovery", {"current_pin": GOOD_PIN}),
    ("/account/two-factor/remove", {"current_pin": GOOD_PIN}),
    ("/logout", {}),
]


def _logged_in_strict(user):
    browser = CommittingClient(enforce_csrf_checks=True)
    page = browser.get("/login")
    response = browser.post(
        "/login",
        {"email": user.email, "pin": GOOD_PIN, "csrfmiddlewaretoken": csrf_token(page)},
    )
    assert response.status_code == 302
    return browser


def test_login_with_the_token_works(owner):
    _logged_in_strict(owner)


@pytest.mark.parametrize(("path", "data"), STATE_CHANGING)
def test_state_changing_requests_without_a_token_are_refused(owner, mailbox, path, data):
    browser = _logged_in_strict(owner)
    response = browser.post(path, data)
    assert response.status_code == 403
    assert b"This form has expired" in response.content
    owner.refresh_from_db()
    assert owner.name == "Olivia Owner"
    assert owner.check_password(GOOD_PIN)
    assert browser.get("/account").status_code == 200
    assert mailbox.wait_for(1, timeout=0.2) == []


@pytest.mark.parametrize(("path", "data"), STATE_CHANGING[:3])
def test_a_wrong_token_is_refused_too(owner, path, data):
    browser = _logged_in_strict(owner)
    response = browser.post(path, {**data, "csrfmiddlewaretoken": "x" * 64})
    assert response.status_code == 403


def test_a_token_from_another_session_is_refused(owner, outsider):
    victim = _logged_in_strict(owner)
    attacker = _logged_in_strict(outsider)
    token = csrf_token(attacker.get("/account"))
    response = victim.post(
        "/account", {"name": "Hacked", "company": "Hacked", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 403


def test_a_post_from_another_origin_is_refused_even_with_a_token(owner, settings):
    browser = _logged_in_strict(owner)
    token = csrf_token(browser.get("/account"))
    response = browser.post(
        "/account",
        {"name": "Hacked", "company": "Hacked", "csrfmiddlewaretoken": token},
        HTTP_ORIGIN="https://evil.example",
    )
    assert response.status_code == 403
    owner.refresh_from_db()
    assert owner.name == "Olivia Owner"


def test_a_post_with_the_token_and_our_origin_works(owner):
    browser = _logged_in_strict(owner)
    token = csrf_token(browser.get("/account"))
    response = browser.post(
        "/account",
        {"name": "Olivia", "company": "Northwind", "csrfmiddlewaretoken": token},
        HTTP_ORIGIN="http://testserver",
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/register", {"name": "A", "email": "a@example.com", "company": "A"}),
        ("/pin/reset", {"email": "a@example.com"}),
    ],
)
def test_anonymous_forms_need_the_token_too(mailbox, path, data):
    browser = CommittingClient(enforce_csrf_checks=True)
    browser.get(path)
    assert browser.post(path, data).status_code == 403
    assert mailbox.wait_for(1, timeout=0.2) == []


def test_a_browser_that_blocks_cookies_is_told_it_needs_them(owner):
    browser = CommittingClient(enforce_csrf_checks=True)
    page = browser.get("/login")
    token = csrf_token(page)
    browser.cookies.clear()  # the browser did not keep the session cookie
    response = browser.post(
        "/login", {"email": owner.email, "pin": GOOD_PIN, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "JTL Cloud needs cookies" in html
    assert 'href="/cookies"' in html
    assert "_auth_user_id" not in browser.session


def test_the_cookies_page_sets_no_expiring_cookie_and_leaks_nothing(owner):
    browser = CommittingClient(enforce_csrf_checks=True)
    response = browser.post("/login", {"email": owner.email, "pin": GOOD_PIN})
    assert b"JTL Cloud needs cookies" in response.content
    assert b"CSRF" not in response.content and b"Traceback" not in response.content
    for morsel in response.cookies.values():
        assert not morsel["expires"] and not morsel["max-age"]


def test_an_expired_session_with_a_cookie_gets_the_form_expired_page(owner):
    browser = CommittingClient(enforce_csrf_checks=True)
    token = csrf_token(browser.get("/login"))
    browser.cookies[django_settings.SESSION_COOKIE_NAME] = "stale-session-key-123456789"
    response = browser.post(
        "/login", {"email": owner.email, "pin": GOOD_PIN, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 403
    assert b"This form has expired" in response.content


def test_the_second_factor_form_needs_the_token(owner):
    make_user("x@example.com")
    browser = CommittingClient(enforce_csrf_checks=True)
    token = csrf_token(browser.get("/login"))
    browser.post("/login", {"email": owner.email, "pin": GOOD_PIN, "csrfmiddlewaretoken": token})
    assert browser.post("/login/second-factor", {"code": "123456"}).status_code == 403
