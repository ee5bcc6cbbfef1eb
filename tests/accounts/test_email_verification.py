"""Email verification: the emailed link, once, in time; unverified accounts cannot log in."""

import time

import pytest
from django.conf import settings as django_settings

from jtlcloud.accounts.models import User
from tests.accounts.test_registration import FORM

pytestmark = pytest.mark.django_db


def test_an_unverified_account_cannot_log_in(client, mailbox):
    client.post("/register", FORM)
    mailbox.wait_for(1)
    response = client.post("/login", {"email": FORM["email"], "pin": FORM["pin"]})
    assert response.status_code == 400
    assert b"confirm your email address first" in response.content
    assert "_auth_user_id" not in client.session
    assert client.get("/account")["Location"].startswith("/login")


def test_logging_in_unverified_sends_a_new_link_that_works(client, mailbox):
    client.post("/register", FORM)
    mailbox.wait_for(1)
    client.post("/login", {"email": FORM["email"], "pin": FORM["pin"]})
    messages = mailbox.wait_for(2)
    assert len(messages) == 2
    link = mailbox.link(messages[1], "/verify/")
    assert client.post(link).status_code == 302
    assert User.objects.get(email=FORM["email"]).email_verified


def test_the_verification_page_asks_before_using_the_link(client, mailbox):
    client.post("/register", FORM)
    [message] = mailbox.wait_for(1)
    link = mailbox.link(message, "/verify/")
    page = client.get(link)
    assert page.status_code == 200
    assert b"Confirm my email address" in page.content
    assert not User.objects.get(email=FORM["email"]).email_verified


def test_the_verification_link_works_once(client, mailbox):
    client.post("/register", FORM)
    [message] = mailbox.wait_for(1)
    link = mailbox.link(message, "/verify/")
    first = client.post(link)
    assert first.status_code == 302 and first["Location"] == "/login"
    assert client.get("/login").content.count(b"Your email address is confirmed") == 1
    second = client.post(link)
    assert second.status_code == 400
    assert b"This link does not work any more" in second.content


def test_a_forged_verification_link_is_refused(client, mailbox):
    client.post("/register", FORM)
    mailbox.wait_for(1)
    response = client.post("/verify/eyJ1IjoiZm9yZ2VkIn0:1abcde:forgedsignature")
    assert response.status_code == 400
    assert not User.objects.get(email=FORM["email"]).email_verified


def test_after_verifying_the_person_can_log_in(client, mailbox):
    client.post("/register", FORM)
    [message] = mailbox.wait_for(1)
    client.post(mailbox.link(message, "/verify/"))
    response = client.post("/login", {"email": FORM["email"], "pin": FORM["pin"]})
    assert response.status_code == 302
    assert client.get("/account").status_code == 200


def test_the_verification_link_expires(client, mailbox, monkeypatch):
    import django.core.signing as signing

    client.post("/register", FORM)
    [message] = mailbox.wait_for(1)
    later = time.time() + django_settings.JTL_EMAIL_VERIFY_SECONDS + 1

    class Clock:
        @staticmethod
        def time():
            return later

    monkeypatch.setattr(signing, "time", Clock)
    assert client.post(mailbox.link(message, "/verify/")).status_code == 400
    assert not User.objects.get(email=FORM["email"]).email_verified


def test_new_links_for_an_unverified_account_are_limited(client, mailbox):
    client.post("/register", FORM)
    mailbox.wait_for(1)
    for _ in range(8):
        client.post("/login", {"email": FORM["email"], "pin": FORM["pin"]})
    time.sleep(0.3)
    assert len(mailbox.wait_for(6, timeout=0.5)) == 6


def test_a_verification_link_of_an_earlier_address_does_not_verify_a_new_one(client, mailbox):
    client.post("/register", FORM)
    [message] = mailbox.wait_for(1)
    User.objects.filter(email=FORM["email"]).update(email="other@fitters.example")
    assert client.post(mailbox.link(message, "/verify/")).status_code == 400
    assert not User.objects.get(email="other@fitters.example").email_verified


def test_the_email_says_how_long_the_link_works(client, mailbox):
    client.post("/register", FORM)
    [message] = mailbox.wait_for(1)
    hours = django_settings.JTL_EMAIL_VERIFY_SECONDS // 3600
    assert f"The link works once, for {hours} hours." in mailbox.body(message)
