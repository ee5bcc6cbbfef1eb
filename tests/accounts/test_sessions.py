"""Sessions and cookies (SECURITY.md checks 1-6): session cookies only, server-side timeouts."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from tests.accounts.conftest import cookie_is_deletion, set_cookies
from tests.conftest import GOOD_PIN, CommittingClient, log_in

pytestmark = pytest.mark.django_db


class Clock:
    """A clock the session middleware reads instead of the real one."""

    def __init__(self) -> None:
        self.now = time.time()

    def time(self) -> float:
        return self.now

    def advance(self, *, minutes: float = 0, hours: float = 0) -> None:
        self.now += minutes * 60 + hours * 3600


@pytest.fixture
def clock(monkeypatch):
    import jtlcloud.accounts.login as login_module
    import jtlcloud.web.middleware as middleware

    fake = Clock()
    monkeypatch.setattr(middleware, "time", fake)
    monkeypatch.setattr(login_module, "time", fake)
    return fake


def _responses_of_every_kind(client, owner):
    """Anonymous pages, forms with and without errors, errors, login, account pages, logout."""
    yield client.get("/")
    yield client.get("/login")
    yield client.get("/register")
    yield client.post("/register", {"name": "x"})
    yield client.get("/pin/reset")
    yield client.post("/pin/reset", {"email": "nobody@example.com"})
    yield client.get("/no-such-page")
    yield client.get("/verify/not-a-token")
    yield client.post("/verify/not-a-token")
    yield client.post("/login", {"email": owner.email, "pin": "wrong-pin-again"})
    yield client.post("/login", {"email": owner.email, "pin": GOOD_PIN})
    yield client.get("/account")
    yield client.post("/account", {"name": "Olivia", "company": "Northwind"})
    yield client.get("/account/pin")
    yield client.post("/account/pin", {"current_pin": "bad"})
    yield client.get("/account/two-factor")
    yield client.get("/cookies")
    yield client.post("/logout")
    yield client.get("/login")
    yield CommittingClient(enforce_csrf_checks=True).post("/login", {"email": "a@b.example"})


def test_no_cookie_ever_carries_expires_or_max_age(client, owner, mailbox):
    seen = 0
    for response in _responses_of_every_kind(client, owner):
        for morsel in set_cookies(response):
            seen += 1
            if cookie_is_deletion(morsel):
                continue
            assert not morsel["expires"], morsel.OutputString()
            assert not morsel["max-age"], morsel.OutputString()
    assert seen >= 2


def test_the_only_cookie_is_the_session_cookie_and_it_is_httponly_and_lax(client, owner):
    names = set()
    for response in _responses_of_every_kind(client, owner):
        for name, morsel in response.cookies.items():
            names.add(name)
            if not cookie_is_deletion(morsel):
                assert morsel["httponly"] is True
                assert morsel["samesite"] == "Lax"
                assert morsel["path"] == "/"
    assert names == {django_settings.SESSION_COOKIE_NAME}


def test_a_first_visit_to_the_home_page_sets_no_cookie(client):
    assert set_cookies(client.get("/")) == []


def test_production_settings_harden_the_session_cookie():
    env = {
        **os.environ,
        "JTL_ENV": "production",
        "JTL_SECRET_KEY": "s" * 60,
        "JTL_ALLOWED_HOSTS": "cloud.example",
        "REDIS_URL": "redis://127.0.0.1:6379/5",
        "JTL_EMAIL_HOST": "smtp.example",
        "DJANGO_SETTINGS_MODULE": "jtlcloud.settings",
    }
    env.pop("DATABASE_URL", None)
    code = (
        "import json; from django.conf import settings as s; print(json.dumps(["
        "s.SESSION_COOKIE_NAME, s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,"
        "s.SESSION_COOKIE_SAMESITE, s.SESSION_EXPIRE_AT_BROWSER_CLOSE, s.CSRF_USE_SESSIONS,"
        "s.JTL_SESSION_IDLE_MINUTES, s.JTL_SESSION_MAX_HOURS, s.JTL_REQUIRE_SECOND_FACTOR]))"
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    ).stdout
    name, secure, httponly, samesite, at_close, csrf_in_session, idle, absolute, second = (
        json.loads(out.strip().splitlines()[-1])
    )
    assert name.startswith("__Host-")
    assert secure and httponly and samesite == "Lax"
    assert at_close and csrf_in_session
    assert idle <= 60 and absolute <= 12
    assert second is True


def test_the_session_key_changes_at_login_and_the_old_one_stays_anonymous(client, owner):
    client.get("/login")
    before = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    log_in(client, owner)
    after = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    assert before != after
    planted = CommittingClient()
    planted.cookies[django_settings.SESSION_COOKIE_NAME] = before
    response = planted.get("/account")
    assert response.status_code == 302 and response["Location"].startswith("/login")


def test_after_logout_the_old_cookie_gets_the_login_page(client, owner):
    log_in(client, owner)
    old = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    response = client.post("/logout")
    assert response.status_code == 302 and response["Location"] == "/login"
    replay = CommittingClient()
    replay.cookies[django_settings.SESSION_COOKIE_NAME] = old
    response = replay.get("/account", follow=True)
    assert response.redirect_chain[-1][0].startswith("/login")
    assert b"<h1>Log in</h1>" in response.content


def test_logout_says_so(client, owner):
    log_in(client, owner)
    page = client.post("/logout", follow=True)
    assert b"You are logged out." in page.content


def test_get_logout_does_not_log_out(client, owner):
    log_in(client, owner)
    response = client.get("/logout")
    assert response.status_code == 200
    assert b'<form method="post" action="/logout">' in response.content
    assert client.get("/account").status_code == 200
    assert CommittingClient().get("/logout")["Location"] == "/login"


def test_the_logout_button_is_a_form_that_posts(client, owner):
    log_in(client, owner)
    html = client.get("/account").content.decode()
    assert '<form method="post" action="/logout"' in html
    assert 'href="/logout"' not in html


def test_an_idle_session_is_sent_to_login_with_a_notice(client, owner, clock):
    log_in(client, owner)
    assert client.get("/account").status_code == 200
    clock.advance(minutes=django_settings.JTL_SESSION_IDLE_MINUTES + 1)
    response = client.get("/account")
    assert response.status_code == 302 and response["Location"].startswith("/login")
    page = client.get(response["Location"])
    assert b"Your session ended" in page.content
    assert client.get("/account").status_code == 302


def test_activity_keeps_a_session_alive_past_the_idle_limit(client, owner, clock):
    log_in(client, owner)
    for _ in range(6):
        clock.advance(minutes=50)
        assert client.get("/account").status_code == 200


def test_a_busy_session_still_ends_at_the_absolute_limit(client, owner, clock):
    log_in(client, owner)
    client.get("/account")
    for _ in range(14):  # 14 x 50 minutes = 11 h 40 min
        clock.advance(minutes=50)
        assert client.get("/account").status_code == 200
    clock.advance(minutes=25)  # 12 h 5 min after login
    response = client.get("/account")
    assert response.status_code == 302 and response["Location"].startswith("/login")


def test_the_absolute_limit_counts_from_login_not_from_the_next_page(client, owner, clock):
    log_in(client, owner)
    clock.advance(minutes=40)
    client.get("/account")  # the first page after login comes late
    for _ in range(13):  # 40 min + 13 x 50 min = 11 h 30 min
        clock.advance(minutes=50)
        assert client.get("/account").status_code == 200
    clock.advance(minutes=35)  # 12 h 5 min after login
    assert client.get("/account").status_code == 302


def test_a_session_ended_on_the_server_is_gone_from_the_database(client, owner, clock):
    from django.contrib.sessions.models import Session

    log_in(client, owner)
    key = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    clock.advance(hours=2)
    client.get("/account")
    assert not Session.objects.filter(session_key=key).exists()


def test_session_settings_are_within_the_limits():
    assert django_settings.JTL_SESSION_IDLE_MINUTES <= 60
    assert django_settings.JTL_SESSION_MAX_HOURS <= 12
    assert django_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert django_settings.CSRF_USE_SESSIONS is True


def test_the_session_key_changes_at_each_login_step_with_a_second_factor(client, owner):
    from tests.accounts.conftest import enrol

    log_in(client, owner)
    phone = enrol(client)
    browser = CommittingClient()
    browser.get("/login")
    name = django_settings.SESSION_COOKIE_NAME
    anonymous = browser.cookies[name].value
    browser.post("/login", {"email": owner.email, "pin": GOOD_PIN})
    half_way = browser.cookies[name].value
    browser.post("/login/second-factor", {"code": phone.fresh_code()})
    logged_in = browser.cookies[name].value
    assert len({anonymous, half_way, logged_in}) == 3
    assert browser.get("/account").status_code == 200
    for old in (anonymous, half_way):
        planted = CommittingClient()
        planted.cookies[name] = old
        assert planted.get("/account").status_code == 302
