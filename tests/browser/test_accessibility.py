"""Keyboard and labels in a real browser: the account pages work without a mouse."""

from __future__ import annotations

import pytest

from tests.conftest import GOOD_PIN, make_user

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGES = ["/", "/login", "/register", "/pin/reset", "/cookies", "/no-such-page"]
ACCOUNT_PAGES = ["/account", "/account/pin", "/account/email", "/account/two-factor"]

UNLABELLED = """
[...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
  .filter(e => !e.labels.length && !e.getAttribute('aria-label'))
  .map(e => e.name)
"""


@pytest.fixture
def kim(transactional_db):
    # Made before Playwright starts: inside its event loop the ORM would open a second,
    # context-local connection that outlives the test and keeps the database busy.
    return make_user("kim@fitters.example", name="Kim Fitter")


NO_ALT = "[...document.images].filter(i => !i.hasAttribute('alt')).map(i => i.src.slice(0, 40))"


def _check_page(page) -> None:
    assert page.evaluate(UNLABELLED) == []
    assert page.evaluate(NO_ALT) == []
    assert page.locator("h1").count() == 1
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.title().endswith("JTL Cloud")


def test_every_field_has_a_label_every_image_alt_text_and_one_heading(
    kim, browser_page, live_server
):
    user = kim
    page = browser_page
    for path in PAGES:
        page.goto(live_server.url + path)
        _check_page(page)
    page.goto(f"{live_server.url}/login")
    page.get_by_label("Email", exact=True).fill(user.email)
    page.get_by_label("PIN", exact=True).fill(GOOD_PIN)
    page.locator("main form").get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")
    for path in ACCOUNT_PAGES:
        page.goto(live_server.url + path)
        _check_page(page)


def test_the_skip_link_is_the_first_stop_and_shows_when_focused(browser_page, live_server):
    page = browser_page
    page.goto(f"{live_server.url}/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert "skip-link" in focused
    box = page.locator(".skip-link").bounding_box()
    assert box is not None and box["x"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_logging_in_works_with_the_keyboard_alone(kim, browser_page, live_server):
    user = kim
    page = browser_page
    page.goto(f"{live_server.url}/login")
    # The email field has the focus as the page opens.
    assert page.evaluate("document.activeElement.name") == "email"
    page.keyboard.type(user.email)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "pin"
    page.keyboard.type("a-wrong-pin-here")
    page.keyboard.press("Enter")
    page.get_by_text("do not match an account").wait_for()
    # After a refused PIN the email stays and the focus waits in the PIN field.
    assert page.evaluate("document.activeElement.name") == "pin"
    page.keyboard.type(GOOD_PIN)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    assert "Kim" in page.locator("h1").inner_text()
    # Log out from the keyboard too: the button in the header is reachable by Tab.
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Log out":
            break
    page.keyboard.press("Enter")
    page.get_by_text("You are logged out.").wait_for()
