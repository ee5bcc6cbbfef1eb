"""Policy versions (policy 8; SECURITY.md checks 28, 29, 31)."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.core.management import call_command

from jtlcloud.privacy.models import PolicyVersion, PrivacyPreference
from jtlcloud.privacy.policy import publish_policy
from tests.conftest import log_in

pytestmark = pytest.mark.django_db


def _publish(summary: str = "We now explain visit analytics in detail.", **kw) -> PolicyVersion:
    return publish_policy(
        None,
        body_markdown=kw.pop("body", "We are committed to privacy.\n\n## (2) New section\n\nText."),
        effective_date=kw.pop("effective_date", dt.date(2026, 6, 1)),
        change_summary=summary,
    )


def test_the_sample_policy_is_version_1_and_public_with_version_date_and_summary(client):
    response = client.get("/privacy")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Version 1" in body
    assert "1 January 2026" in body
    assert "First published version." in body
    assert "(11) Contact" in body


def test_every_version_keeps_a_stable_url_and_the_history_lists_them(client):
    _publish()
    assert "Version 2" in client.get("/privacy").content.decode()
    old = client.get("/privacy/v1")
    assert old.status_code == 200
    assert "SEQ Legal template" in old.content.decode()
    history = client.get("/privacy/history").content.decode()
    assert 'href="/privacy/v1"' in history
    assert 'href="/privacy/v2"' in history
    assert client.get("/privacy/v99").status_code == 404


def test_a_version_that_is_not_yet_effective_is_not_current(client):
    _publish(effective_date=dt.datetime.now(tz=dt.UTC).date() + dt.timedelta(days=30))
    assert "Version 1" in client.get("/privacy").content.decode()
    assert client.get("/privacy/v2").status_code == 200


def test_the_diff_shows_added_and_removed_paragraphs(client):
    _publish()
    response = client.get("/privacy/diff?from=1&to=2")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<ins class="diff-line diff-added"' in body
    assert "New section" in body
    assert '<del class="diff-line diff-removed"' in body


@pytest.mark.parametrize("query", ["", "?from=1", "?from=a&to=b", "?from=1&to=77"])
def test_a_bad_diff_request_is_a_4xx_not_a_500(client, query):
    assert client.get("/privacy/diff" + query).status_code in {400, 404}


def test_markdown_from_an_officer_cannot_put_a_script_on_the_page(client):
    _publish(body="Hello <script>alert(1)</script> [x](javascript:alert(2))")
    body = client.get("/privacy").content.decode()
    assert "<script>alert(1)" not in body
    assert "javascript:alert" not in body


def test_an_officer_publishes_a_version_and_support_and_users_cannot(
    client, owner, staff_client, officer_client
):
    data = {
        "body_markdown": "New text.",
        "effective_date": "2026-03-01",
        "change_summary": "Shorter.",
    }
    assert staff_client.post("/staff/policy", data).status_code == 404
    log_in(client, owner)
    assert client.post("/staff/policy", data).status_code == 404
    assert PolicyVersion.objects.count() == 1
    response = officer_client.post("/staff/policy", data)
    assert response.status_code == 302
    assert PolicyVersion.objects.get(number=2).change_summary == "Shorter."


def test_after_a_change_logged_in_users_see_a_notice_on_every_page_until_they_dismiss_it(
    client, owner
):
    log_in(client, owner)
    assert "policy-notice" not in client.get("/").content.decode()
    _publish(summary="Analytics explained.")
    for url in ["/", "/account", "/contact"]:
        body = client.get(url).content.decode()
        assert "Our privacy policy has changed" in body, url
        assert "Analytics explained." in body
    response = client.post("/privacy/notice/dismiss", {"number": 2, "next": "/contact"})
    assert response.status_code == 302
    assert response["Location"] == "/contact"
    assert "policy-notice" not in client.get("/").content.decode()
    assert PrivacyPreference.objects.get(user=owner).policy_seen_number == 2


def test_the_dismissal_is_stored_on_the_server_so_another_browser_sees_no_notice(owner):
    from tests.conftest import CommittingClient

    _publish()
    first, second = CommittingClient(), CommittingClient()
    log_in(first, owner)
    first.post("/privacy/notice/dismiss", {"number": 2})
    log_in(second, owner)
    assert "policy-notice" not in second.get("/").content.decode()


def test_the_notice_does_not_redirect_off_site(client, owner):
    _publish()
    log_in(client, owner)
    response = client.post(
        "/privacy/notice/dismiss", {"number": 2, "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_anonymous_visitors_and_people_who_joined_after_the_change_see_no_notice(client):
    _publish()
    assert "policy-notice" not in client.get("/").content.decode()
    from tests.conftest import make_user

    newcomer = make_user("new@example.com")
    log_in(client, newcomer)
    assert "policy-notice" not in client.get("/").content.decode()


def test_only_users_who_opted_in_get_a_neutral_email_with_a_working_unsubscribe(
    client, owner, member, mailbox
):
    log_in(client, owner)
    client.post("/account/privacy", {"policy_emails": "on"})
    assert PrivacyPreference.objects.get(user=owner).policy_emails
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        _publish(summary="Clearer wording.")
    [message] = mailbox.wait_for(1)
    assert owner.email in message["To"]
    body = mailbox.body(message)
    assert "Clearer wording." in body
    assert "List-Unsubscribe" in message
    link = mailbox.link(message, "/privacy/emails/unsubscribe/")
    assert client.get(link).status_code == 200
    response = client.post(link)
    assert response.status_code == 200
    assert not PrivacyPreference.objects.get(user=owner).policy_emails
    mailbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        _publish(summary="Again.")
    time.sleep(0.5)
    assert mailbox.messages == []


def test_a_forged_unsubscribe_link_does_nothing(client):
    assert client.post("/privacy/emails/unsubscribe/not-a-token").status_code == 404


def test_operators_load_their_own_policy_with_a_command(tmp_path, client):
    text = tmp_path / "policy.md"
    text.write_text("Our own policy.\n\n## Contact\n\nWrite to us.", encoding="utf-8")
    call_command("load_policy", str(text), "--effective", "2026-02-01", "--summary", "Ours.")
    body = client.get("/privacy").content.decode()
    assert "Our own policy." in body
    assert "Version 2" in body


def test_the_load_policy_command_refuses_a_bad_date(tmp_path):
    from django.core.management.base import CommandError

    text = tmp_path / "policy.md"
    text.write_text("x", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("load_policy", str(text), "--effective", "soon", "--summary", "x")


def test_an_operator_can_publish_through_the_admin_as_a_new_version(officer):
    from jtlcloud.audit.models import AuditEvent
    from tests.conftest import CommittingClient
    from tests.privacy.conftest import log_in_verified

    officer.is_superuser = True
    officer.save()
    client = CommittingClient()
    log_in_verified(client, officer)
    response = client.post(
        "/admin/privacy/policyversion/add/",
        {
            "body_markdown": "Admin text.",
            "effective_date": "2026-04-01",
            "change_summary": "Via admin.",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    version = PolicyVersion.objects.get(number=2)
    assert version.published_by == officer
    assert AuditEvent.objects.filter(kind="privacy.policy_published", actor=officer).exists()
    # Versions are never edited in place.
    client.post(
        f"/admin/privacy/policyversion/{version.pk}/change/",
        {"body_markdown": "Changed!", "effective_date": "2026-04-01", "change_summary": "x"},
    )
    version.refresh_from_db()
    assert version.body_markdown == "Admin text."


@pytest.mark.parametrize(
    "url", ["/privacy/v99999999999999999999", "/privacy/diff?from=1&to=99999999999999999999"]
)
def test_absurd_version_numbers_are_a_404_not_a_500(client, url):
    assert client.get(url).status_code == 404


def test_dismissing_an_absurd_version_is_a_400(client, owner):
    log_in(client, owner)
    for number in ["99999999999999999999", "-1", "x"]:
        assert client.post("/privacy/notice/dismiss", {"number": number}).status_code == 400
