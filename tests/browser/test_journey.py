"""A person's first day, in a real browser: register, verify, PIN + TOTP, profile, log out, back."""

from __future__ import annotations

import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP

from tests.browser.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EMAIL = "ann@fitters.example"
PIN = "river-stone-42"


def _code(key: bytes, step: int) -> str:
    totp = TOTP(key)
    totp.time = step * 30
    return f"{totp.token():06d}"


def test_register_verify_log_in_with_totp_edit_profile_and_log_out(
    browser_page, live_server, settings, mailbox
):
    settings.JTL_SITE_URL = live_server.url
    settings.JTL_REQUIRE_SECOND_FACTOR = True
    page = browser_page
    csp_violations: list[str] = []
    errors: list[str] = []
    page.on(
        "console",
        lambda msg: (
            csp_violations.append(msg.text)
            if "Content Security Policy" in msg.text or "Content-Security-Policy" in msg.text
            else None
        ),
    )
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    def shot(name: str) -> None:
        page.screenshot(path=str(ARTIFACTS / f"journey-{name}.png"), full_page=True)

    # 1. Register.
    page.goto(f"{live_server.url}/")
    shot("01-home")
    page.get_by_role("button", name="Register").first.click()
    page.wait_for_url(f"{live_server.url}/register")
    page.get_by_label("Name", exact=True).fill("Ann Fitter")
    page.get_by_label("Email", exact=True).fill(EMAIL)
    page.get_by_label("Company", exact=True).fill("Fitters Ltd")
    page.get_by_label("PIN", exact=True).fill(PIN)
    page.get_by_label("PIN again", exact=True).fill(PIN)
    shot("02-register")
    page.locator("main form").get_by_role("button", name="Register").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    shot("03-check-email")

    # 2. Verify by the emailed link.
    [message] = mailbox.wait_for(1)
    assert message["To"] == EMAIL
    page.goto(live_server.url + mailbox.link(message, "/verify/"))
    shot("04-verify")
    page.get_by_role("button", name="Confirm my email address").click()
    page.get_by_text("Your email address is confirmed").wait_for()
    shot("05-verified")

    # 3. Log in with the PIN; the setting sends a person without a second factor to set one up.
    page.get_by_label("Email", exact=True).fill(EMAIL)
    page.get_by_label("PIN", exact=True).fill(PIN)
    page.locator("main form").get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/account/two-factor")
    page.get_by_role("img", name="QR code for your authenticator app").wait_for()
    shot("06-two-factor-setup")
    key = b32decode(page.locator("#totp-secret").inner_text().replace(" ", ""))
    step = int(time.time()) // 30
    page.get_by_label("Code", exact=True).fill(_code(key, step))
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", name="Your recovery codes").wait_for()
    assert page.locator("#recovery-codes li").count() == 10
    page.get_by_role("button", name="Copy").click()
    page.wait_for_function("document.getElementById('recovery-status').textContent.length > 0")
    shot("07-recovery-codes")
    page.get_by_role("button", name="I have saved them").click()
    page.wait_for_url(f"{live_server.url}/account")

    # 4. Edit the profile.
    page.get_by_label("Name", exact=True).fill("Ann B. Fitter")
    page.get_by_label("Company", exact=True).fill("Fitters & Sons Ltd")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Your details are saved.").wait_for()
    assert page.get_by_label("Name", exact=True).input_value() == "Ann B. Fitter"
    shot("08-profile-saved")

    # 5. Log out (a POST form in the header).
    page.get_by_role("button", name="Log out").click()
    page.get_by_text("You are logged out.").wait_for()
    shot("09-logged-out")
    assert page.goto(f"{live_server.url}/account").url.startswith(f"{live_server.url}/login")

    # 6. Log in again: the PIN, then a new code from the app.
    page.get_by_label("Email", exact=True).fill(EMAIL)
    page.get_by_label("PIN", exact=True).fill(PIN)
    page.locator("main form").get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Enter your code").wait_for()
    shot("10-second-factor")
    later = max(int(time.time()) // 30, step + 1)
    page.get_by_label("Code", exact=True).fill(_code(key, later))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{live_server.url}/account")
    page.get_by_role("heading", name="Your account").wait_for()
    assert "Ann B. Fitter" in page.content()
    shot("11-back-in")

    # Phone width: the same page still works and nothing overflows sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    shot("12-account-phone")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1

    assert csp_violations == []
    assert errors == []
