"""Registration at /register: the form, the emailed link, and no account enumeration."""

import re

import pytest

from jtlcloud.accounts.models import User
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Ann Fitter",
    "email": "ann@fitters.example",
    "company": "Fitters Ltd",
    "pin": "river-stone-42",
    "pin_again": "river-stone-42",
}


def _without_csrf(html: bytes) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html.decode())


def test_the_form_asks_for_name_email_company_and_the_pin_twice(client):
    html = client.get("/register").content.decode()
    for field in ("name", "email", "company", "pin", "pin_again"):
        assert f'name="{field}"' in html
        assert f'for="id_{field}"' in html
    assert 'type="password"' in html


def test_the_form_has_no_pre_ticked_boxes(client):
    html = client.get("/register").content.decode()
    assert "checked" not in html


def test_registering_creates_an_unverified_account_and_emails_a_link(client, mailbox):
    response = client.post("/register", FORM)
    assert response.status_code == 200
    assert b"Check your email" in response.content
    user = User.objects.get(email="ann@fitters.example")
    assert user.name == "Ann Fitter" and user.company == "Fitters Ltd"
    assert user.email_verified_at is None
    assert user.password.startswith("argon2$argon2id$")
    assert "river-stone-42" not in user.password
    [message] = mailbox.wait_for(1)
    assert mailbox.recipients == ["ann@fitters.example"]
    assert mailbox.link(message, "/verify/").startswith("/verify/")


def test_the_email_address_is_stored_in_lower_case(client, mailbox):
    client.post("/register", {**FORM, "email": "  Ann@Fitters.EXAMPLE "})
    assert User.objects.filter(email="ann@fitters.example").exists()


def test_an_existing_email_gets_the_same_page_and_its_owner_is_told(client, mailbox):
    fresh = client.post("/register", FORM)
    mailbox.wait_for(1)
    mailbox.clear()
    again_form = {
        **FORM,
        "name": "Mallory",
        "pin": "xxx-other-pin-9",
        "pin_again": "xxx-other-pin-9",
    }
    again = client.post("/register", again_form)
    assert again.status_code == fresh.status_code == 200
    assert _without_csrf(again.content) == _without_csrf(fresh.content)
    [message] = mailbox.wait_for(1)
    assert mailbox.recipients == [FORM["email"]]
    assert "already has one" in mailbox.body(message)
    assert "/verify/" not in mailbox.body(message)
    assert User.objects.filter(email=FORM["email"]).count() == 1
    user = User.objects.get(email=FORM["email"])
    assert user.name == "Ann Fitter"
    assert user.check_password(FORM["pin"])


def test_registering_a_verified_users_address_does_not_touch_the_account(client, mailbox):
    existing = make_user("kim@fitters.example", name="Kim")
    response = client.post("/register", {**FORM, "email": "KIM@fitters.example"})
    assert response.status_code == 200
    existing.refresh_from_db()
    assert existing.name == "Kim"
    [message] = mailbox.wait_for(1)
    assert "Hello Kim" in mailbox.body(message)


def test_mismatched_pins_are_refused_with_a_reason(client, mailbox):
    response = client.post("/register", {**FORM, "pin_again": "river-stone-43"})
    assert response.status_code == 400
    assert b"The two PINs differ." in response.content
    assert not User.objects.exists()
    assert mailbox.wait_for(1, timeout=0.3) == []


@pytest.mark.parametrize("missing", ["name", "email", "company", "pin", "pin_again"])
def test_every_field_is_required(client, missing):
    response = client.post("/register", {**FORM, missing: ""})
    assert response.status_code == 400
    assert b"This field is required." in response.content
    assert not User.objects.exists()


def test_the_pin_is_never_sent_back_into_the_page(client):
    response = client.post("/register", {**FORM, "company": ""})
    assert response.status_code == 400
    assert FORM["pin"].encode() not in response.content
    assert b"Ann Fitter" in response.content


def test_a_logged_in_person_is_sent_home_from_register(client, owner):
    from tests.conftest import log_in

    log_in(client, owner)
    assert client.get("/register")["Location"] == "/"


def test_an_existing_email_costs_the_same_pin_hash_as_a_new_account(client, mailbox, monkeypatch):
    """The reply must not come back faster for an address that has an account."""
    from jtlcloud.accounts.hashers import PinHasher

    calls = []
    original = PinHasher.encode
    monkeypatch.setattr(
        PinHasher, "encode", lambda self, *a, **k: calls.append(1) or original(self, *a, **k)
    )
    client.post("/register", FORM)
    new_account = len(calls)
    calls.clear()
    client.post("/register", FORM)
    assert new_account >= 1
    assert len(calls) == new_account
