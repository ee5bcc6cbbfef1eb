"""Outbound links (policy 9), cookies (policy 3; SECURITY.md checks 1, 27), emails (check 30)."""

from __future__ import annotations

import time

import pytest
from django.template import Context, Template, TemplateSyntaxError

from jtlcloud.web.cookies import cookie_table
from tests.conftest import GOOD_PIN, CommittingClient, log_in
from tests.privacy.test_crawl import _is_foreign, _Page

pytestmark = pytest.mark.django_db


def _render(source: str) -> str:
    return Template("{% load outbound %}" + source).render(Context({}))


def test_the_outbound_helper_marks_the_link_and_says_you_are_leaving():
    html = _render('{% outbound "https://ico.org.uk/make-a-complaint/" "the ICO" %}')
    assert 'href="https://ico.org.uk/make-a-complaint/"' in html
    assert 'rel="noopener noreferrer"' in html
    assert "data-outbound" in html
    assert "↗" in html
    assert "you are leaving JTL Cloud" in html
    assert ">the ICO<" in html


def test_the_outbound_helper_escapes_its_text_and_refuses_other_schemes():
    assert "&lt;script&gt;" in _render('{% outbound "https://a.example/" "<script>" %}')
    with pytest.raises(TemplateSyntaxError):
        _render('{% outbound "javascript:alert(1)" "x" %}')


def test_the_crawler_would_notice_a_foreign_script_or_an_unmarked_link():
    page = _Page()
    page.feed('<script src="https://cdn.example/x.js"></script><a href="//evil.example/">x</a>')
    assert [_is_foreign(value) for _, value, _ in page.references] == [True, True]
    assert not _is_foreign("/static/app.css")
    assert not _is_foreign("mailto:sales@jtl.co.uk")


def test_the_complaint_page_uses_the_outbound_helper_for_the_ico(client):
    body = client.get("/contact/complaint").content.decode()
    assert 'rel="noopener noreferrer" data-outbound' in body


def test_a_first_visit_sets_no_cookie_but_at_most_the_session_cookie(client, settings):
    for url in ["/", "/privacy", "/cookies", "/contact", "/privacy/history", "/login"]:
        response = CommittingClient().get(url)
        assert set(response.cookies) <= {settings.SESSION_COOKIE_NAME}, url
    assert not CommittingClient().get("/").cookies
    assert not CommittingClient().get("/privacy").cookies


def _set_cookies(responses) -> dict[str, list]:
    found: dict[str, list] = {}
    for response in responses:
        for name, morsel in response.cookies.items():
            found.setdefault(name, []).append(morsel)
    return found


def test_the_cookies_page_lists_exactly_the_cookies_the_site_really_sets(owner, settings):
    client = CommittingClient()
    responses = [
        client.get("/"),
        client.get("/login"),
        client.post("/login", {"email": owner.email, "pin": "wrong-wrong-wrong"}),
        client.post("/login", {"email": owner.email, "pin": GOOD_PIN}),
        client.get("/account/data"),
        client.post("/privacy/analytics", {"objection": "object"}),
        client.get("/no-such-page"),
        client.post("/logout"),
        CommittingClient().post("/contact/complaint", {"name": "x"}),
    ]
    real = _set_cookies(responses)
    listed = {cookie.name for cookie in cookie_table()}
    assert set(real) == listed
    page = CommittingClient().get("/cookies").content.decode()
    for name in listed:
        assert f"<code>{name}</code>" in page
    # Session cookies only: no expiry on any cookie except a deletion.
    for morsels in real.values():
        for morsel in morsels:
            if morsel["max-age"] or morsel["expires"]:
                assert morsel.value == "" or str(morsel["max-age"]) == "0", morsel.OutputString()


def test_a_browser_that_blocks_cookies_gets_the_cookies_needed_page(owner):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/login", {"email": owner.email, "pin": GOOD_PIN})
    assert response.status_code == 403
    assert "JTL Cloud needs cookies" in response.content.decode()
    assert 'href="/cookies"' in response.content.decode()


def test_a_new_account_receives_no_email_it_did_not_ask_for(client, mailbox):
    from jtlcloud.accounts.models import User
    from jtlcloud.privacy.policy import publish_policy

    client.post(
        "/register",
        {
            "name": "Newcomer",
            "email": "newcomer@example.com",
            "company": "New Ltd",
            "pin": "river-stone-42",
            "pin_again": "river-stone-42",
        },
    )
    [verification] = mailbox.wait_for(1)
    client.post(mailbox.link(verification, "/verify/"))
    log_in(client, User.objects.get(email="newcomer@example.com"), "river-stone-42")
    for url in ["/", "/account", "/account/data", "/privacy", "/account/privacy"]:
        client.get(url)
    import datetime as dt

    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        publish_policy(
            None, body_markdown="v2", effective_date=dt.date(2026, 1, 2), change_summary="x"
        )
    time.sleep(0.5)
    assert len(mailbox.to("newcomer@example.com")) == 1
