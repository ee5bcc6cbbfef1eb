"""Escaping (check 22) and email header injection (check 23)."""

import pytest

from jtlcloud.accounts.models import Membership, MembershipRole, Organisation, User
from tests.conftest import GOOD_PIN, CommittingClient, log_in, make_user

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'


def _assert_escaped(html: str) -> None:
    assert SCRIPT not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or "&lt;img" in html


@pytest.fixture
def hostile(db):
    user = make_user("hostile@evil.example", name=SCRIPT, company=IMG)
    org = Organisation.objects.create(name=f"{SCRIPT} Ltd")
    Membership.objects.create(user=user, organisation=org, role=MembershipRole.ADMIN)
    return user


@pytest.mark.parametrize(
    "path", ["/", "/account", "/account/pin", "/account/email", "/account/two-factor"]
)
def test_a_hostile_name_company_and_organisation_are_escaped_on_every_page(client, hostile, path):
    log_in(client, hostile)
    response = client.get(path)
    assert response.status_code == 200
    _assert_escaped(response.content.decode())


def test_the_account_form_shows_the_hostile_values_escaped_in_its_inputs(client, hostile):
    log_in(client, hostile)
    html = client.get("/account").content.decode()
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in html
    assert 'value="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"' in html


def test_hostile_names_can_be_registered_and_come_back_escaped(client, mailbox):
    response = client.post(
        "/register",
        {
            "name": SCRIPT,
            "email": "ann@fitters.example",
            "company": IMG,
            "pin": "river-stone-42",
            "pin_again": "river-stone-42",
        },
    )
    assert response.status_code == 200
    assert User.objects.get(email="ann@fitters.example").name == SCRIPT
    # A form that fails shows what was typed, escaped.
    again = client.post("/register", {"name": SCRIPT, "company": IMG})
    _assert_escaped(again.content.decode())


def test_emails_are_plain_text_so_a_hostile_name_cannot_run(client, mailbox):
    client.post(
        "/register",
        {
            "name": SCRIPT,
            "email": "ann@fitters.example",
            "company": IMG,
            "pin": "river-stone-42",
            "pin_again": "river-stone-42",
        },
    )
    [message] = mailbox.wait_for(1)
    assert message.get_content_type() == "text/plain"
    assert not any(part.get_content_type() == "text/html" for part in message.walk())
    assert SCRIPT not in str(message["Subject"])


def test_a_hostile_email_change_notice_is_plain_text(client, hostile, mailbox):
    log_in(client, hostile)
    client.post("/account/email", {"new_email": "new@evil.example", "current_pin": GOOD_PIN})
    for message in mailbox.wait_for(2):
        assert message.get_content_type() == "text/plain"


INJECTIONS = [
    "Eve\r\nBcc: victim@target.example",
    "Eve\nBcc: victim@target.example",
    "Eve\rCc: victim@target.example",
    "Eve%0d%0aBcc: victim@target.example",
    "Eve\u2028Bcc: victim@target.example",
]


@pytest.mark.parametrize("name", INJECTIONS)
def test_header_injection_through_the_name_adds_no_recipient_at_registration(client, mailbox, name):
    client.post(
        "/register",
        {
            "name": name,
            "email": "eve@fitters.example",
            "company": name,
            "pin": "river-stone-42",
            "pin_again": "river-stone-42",
        },
    )
    mailbox.wait_for(2, timeout=0.5)
    assert set(mailbox.recipients) <= {"eve@fitters.example"}
    for message in mailbox.messages:
        assert "victim" not in str(message.get("Bcc", "")) + str(message.get("Cc", ""))
        assert message["To"] == "eve@fitters.example"


@pytest.mark.parametrize("name", INJECTIONS)
def test_header_injection_through_the_profile_adds_no_recipient(client, owner, mailbox, name):
    log_in(client, owner)
    client.post("/account", {"name": name, "company": name})
    client.post(
        "/account/pin",
        {"current_pin": GOOD_PIN, "pin": "green-lantern-17", "pin_again": "green-lantern-17"},
    )
    client.post(
        "/account/email", {"new_email": "olivia@new.example", "current_pin": "green-lantern-17"}
    )
    mailbox.wait_for(3, timeout=1)
    assert set(mailbox.recipients) <= {owner.email, "olivia@new.example"}


def test_a_name_stored_with_a_newline_still_cannot_reach_a_header(mailbox):
    """Even if such a name got into the database another way, emails stay addressed right."""
    user = make_user("kim@fitters.example", name="Kim\r\nBcc: victim@target.example")
    CommittingClient().post("/pin/reset", {"email": user.email})
    mailbox.wait_for(1)
    assert mailbox.recipients == ["kim@fitters.example"]


@pytest.mark.parametrize(
    "email",
    [
        "eve@fitters.example\r\nBcc: victim@target.example",
        "eve@fitters.example,victim@target.example",
    ],
)
def test_header_injection_through_the_email_field_is_refused(client, mailbox, email):
    response = client.post(
        "/register",
        {
            "name": "Eve",
            "email": email,
            "company": "E",
            "pin": "river-stone-42",
            "pin_again": "river-stone-42",
        },
    )
    assert response.status_code == 400
    reset = client.post("/pin/reset", {"email": email})
    assert reset.status_code == 400
    assert mailbox.wait_for(1, timeout=0.3) == []
