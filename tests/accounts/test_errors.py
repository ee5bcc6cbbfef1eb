"""Plain error pages (check 24), and no 500 for odd input anywhere in the account forms."""

import pytest
from django.conf import settings as django_settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.conftest import GOOD_PIN, CommittingClient, log_in

pytestmark = pytest.mark.django_db

LEAKS = [
    b"Traceback",
    b"SELECT",
    b"settings.py",
    b"/srv/",
    b"DEBUG",
    b"django.",
    b'File "',
]

ODD = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\r\n",
    "x" * 10_000,
    "😀" * 50,
    "\ud7ff\ue000",
    "‮reversed",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00%0d%0a",
    "${jndi:ldap://x}",
    "{{ settings.SECRET_KEY }}",
    "../../etc/passwd",
    "123456",
    "a@b",
    "@",
    "a@" + "b" * 300 + ".example",
    "ünïcødé@exämple.example",
]

ANONYMOUS_FORMS = {
    "/register": ["name", "email", "company", "pin", "pin_again"],
    "/login": ["email", "pin", "next"],
    "/pin/reset": ["email"],
}
ACCOUNT_FORMS = {
    "/account": ["name", "company"],
    "/account/pin": ["current_pin", "pin", "pin_again"],
    "/account/email": ["new_email", "current_pin"],
    "/account/two-factor": ["code"],
    "/account/two-factor/recovery": ["current_pin"],
    "/account/two-factor/remove": ["current_pin"],
}


def _plain(response):
    assert django_settings.SECRET_KEY.encode() not in response.content
    for leak in LEAKS:
        assert leak not in response.content, leak


def test_an_unknown_page_is_a_plain_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    _plain(response)


def test_a_bad_host_is_a_plain_400(client):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert b"Bad request" in response.content
    _plain(response)


def test_a_failure_inside_shows_a_plain_500(settings):
    settings.ROOT_URLCONF = "tests.accounts.error_urls"
    browser = CommittingClient(raise_request_exception=False)
    response = browser.get("/boom")
    assert response.status_code == 500
    assert b"Something went wrong" in response.content
    _plain(response)


def test_debug_is_off():
    assert django_settings.DEBUG is False


@pytest.mark.parametrize("path", list(ANONYMOUS_FORMS))
@pytest.mark.parametrize("value", ODD)
def test_odd_input_to_anonymous_forms_is_never_a_500(client, mailbox, owner, path, value):
    browser = CommittingClient(raise_request_exception=False)
    data = dict.fromkeys(ANONYMOUS_FORMS[path], value)
    response = browser.post(path, data)
    assert response.status_code < 500
    _plain(response)


@pytest.mark.parametrize("path", list(ACCOUNT_FORMS))
@pytest.mark.parametrize("value", ODD[:12])
def test_odd_input_to_account_forms_is_never_a_500(mailbox, owner, path, value):
    browser = CommittingClient(raise_request_exception=False)
    log_in(browser, owner)
    browser.get("/account/two-factor")
    data = dict.fromkeys(ACCOUNT_FORMS[path], value)
    response = browser.post(path, data)
    assert response.status_code < 500
    _plain(response)


@pytest.mark.parametrize(
    "query",
    [
        "?next=%00",
        "?next=%0d%0aLocation:%20http://evil",
        "?next=" + "a" * 5000,
        "?expired=%ff",
        "?a=1&a=2",
    ],
)
def test_odd_query_strings_are_never_a_500(owner, query):
    browser = CommittingClient(raise_request_exception=False)
    assert browser.get("/login" + query).status_code < 500
    response = browser.post("/login" + query, {"email": owner.email, "pin": GOOD_PIN})
    assert response.status_code < 500
    assert "\n" not in response.get("Location", "")
    assert browser.get("/login" + query).status_code < 500


@pytest.mark.parametrize(
    "path",
    [
        "/verify/%00",
        "/verify/" + "A" * 5000,
        "/verify/.:.:.",
        "/pin/reset/%FF%FE",
        "/pin/reset/" + "x:" * 500,
        "/account/email/confirm/%00",
    ],
)
def test_odd_tokens_are_never_a_500(client, owner, path):
    browser = CommittingClient(raise_request_exception=False)
    for response in (browser.get(path), browser.post(path)):
        assert response.status_code < 500
        _plain(response)


def test_form_fields_sent_twice_or_as_files_are_never_a_500(owner):
    browser = CommittingClient(raise_request_exception=False)
    response = browser.post(
        "/login", {"email": [owner.email, "x@y.example"], "pin": [GOOD_PIN, "a"]}
    )
    assert response.status_code < 500
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("pin.txt", b"blue-kettle-sings")
    response = browser.post("/login", {"email": owner.email, "pin": upload})
    assert response.status_code < 500


def test_a_json_body_where_a_form_is_expected_is_never_a_500(owner):
    browser = CommittingClient(raise_request_exception=False)
    response = browser.post("/login", data=b'{"email": 1}', content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize("method", ["put", "patch", "delete", "options"])
def test_other_methods_get_405(client, method):
    for path in ("/login", "/register", "/logout", "/pin/reset"):
        assert getattr(client, method)(path).status_code == 405, path


def test_a_mail_server_that_is_down_does_not_break_registration(settings, mailbox):
    from tests.mail import _free_port

    settings.EMAIL_PORT = _free_port()  # nothing listens there
    browser = CommittingClient(raise_request_exception=False)
    response = browser.post(
        "/register",
        {
            "name": "Ann",
            "email": "ann@fitters.example",
            "company": "Fitters",
            "pin": "river-stone-42",
            "pin_again": "river-stone-42",
        },
    )
    assert response.status_code == 200
    assert b"Check your email" in response.content


@given(
    fields=st.dictionaries(
        st.sampled_from(["email", "pin", "next", "name", "company", "pin_again", "code"]),
        st.text(max_size=300),
        max_size=6,
    ),
    path=st.sampled_from(["/login", "/register", "/pin/reset", "/login/second-factor"]),
)
@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_random_form_input_is_never_a_500(db, mailbox, fields, path):
    browser = CommittingClient(raise_request_exception=False)
    response = browser.post(path, fields)
    assert response.status_code < 500
    _plain(response)
