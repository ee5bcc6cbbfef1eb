"""The analytics charts and privacy pages in real headless Chromium: drawn, and no CSP errors."""

from __future__ import annotations

import os
import shutil

import pytest
from django.utils import timezone

from jtlcloud.privacy.analytics import RawView, recorder
from tests.conftest import CommittingClient
from tests.privacy.conftest import BROWSER, log_in_verified

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs Chromium"),
]


def test_the_dashboard_draws_its_charts_without_breaking_the_csp(live_server, officer, monkeypatch):
    # Playwright's sync API runs an event loop; the ORM calls here happen before it starts.
    now = timezone.now()
    for i, route in enumerate(["/", "/privacy", "/contact"]):
        recorder.add(RawView(now, route, 200, "", "x", f"192.0.2.{i}", BROWSER, None))
    recorder.flush()
    client = CommittingClient()
    log_in_verified(client, officer)
    cookie = client.cookies["jtl_session"].value
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context()
        context.add_cookies([{"name": "jtl_session", "value": cookie, "url": live_server.url}])
        page = context.new_page()
        page.on(
            "console",
            lambda m: problems.append(f"{page.url}: {m.text}") if m.type == "error" else None,
        )
        page.on("pageerror", lambda e: problems.append(f"{page.url}: {e}"))
        for path in ["/privacy", "/privacy/history", "/account/data", "/staff/audit"]:
            page.goto(live_server.url + path)
        page.goto(live_server.url + "/staff/analytics")
        page.wait_for_selector("#daily-chart[data-drawn='true'] canvas", timeout=10000)
        assert page.locator("#length-chart canvas").count() == 1
        assert "Visits" in (page.text_content("#daily-chart .u-legend") or "")
        browser.close()
    assert problems == []
