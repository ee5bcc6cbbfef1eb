"""The installation pages in headless Chromium: their scripts run under the strict CSP."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections

from jtlcloud.accounts.models import User
from jtlcloud.installations.models import Grant, Installation, InstallationKey
from tests.conftest import GOOD_PIN

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs Chromium"),
]


@pytest.fixture
def page(live_server: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop on this thread; the ORM calls in
    # the test body are still synchronous, one at a time.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    # The live server's request threads must not keep PostgreSQL connections open
    # past the test, or the test database cannot be dropped at the end.
    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", 0)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page()
        page.errors = []  # type: ignore[attr-defined]
        page.on(
            "console",
            lambda message: (
                page.errors.append(message.text)  # type: ignore[attr-defined]
                if message.type == "error"
                else None
            ),
        )
        page.base = live_server.url  # type: ignore[attr-defined]
        yield page
        browser.close()
        # ORM calls made while Playwright's loop is current get connections of their own.
        connections.close_all()


def log_in(page: Any, user: User) -> None:
    page.goto(page.base + "/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=pin]", GOOD_PIN)
    page.click("main form button[type=submit]")
    page.wait_for_url(page.base + "/")


def test_an_owner_gives_access_with_only_the_relevant_fields_shown(
    page: Any, owner: User, installation: Installation
) -> None:
    log_in(page, owner)
    page.goto(f"{page.base}/installations/{installation.code}/grants/new")
    assert page.is_visible("#id_email")
    assert not page.is_visible("#id_organisation") and not page.is_visible("#id_expires_at")
    page.check("input[name=grantee_kind][value=organisation]")
    assert page.is_visible("#id_organisation") and not page.is_visible("#id_email")
    page.check("input[name=expiry][value=custom]")
    assert page.is_visible("#id_expires_at")
    page.check("input[name=grantee_kind][value=person]")
    page.check("input[name=expiry][value='1d']")
    page.fill("#id_email", "sam@acme.example")
    page.fill("#id_reference", "Job 1")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{page.base}/installations/{installation.code}/access")
    assert "sam@acme.example" in page.content()
    assert Grant.objects.get().grantee_email == "sam@acme.example"
    assert page.errors == []  # type: ignore[attr-defined]


def test_an_owner_makes_a_key_sees_it_once_and_revokes_it_after_confirming(
    page: Any, owner: User, installation: Installation
) -> None:
    log_in(page, owner)
    page.goto(f"{page.base}/installations/{installation.code}/access")
    page.fill("input[name=label]", "Gateway")
    page.click("text=Make a new key")
    raw = page.inner_text("#new-key")
    assert raw.startswith("jtlk_")
    page.click("text=I have copied it")
    assert raw not in page.content()
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("form[data-confirm] >> text=Revoke")
    assert InstallationKey.objects.get().revoked_at is None
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("form[data-confirm] >> text=Revoke")
    page.wait_for_selector("text=revoked")
    assert InstallationKey.objects.get().revoked_at is not None
    assert page.errors == []  # type: ignore[attr-defined]
