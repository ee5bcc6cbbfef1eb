"""The profile at /account: name and company; the email address changes only when verified."""

import pytest

from jtlcloud.accounts.models import User
from tests.conftest import GOOD_PIN, CommittingClient, log_in, make_user

pytestmark = pytest.mark.django_db

NEW_EMAIL = "olivia@newmail.example"


def _ask_change(client, email=NEW_EMAIL, pin=GOOD_PIN):
    return client.post("/account/email", {"new_email": email, "current_pin": pin})


def test_the_account_page_needs_a_login(client):
    assert client.get("/account")["Location"] == "/login?next=/account"


def test_the_account_page_shows_the_details_and_organisations(client, owner):
    log_in(client, owner)
    html = client.get("/account").content.decode()
    assert 'value="Olivia Owner"' in html
    assert owner.email in html
    assert "Northwind Heating" in html and "Admin" in html
    assert 'for="id_name"' in html and 'for="id_company"' in html


def test_name_and_company_can_be_changed(client, owner):
    log_in(client, owner)
    response = client.post("/account", {"name": "Olivia O. Owner", "company": "Northwind Plc"})
    assert response.status_code == 302 and response["Location"] == "/account"
    owner.refresh_from_db()
    assert (owner.name, owner.company) == ("Olivia O. Owner", "Northwind Plc")
    assert b"Your details are saved." in client.get("/account").content


@pytest.mark.parametrize(
    "form",
    [
        {"name": "", "company": "X"},
        {"name": "X", "company": ""},
        {"name": "x" * 151, "company": "X"},
    ],
)
def test_empty_or_too_long_details_are_refused(client, owner, form):
    log_in(client, owner)
    assert client.post("/account", form).status_code == 400
    owner.refresh_from_db()
    assert owner.name == "Olivia Owner"


def test_an_email_change_needs_the_pin(client, owner, mailbox):
    log_in(client, owner)
    response = _ask_change(client, pin="not-the-right-one")
    assert response.status_code == 400
    assert b"That is not your current PIN." in response.content
    assert mailbox.wait_for(1, timeout=0.3) == []


def test_an_email_change_mails_the_new_address_and_tells_the_old(client, owner, mailbox):
    log_in(client, owner)
    response = _ask_change(client)
    assert response.status_code == 302
    messages = mailbox.wait_for(2)
    assert sorted(mailbox.recipients) == sorted([NEW_EMAIL, owner.email])
    [confirm] = mailbox.to(NEW_EMAIL)
    [notice] = mailbox.to(owner.email)
    assert "/account/email/confirm/" in mailbox.body(confirm)
    assert "/account/email/confirm/" not in mailbox.body(notice)
    assert NEW_EMAIL in mailbox.body(notice)
    assert len(messages) == 2
    # Nothing changes until the new address is confirmed.
    assert User.objects.get(pk=owner.pk).email == owner.email


def test_opening_the_link_changes_the_address_and_tells_the_old_one(client, owner, mailbox):
    log_in(client, owner)
    _ask_change(client)
    mailbox.wait_for(2)
    link = mailbox.link(mailbox.to(NEW_EMAIL)[0], "/account/email/confirm/")
    mailbox.clear()
    assert client.get(link).status_code == 200
    assert User.objects.get(pk=owner.pk).email == owner.email
    response = client.post(link)
    assert response.status_code == 302
    assert User.objects.get(pk=owner.pk).email == NEW_EMAIL
    [told] = mailbox.wait_for(1)
    assert mailbox.recipients == [owner.email]
    assert "is now olivia@newmail.example" in mailbox.body(told)
    assert client.post(link).status_code == 400
    fresh = CommittingClient()
    assert fresh.post("/login", {"email": NEW_EMAIL, "pin": GOOD_PIN}).status_code == 302


def test_the_link_works_even_from_a_logged_out_browser(client, owner, mailbox):
    log_in(client, owner)
    _ask_change(client)
    mailbox.wait_for(2)
    link = mailbox.link(mailbox.to(NEW_EMAIL)[0], "/account/email/confirm/")
    response = CommittingClient().post(link)
    assert response.status_code == 302 and response["Location"] == "/login"
    assert User.objects.get(pk=owner.pk).email == NEW_EMAIL


def test_an_address_taken_meanwhile_is_not_stolen(client, owner, mailbox):
    log_in(client, owner)
    _ask_change(client)
    mailbox.wait_for(2)
    link = mailbox.link(mailbox.to(NEW_EMAIL)[0], "/account/email/confirm/")
    make_user(NEW_EMAIL)
    assert client.post(link).status_code == 400
    assert User.objects.get(pk=owner.pk).email == owner.email


def test_asking_for_the_current_address_is_refused(client, owner):
    log_in(client, owner)
    response = _ask_change(client, email=owner.email.upper())
    assert response.status_code == 400
    assert b"already your email address" in response.content


def test_email_change_requests_are_limited_to_stop_mail_bombing(client, owner, mailbox):
    log_in(client, owner)
    for n in range(8):
        _ask_change(client, email="victim@elsewhere.example")
        assert n < 8
    mailbox.wait_for(16, timeout=1)
    assert len(mailbox.to("victim@elsewhere.example")) <= 5


def test_a_pin_change_voids_a_pending_email_change(client, owner, mailbox):
    log_in(client, owner)
    _ask_change(client)
    mailbox.wait_for(2)
    link = mailbox.link(mailbox.to(NEW_EMAIL)[0], "/account/email/confirm/")
    client.post(
        "/account/pin",
        {"current_pin": GOOD_PIN, "pin": "green-lantern-17", "pin_again": "green-lantern-17"},
    )
    assert client.post(link).status_code == 400
