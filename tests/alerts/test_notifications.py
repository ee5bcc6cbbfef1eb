"""Who is emailed: only subscribers who still have access; and the one-click unsubscribe
(SECURITY.md check 31) that works without logging in and stops further emails."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from jtlcloud.alerts.models import Delivery, DeliveryOutcome, Subscription
from jtlcloud.audit.models import AuditEvent
from jtlcloud.installations.grants import revoke_grant
from jtlcloud.installations.models import Grant
from tests.alerts.conftest import send, threshold_rule
from tests.conftest import CommittingClient, make_user

pytestmark = pytest.mark.django_db


def fire_and_clear(client, key):
    send(client, key, 95)
    send(client, key, 20)


def test_only_subscribed_users_are_emailed(
    client, key, installation, owner, member, technician, viewer, mailbox
):
    threshold_rule(installation, owner, member, viewer)
    fire_and_clear(client, key)
    mailbox.wait_for(4)
    assert sorted(mailbox.recipients) == [
        "member@northwind.example",
        "member@northwind.example",
        "viewer@provider.example",
        "viewer@provider.example",
    ]
    assert not mailbox.to(owner.email) and not mailbox.to(technician.email)


def test_the_creator_of_a_rule_is_not_subscribed_unless_they_ask(
    client, key, installation, owner, mailbox
):
    threshold_rule(installation, owner)
    assert not Subscription.objects.exists()
    send(client, key, 95)
    assert mailbox.wait_for(1, timeout=0.5) == []


def test_a_revoked_grantee_gets_nothing_and_the_log_says_why(
    client, key, installation, owner, technician, mailbox
):
    threshold_rule(installation, owner, technician, owner)
    revoke_grant(owner, Grant.objects.get(grantee_user=technician))
    send(client, key, 95)
    mailbox.wait_for(1)
    mailbox.wait_for(2, timeout=0.5)
    assert mailbox.recipients == [owner.email]
    outcomes = dict(Delivery.objects.values_list("user__email", "outcome"))
    assert outcomes == {
        owner.email: DeliveryOutcome.SENT,
        technician.email: DeliveryOutcome.NO_ACCESS,
    }


def test_a_member_who_left_the_owner_organisation_gets_nothing(
    client, key, installation, owner, member, mailbox
):
    threshold_rule(installation, owner, member)
    member.memberships.all().delete()
    send(client, key, 95)
    assert mailbox.wait_for(1, timeout=0.5) == []
    assert Delivery.objects.get().outcome == DeliveryOutcome.NO_ACCESS


def test_a_disabled_account_gets_nothing(client, key, installation, owner, member, mailbox):
    threshold_rule(installation, owner, member)
    member.is_active = False
    member.save()
    send(client, key, 95)
    assert mailbox.wait_for(1, timeout=0.5) == []


def test_the_email_is_plain_text_with_fixed_headers_and_unsubscribe_headers(
    client, key, installation, owner, member, mailbox
):
    installation.name = "Plant\r\nBcc: evil@example.com"
    installation.save()
    threshold_rule(installation, owner, member, name="Hot\nBcc: evil@example.com")
    send(client, key, 95)
    message = mailbox.wait_for(1)[0]
    assert message.get_content_type() == "text/plain"
    assert message["To"] == "member@northwind.example"  # an address, no name
    assert message["Subject"] == "JTL Cloud alert: a rule started firing"
    assert "Mo Member" not in str(message.items())
    assert mailbox.recipients == ["member@northwind.example"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = mailbox.link(message, "/alerts/unsubscribe/")
    assert message["List-Unsubscribe"].strip() == f"<http://testserver{link}>"
    body = mailbox.body(message)
    assert f"http://testserver/installations/{installation.code}/alerts" in body
    assert "Flow too hot" not in body and "Hot" in body


def test_the_unsubscribe_link_works_without_login_and_stops_further_emails(
    client, key, installation, owner, member, mailbox
):
    rule = threshold_rule(installation, owner, member, owner)
    send(client, key, 95)
    mailbox.wait_for(2)
    link = mailbox.link(mailbox.to(member.email)[0], "/alerts/unsubscribe/")
    mailbox.clear()

    anonymous = CommittingClient(enforce_csrf_checks=True)
    page = anonymous.get(link)
    assert page.status_code == 200
    assert b"Unsubscribe" in page.content and b'method="post"' in page.content
    assert Subscription.objects.filter(user=member, rule=rule).exists()  # GET changes nothing
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content).group(1)
    done = anonymous.post(link, {"csrfmiddlewaretoken": token.decode()})
    assert done.status_code == 200
    assert b"You are unsubscribed" in done.content
    assert not Subscription.objects.filter(user=member, rule=rule).exists()
    assert AuditEvent.objects.filter(kind="alerts.unsubscribed", subject=member).exists()

    send(client, key, 20)  # clears: only the owner is still subscribed
    mailbox.wait_for(1)
    mailbox.wait_for(2, timeout=0.5)
    assert mailbox.recipients == [owner.email]


def test_a_mail_client_unsubscribes_with_one_post_as_rfc_8058_describes(
    client, key, installation, owner, member, mailbox
):
    rule = threshold_rule(installation, owner, member)
    send(client, key, 95)
    message = mailbox.wait_for(1)[0]
    url = message["List-Unsubscribe"].strip().strip("<>").removeprefix("http://testserver")
    mail_client = Client(enforce_csrf_checks=True)  # no cookies, no CSRF token
    response = mail_client.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert not Subscription.objects.filter(user=member, rule=rule).exists()
    # A second click changes nothing and still answers kindly.
    assert mail_client.post(url).status_code == 200


def test_an_unsubscribe_link_only_unsubscribes_its_own_person_and_rule(
    client, key, installation, owner, member, mailbox
):
    first = threshold_rule(installation, owner, member, owner)
    second = threshold_rule(installation, owner, member, name="Second", threshold=90.0)
    send(client, key, 95)
    mailbox.wait_for(3)
    link = mailbox.link(mailbox.to(member.email)[0], "/alerts/unsubscribe/")
    Client().post(link)
    remaining = set(Subscription.objects.values_list("user__email", "rule__name"))
    unsubscribed = first if "Flow too hot" in mailbox.body(mailbox.to(member.email)[0]) else second
    assert (member.email, unsubscribed.name) not in remaining
    assert len(remaining) == 2


@pytest.mark.parametrize("token", ["nonsense", "a" * 300, "e30:1abc:xyz"])
def test_a_forged_or_broken_unsubscribe_token_is_refused(client, token, member):
    assert client.get(f"/alerts/unsubscribe/{token}").status_code == 200  # only a question
    assert client.post(f"/alerts/unsubscribe/{token}").status_code == 404


def test_a_token_signed_for_policy_emails_does_not_unsubscribe_from_alerts(
    client, installation, owner, member
):
    from jtlcloud.privacy.policy import unsubscribe_token

    threshold_rule(installation, owner, member)
    response = client.post(f"/alerts/unsubscribe/{unsubscribe_token(member)}")
    assert response.status_code == 404
    assert Subscription.objects.filter(user=member).exists()


def test_after_erasure_nothing_about_the_person_is_left_in_alerts(
    client, key, installation, owner, mailbox
):
    from jtlcloud.accounts.models import Membership
    from jtlcloud.privacy.erasure import erase_user

    person = make_user("leaver@northwind.example")
    Membership.objects.create(user=person, organisation=installation.owner, role="member")
    threshold_rule(installation, owner, person)
    send(client, key, 95)
    erase_user(None, owner, person)
    assert not Subscription.objects.exists()
    assert not Delivery.objects.exists()
