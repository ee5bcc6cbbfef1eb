import pytest

from tests.conftest import log_in

pytestmark = pytest.mark.django_db


def test_the_home_page_answers_anonymously(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"JTL Cloud" in response.content


def test_a_registered_user_can_log_in_and_see_the_account_page(client, owner):
    log_in(client, owner)
    response = client.get("/account")
    assert response.status_code == 200
    assert b"Olivia Owner" in response.content


def test_registration_emails_a_verification_link_over_smtp(client, mailbox):
    response = client.post(
        "/register",
        {
            "name": "Ann",
            "email": "ann@example.com",
            "company": "A Ltd",
            "pin": "river-stone-42",
            "pin_again": "river-stone-42",
        },
    )
    assert response.status_code == 200
    [message] = mailbox.wait_for(1)
    assert "ann@example.com" in message["To"]
    assert mailbox.link(message, "/verify/").startswith("/verify/")
