"""The Alerts tab in a real browser: make a rule with the form, subscribe, all under the CSP."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.alerts.conftest import threshold_rule
from tests.browser.conftest import ARTIFACTS
from tests.conftest import GOOD_PIN

pytestmark = [pytest.mark.browser, pytest.mark.slow]

UNLABELLED = """
[...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
  .filter(e => !e.labels.length && !e.getAttribute('aria-label'))
  .map(e => e.name)
"""


@pytest.fixture
def world(transactional_db, owner, installation):
    # Made before Playwright starts (see tests/browser/test_accessibility.py).
    threshold_rule(installation, owner)
    return owner, installation


def test_the_owner_makes_an_offline_rule_and_subscribes_to_it(world, browser_page, live_server):
    owner, installation = world
    page = browser_page
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/login")
    page.get_by_label("Email", exact=True).fill(owner.email)
    page.get_by_label("PIN", exact=True).fill(GOOD_PIN)
    page.locator("main form").get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/installations/{installation.code}/dashboard")
    page.get_by_role("link", name="Alerts").click()
    page.get_by_role("button", name="New rule").click()
    assert page.evaluate(UNLABELLED) == []
    # Only the chosen kind's fields show.
    expect(page.get_by_label("Minutes without data")).to_be_hidden()  # waits for the script
    page.get_by_label("Installation offline").check()
    expect(page.get_by_label("Limit")).to_be_hidden()
    assert not page.get_by_label("Email me when this rule fires or clears").is_checked()
    page.get_by_label("Name").fill("Gateway silent")
    page.get_by_label("Minutes without data").fill("30")
    page.screenshot(path=str(ARTIFACTS / "alerts-01-new-rule.png"), full_page=True)
    page.get_by_role("button", name="Create rule").click()
    page.wait_for_url(f"{live_server.url}/installations/{installation.code}/alerts")
    assert "Gateway silent" in page.content()

    page.get_by_role("button", name="Subscribe to Gateway silent").click()
    page.get_by_role("button", name="Unsubscribe from Gateway silent").wait_for()
    page.screenshot(path=str(ARTIFACTS / "alerts-02-rules.png"), full_page=True)
    assert page.locator("h1").count() == 1
    assert errors == []
