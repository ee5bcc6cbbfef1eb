"""Changing the PIN: the current PIN first, the rules apply, every other session ends."""

import pytest

from jtlcloud.accounts.models import User
from tests.accounts.conftest import enrol, log_in_with_code
from tests.conftest import GOOD_PIN, CommittingClient, log_in

pytestmark = pytest.mark.django_db

NEW_PIN = "green-lantern-17"


def _change(client, current=GOOD_PIN, new=NEW_PIN, again=None):
    return client.post(
        "/account/pin", {"current_pin": current, "pin": new, "pin_again": again or new}
    )


def test_the_pin_change_page_needs_a_login(client):
    response = client.get("/account/pin")
    assert response.status_code == 302 and response["Location"].startswith("/login")


def test_the_pin_change_page_asks_for_the_current_pin_and_the_new_one_twice(client, owner):
    log_in(client, owner)
    html = client.get("/account/pin").content.decode()
    assert 'name="current_pin"' in html and 'autocomplete="current-password"' in html
    assert 'name="pin"' in html and 'name="pin_again"' in html
    assert 'autocomplete="new-password"' in html


def test_the_pin_changes_with_the_current_pin(client, owner, mailbox):
    log_in(client, owner)
    response = _change(client)
    assert response.status_code == 302 and response["Location"] == "/account"
    owner.refresh_from_db()
    assert owner.check_password(NEW_PIN)
    assert owner.pin_changed_at is not None
    assert client.get("/account").status_code == 200
    [message] = mailbox.wait_for(1)
    assert mailbox.recipients == [owner.email]
    assert "PIN of your JTL Cloud account was just changed" in mailbox.body(message)
    assert NEW_PIN not in mailbox.body(message)


def test_a_wrong_current_pin_changes_nothing(client, owner, mailbox):
    log_in(client, owner)
    response = _change(client, current="not-my-pin-at-all")
    assert response.status_code == 400
    assert b"That is not your current PIN." in response.content
    assert User.objects.get(pk=owner.pk).check_password(GOOD_PIN)
    assert mailbox.wait_for(1, timeout=0.3) == []


def test_the_new_pin_must_follow_the_rules(client, owner):
    log_in(client, owner)
    response = _change(client, new="12345678")
    assert response.status_code == 400
    assert b"simple run" in response.content
    response = _change(client, new="olivia-owner-1")
    assert b"your name or email address" in response.content
    response = _change(client, new=GOOD_PIN)
    assert b"must differ from the current one" in response.content
    response = _change(client, again="green-lantern-18")
    assert b"The two PINs differ." in response.content
    assert User.objects.get(pk=owner.pk).check_password(GOOD_PIN)


def test_no_pin_is_sent_back_into_the_page(client, owner):
    log_in(client, owner)
    response = _change(client, again="green-lantern-18")
    assert GOOD_PIN.encode() not in response.content
    assert NEW_PIN.encode() not in response.content


def test_a_pin_change_in_one_browser_logs_out_the_others(client, owner, mailbox):
    log_in(client, owner)
    laptop, phone = CommittingClient(), CommittingClient()
    log_in(laptop, owner)
    log_in(phone, owner)
    assert _change(laptop).status_code == 302
    assert laptop.get("/account").status_code == 200
    for other in (client, phone):
        response = other.get("/account")
        assert response.status_code == 302 and response["Location"].startswith("/login")


def test_a_pin_change_with_a_second_factor_keeps_this_session_proven(client, owner, mailbox):
    log_in(client, owner)
    phone = enrol(client)
    other = CommittingClient()
    log_in_with_code(other, owner.email, phone.fresh_code())
    assert _change(client).status_code == 302
    assert client.get("/account").status_code == 200
    assert other.get("/account").status_code == 302


def test_the_old_pin_stops_working_and_the_new_one_works(client, owner, mailbox):
    log_in(client, owner)
    _change(client)
    fresh = CommittingClient()
    assert fresh.post("/login", {"email": owner.email, "pin": GOOD_PIN}).status_code == 400
    assert fresh.post("/login", {"email": owner.email, "pin": NEW_PIN}).status_code == 302
