"""No URL or redirect carries a session id, PIN, OTP or token in its query string (check 25)."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings as django_settings

from tests.accounts.conftest import enrol
from tests.conftest import GOOD_PIN, CommittingClient, log_in

pytestmark = pytest.mark.django_db


class RecordingClient(CommittingClient):
    """Remembers every URL it was sent to and every link and form action it was shown."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.urls: list[str] = []

    def request(self, **request):
        response = super().request(**request)
        if response.has_header("Location"):
            self.urls.append(response["Location"])
        if "html" in response.get("Content-Type", ""):
            html = response.content.decode()
            self.urls += re.findall(r'(?:href|action|src)="([^"]*)"', html)
        return response


def _secrets(client, *values):
    session = client.cookies.get(django_settings.SESSION_COOKIE_NAME)
    return [v for v in (*values, session.value if session else None) if v]


def _check(urls, secrets):
    for url in urls:
        query = urlsplit(url).query
        for name in parse_qs(query):
            assert name.lower() not in {"pin", "code", "otp", "token", "sessionid", "session"}, url
        for secret in secrets:
            assert secret not in query, url


def test_a_whole_account_journey_puts_no_secret_in_a_query_string(mailbox, owner, no_otp_backoff):
    browser = RecordingClient()
    browser.get("/account")
    browser.get("/login?next=/account")
    browser.post("/login?next=/account", {"email": owner.email, "pin": "wrong-pin-1234"})
    browser.post("/login?next=/account", {"email": owner.email, "pin": GOOD_PIN}, follow=True)
    phone = enrol(browser)
    browser.post("/logout", follow=True)
    code = phone.fresh_code()
    browser.post("/login?next=/account", {"email": owner.email, "pin": GOOD_PIN}, follow=True)
    browser.post("/login/second-factor?next=/account", {"code": "000000"}, follow=True)
    done = browser.post("/login/second-factor?next=/account", {"code": code}, follow=True)
    assert done.redirect_chain[-1][0] == "/account"
    browser.post(
        "/account/pin",
        {"current_pin": GOOD_PIN, "pin": "green-lantern-17", "pin_again": "green-lantern-17"},
        follow=True,
    )
    browser.post("/pin/reset", {"email": owner.email}, follow=True)
    _changed, reset = mailbox.wait_for(2)
    link = mailbox.link(reset, "/pin/reset/")
    browser.get(link)
    browser.post(link, {"pin": "amber-harbour-63", "pin_again": "amber-harbour-63"}, follow=True)
    token = link.rsplit("/", 1)[-1]
    assert len(browser.urls) > 20
    _check(
        browser.urls,
        _secrets(browser, GOOD_PIN, "green-lantern-17", code, token, *phone.recovery_codes),
    )


def test_emailed_links_carry_their_token_in_the_path_only(client, mailbox):
    client.post(
        "/register",
        {
            "name": "Ann",
            "email": "ann@fitters.example",
            "company": "F",
            "pin": "river-stone-42",
            "pin_again": "river-stone-42",
        },
    )
    [message] = mailbox.wait_for(1)
    for url in re.findall(r"https?://\S+", mailbox.body(message)):
        assert urlsplit(url).query == ""


def test_forms_that_carry_secrets_post_them(client, owner):
    log_in(client, owner)
    for path in ("/login", "/account/pin", "/account/email", "/account/two-factor", "/pin/reset"):
        browser = client if path.startswith("/account") else CommittingClient()
        html = browser.get(path).content.decode()
        for form in re.findall(r"<form[^>]*>", html):
            assert 'method="post"' in form, (path, form)
