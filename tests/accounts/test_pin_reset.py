"""PIN reset (check 12): only by an emailed single-use link that expires within an hour."""

import re
import time

import pytest
from django.conf import settings as django_settings

from jtlcloud.accounts.models import User
from tests.conftest import GOOD_PIN, CommittingClient, log_in, make_user

pytestmark = pytest.mark.django_db

NEW_PIN = "amber-harbour-63"


def _without_csrf(html: bytes) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html.decode())


def _reset_link(client, mailbox, email):
    client.post("/pin/reset", {"email": email})
    [message] = mailbox.wait_for(1)
    return mailbox.link(message, "/pin/reset/")


def _set(client, link, pin=NEW_PIN):
    return client.post(link, {"pin": pin, "pin_again": pin})


def test_the_reset_page_answers_the_same_for_known_and_unknown_emails(client, owner, mailbox):
    known = client.post("/pin/reset", {"email": owner.email})
    unknown = CommittingClient().post("/pin/reset", {"email": "nobody@northwind.example"})
    assert known.status_code == unknown.status_code == 200
    assert _without_csrf(known.content) == _without_csrf(unknown.content)
    mailbox.wait_for(1)
    assert mailbox.recipients == [owner.email]


def test_the_email_carries_a_link_and_no_pin(client, owner, mailbox):
    link = _reset_link(client, mailbox, owner.email)
    assert link.startswith("/pin/reset/")
    assert "?" not in link
    body = mailbox.body(mailbox.messages[0])
    assert GOOD_PIN not in body
    assert "within the next hour" in body


def test_the_link_sets_a_new_pin_once(client, owner, mailbox):
    link = _reset_link(client, mailbox, owner.email)
    assert client.get(link).status_code == 200
    response = _set(client, link)
    assert response.status_code == 302 and response["Location"] == "/login"
    owner.refresh_from_db()
    assert owner.check_password(NEW_PIN)
    again = _set(CommittingClient(), link, "another-new-pin-5")
    assert again.status_code == 400
    assert b"This link does not work any more" in again.content
    assert User.objects.get(pk=owner.pk).check_password(NEW_PIN)
    assert CommittingClient().get(link).status_code == 400


def test_an_older_link_dies_when_a_newer_one_is_used(client, owner, mailbox):
    client.post("/pin/reset", {"email": owner.email})
    client.post("/pin/reset", {"email": owner.email})
    first, second = mailbox.wait_for(2)
    _set(client, mailbox.link(second, "/pin/reset/"))
    assert _set(client, mailbox.link(first, "/pin/reset/"), "other-new-pin-77").status_code == 400


def test_the_link_expires_after_an_hour(client, owner, mailbox, monkeypatch):
    import django.core.signing as signing

    link = _reset_link(client, mailbox, owner.email)
    later = time.time() + django_settings.PASSWORD_RESET_TIMEOUT + 1

    class Clock:
        @staticmethod
        def time():
            return later

    monkeypatch.setattr(signing, "time", Clock)
    response = _set(client, link)
    assert response.status_code == 400
    assert User.objects.get(pk=owner.pk).check_password(GOOD_PIN)


def test_the_link_lifetime_is_capped_at_an_hour():
    assert django_settings.PASSWORD_RESET_TIMEOUT <= 3600


def test_the_new_pin_must_follow_the_rules(client, owner, mailbox):
    link = _reset_link(client, mailbox, owner.email)
    response = _set(client, link, "00000000")
    assert response.status_code == 400
    assert b"repeats the same few characters" in response.content
    # A refused attempt leaves the link usable.
    assert _set(client, link).status_code == 302


def test_a_reset_ends_every_session(client, owner, mailbox):
    log_in(client, owner)
    other = CommittingClient()
    link = _reset_link(other, mailbox, owner.email)
    _set(other, link)
    response = client.get("/account")
    assert response.status_code == 302 and response["Location"].startswith("/login")


def test_a_reset_is_announced_by_email(client, owner, mailbox):
    link = _reset_link(client, mailbox, owner.email)
    mailbox.clear()
    _set(client, link)
    [message] = mailbox.wait_for(1)
    assert "was just changed" in mailbox.body(message)


def test_a_reset_link_proves_the_address_of_an_unverified_account(client, mailbox):
    make_user("new@fitters.example", verified=False)
    link = _reset_link(client, mailbox, "new@fitters.example")
    _set(client, link)
    assert User.objects.get(email="new@fitters.example").email_verified


def test_a_deactivated_account_gets_no_link(client, owner, mailbox):
    User.objects.filter(pk=owner.pk).update(is_active=False)
    client.post("/pin/reset", {"email": owner.email})
    assert mailbox.wait_for(1, timeout=0.3) == []


def test_reset_emails_to_one_address_are_limited(client, owner, mailbox):
    for _ in range(8):
        assert client.post("/pin/reset", {"email": owner.email}).status_code == 200
    time.sleep(0.3)
    assert len(mailbox.wait_for(5)) == 5


@pytest.mark.parametrize(
    "token",
    [
        "x",
        "not-a-token",
        "a" * 600,
        "eyJ1IjoiMSJ9:1abcde:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ],
)
def test_a_bad_link_gets_a_plain_400(client, token):
    for response in (client.get(f"/pin/reset/{token}"), client.post(f"/pin/reset/{token}")):
        assert response.status_code == 400
        assert b"This link does not work any more" in response.content


def test_staff_cannot_set_or_see_a_pin(client, officer, owner):
    """No page offers staff a PIN; the admin never shows the hash either."""
    from tests.accounts.conftest import enrol

    log_in(client, officer)
    enrol(client)
    for path in ("/admin/", "/admin/accounts/user/", f"/admin/accounts/user/{owner.pk}/change/"):
        response = client.get(path)
        assert response.status_code in (200, 302, 403, 404)
        assert owner.password.encode() not in response.content
        assert b"argon2" not in response.content
