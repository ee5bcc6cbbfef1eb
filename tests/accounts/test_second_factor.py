"""The TOTP second factor: enrolment, login, recovery codes, replay, throttling, who needs it."""

import time

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from jtlcloud.accounts.models import Organisation
from tests.accounts.conftest import STEP, enrol, log_in_with_code
from tests.conftest import GOOD_PIN, CommittingClient, log_in

pytestmark = pytest.mark.django_db


def _enrolled(client, user):
    log_in(client, user)
    return enrol(client)


def test_the_setup_page_shows_a_qr_code_and_the_key(client, owner):
    log_in(client, owner)
    html = client.get("/account/two-factor").content.decode()
    assert '<img src="data:image/svg+xml' in html
    assert 'alt="QR code for your authenticator app"' in html
    assert 'id="totp-secret"' in html
    assert 'autocomplete="one-time-code"' in html


def test_enrolment_with_a_right_code_shows_ten_recovery_codes_once(client, owner):
    phone = _enrolled(client, owner)
    assert len(set(phone.recovery_codes)) == 10
    status = client.get("/account/two-factor").content.decode()
    assert "10</strong> unused recovery codes" in status
    assert not any(code in status for code in phone.recovery_codes)
    assert TOTPDevice.objects.filter(user=owner, confirmed=True).count() == 1


def test_a_wrong_code_does_not_enrol(client, owner):
    log_in(client, owner)
    client.get("/account/two-factor")
    response = client.post("/account/two-factor", {"code": "000000"})
    assert response.status_code == 400
    assert b"did not match" in response.content
    assert not TOTPDevice.objects.filter(user=owner, confirmed=True).exists()


def test_after_enrolment_login_needs_the_pin_and_then_a_code(client, owner):
    phone = _enrolled(client, owner)
    client.post("/logout")
    response = client.post("/login", {"email": owner.email, "pin": GOOD_PIN})
    assert response.status_code == 302
    assert response["Location"].startswith("/login/second-factor")
    # The PIN alone reaches nothing.
    assert client.get("/account")["Location"].startswith("/login")
    response = client.post("/login/second-factor", {"code": phone.fresh_code()})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/account").status_code == 200


def test_the_second_factor_page_without_a_right_pin_sends_to_login(client, owner):
    _enrolled(client, owner)
    fresh = CommittingClient()
    response = fresh.get("/login/second-factor")
    assert response.status_code == 302 and response["Location"] == "/login"
    assert fresh.post("/login/second-factor", {"code": "123456"})["Location"] == "/login"


def test_a_pending_login_expires_after_five_minutes(client, owner, monkeypatch):
    phone = _enrolled(client, owner)
    fresh = CommittingClient()
    fresh.post("/login", {"email": owner.email, "pin": GOOD_PIN})
    import jtlcloud.accounts.login as login_module

    later = time.time() + 301

    class Clock:
        @staticmethod
        def time():
            return later

    monkeypatch.setattr(login_module, "time", Clock)
    response = fresh.post("/login/second-factor", {"code": phone.fresh_code()})
    assert response.status_code == 302 and response["Location"] == "/login"
    assert "_auth_user_id" not in fresh.session


def test_a_code_cannot_be_used_twice(client, owner):
    phone = _enrolled(client, owner)
    code = phone.fresh_code()
    first = CommittingClient()
    assert log_in_with_code(first, owner.email, code).status_code == 302
    second = CommittingClient()
    replay = log_in_with_code(second, owner.email, code)
    assert replay.status_code == 400
    assert b"used already" in replay.content
    assert "_auth_user_id" not in second.session


def test_the_code_used_for_enrolment_cannot_be_used_to_log_in(client, owner):
    phone = _enrolled(client, owner)
    enrolment_code = phone.code(phone.enrolled_step * STEP)
    response = log_in_with_code(CommittingClient(), owner.email, enrolment_code)
    assert response.status_code == 400


def test_a_recovery_code_works_once(client, owner):
    phone = _enrolled(client, owner)
    code = phone.recovery_codes[3]
    first = CommittingClient()
    assert log_in_with_code(first, owner.email, code).status_code == 302
    assert first.get("/account").status_code == 200
    assert b"9 recovery codes left" in first.get("/account").content
    second = CommittingClient()
    assert log_in_with_code(second, owner.email, code).status_code == 400
    assert "_auth_user_id" not in second.session


def test_recovery_codes_are_accepted_in_upper_case_with_spaces(client, owner, no_otp_backoff):
    phone = _enrolled(client, owner)
    code = phone.recovery_codes[0]
    typed = f"{code[:5].upper()} {code[5:].upper()}"
    assert log_in_with_code(CommittingClient(), owner.email, typed).status_code == 302


def test_wrong_codes_are_throttled_even_before_the_right_one(client, owner, no_otp_backoff):
    phone = _enrolled(client, owner)
    browser = CommittingClient()
    browser.post("/login", {"email": owner.email, "pin": GOOD_PIN})
    statuses = [
        browser.post("/login/second-factor", {"code": "000000"}).status_code for _ in range(5)
    ]
    # The fifth wrong code reaches the limit, and the page says so.
    assert statuses == [400, 400, 400, 400, 429]
    response = browser.post("/login/second-factor", {"code": phone.fresh_code()})
    assert response.status_code == 429
    assert b"Too many wrong codes" in response.content
    assert "_auth_user_id" not in browser.session
    # Recovery codes are throttled by the same count.
    assert (
        browser.post("/login/second-factor", {"code": phone.recovery_codes[0]}).status_code == 429
    )


def test_the_second_factor_throttle_holds_in_a_new_browser(client, owner, no_otp_backoff):
    phone = _enrolled(client, owner)
    attacker = CommittingClient()
    attacker.post("/login", {"email": owner.email, "pin": GOOD_PIN}, REMOTE_ADDR="192.0.2.1")
    for _ in range(5):
        attacker.post("/login/second-factor", {"code": "111111"}, REMOTE_ADDR="192.0.2.1")
    response = log_in_with_code(CommittingClient(), owner.email, phone.fresh_code())
    assert response.status_code == 429


def test_regenerating_recovery_codes_needs_the_pin_and_voids_the_old_ones(client, owner):
    phone = _enrolled(client, owner)
    refused = client.post("/account/two-factor/recovery", {"current_pin": "wrong-pin-here"})
    assert refused.status_code == 302
    response = client.post("/account/two-factor/recovery", {"current_pin": GOOD_PIN})
    assert response.status_code == 200
    new_codes = response.content.decode()
    assert not any(code in new_codes for code in phone.recovery_codes)
    old = log_in_with_code(CommittingClient(), owner.email, phone.recovery_codes[0])
    assert old.status_code == 400


def test_removing_the_second_factor_needs_the_pin(client, owner):
    _enrolled(client, owner)
    client.post("/account/two-factor/remove", {"current_pin": "wrong-pin-here"})
    assert TOTPDevice.objects.filter(user=owner).exists()
    client.post("/account/two-factor/remove", {"current_pin": GOOD_PIN})
    assert not TOTPDevice.objects.filter(user=owner).exists()


def test_a_required_second_factor_cannot_be_removed(client, owner, settings):
    _enrolled(client, owner)
    settings.JTL_REQUIRE_SECOND_FACTOR = True
    page = client.get("/account/two-factor").content.decode()
    assert "Remove the second factor" not in page
    client.post("/account/two-factor/remove", {"current_pin": GOOD_PIN})
    assert TOTPDevice.objects.filter(user=owner).exists()


def test_when_the_setting_requires_it_the_pin_alone_reaches_only_the_setup_page(
    client, owner, settings
):
    settings.JTL_REQUIRE_SECOND_FACTOR = True
    log_in(client, owner)
    for path in ("/", "/account", "/account/pin", "/account/email"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == "/account/two-factor"
    page = client.get("/account/two-factor")
    assert page.status_code == 200
    assert b"needs a second factor" in page.content
    enrol(client)
    assert client.get("/account").status_code == 200


def test_staff_always_need_a_second_factor(client, support, settings):
    settings.JTL_REQUIRE_SECOND_FACTOR = False
    log_in(client, support)
    assert client.get("/account")["Location"] == "/account/two-factor"


def test_an_organisation_can_require_a_second_factor_of_its_members(client, owner, owner_org):
    Organisation.objects.filter(pk=owner_org.pk).update(require_second_factor=True)
    log_in(client, owner)
    assert client.get("/account")["Location"] == "/account/two-factor"


def test_ordinary_users_without_the_requirement_are_not_pushed(client, owner):
    log_in(client, owner)
    assert client.get("/account").status_code == 200


def test_a_session_that_never_proved_a_new_device_is_logged_out(client, owner):
    log_in(client, owner)
    other = CommittingClient()
    log_in(other, owner)
    enrol(other)
    # The first browser logged in with the PIN alone, before the device existed.
    response = client.get("/account")
    assert response.status_code == 302 and response["Location"] == "/login"
    assert "_auth_user_id" not in client.session


def test_an_unproven_session_cannot_manage_the_second_factor(client, owner):
    log_in(client, owner)
    other = CommittingClient()
    log_in(other, owner)
    enrol(other)
    response = client.post("/account/two-factor/recovery", {"current_pin": GOOD_PIN})
    assert response.status_code == 302
    assert b"recovery-codes" not in response.content
    assert client.get("/account/two-factor")["Location"].startswith("/login")


def test_the_admin_is_404_for_anonymous_and_ordinary_users(client, owner):
    assert client.get("/admin/").status_code == 404
    assert client.get("/admin/login/").status_code == 404
    log_in(client, owner)
    assert client.get("/admin/").status_code == 404
    enrol(client)
    assert client.get("/admin/").status_code == 404


def test_the_admin_needs_staff_plus_a_second_factor(client, officer):
    log_in(client, officer)
    assert client.get("/admin/").status_code == 404
    phone = enrol(client)
    assert client.get("/admin/").status_code == 200
    client.post("/logout")
    browser = CommittingClient()
    log_in_with_code(browser, officer.email, phone.fresh_code())
    assert browser.get("/admin/").status_code == 200


def test_a_404_from_the_admin_gives_away_nothing(client, owner):
    log_in(client, owner)
    response = client.get("/admin/accounts/user/")
    assert response.status_code == 404
    assert b"Django" not in response.content
    assert b"Page not found" in response.content


def test_a_half_done_login_dies_when_the_pin_is_reset_meanwhile(client, owner, mailbox):
    phone = _enrolled(client, owner)
    attacker = CommittingClient()
    attacker.post("/login", {"email": owner.email, "pin": GOOD_PIN})
    # The owner resets the PIN before the attacker gets to the second step.
    owner_browser = CommittingClient()
    owner_browser.post("/pin/reset", {"email": owner.email})
    link = mailbox.link(mailbox.wait_for(1)[0], "/pin/reset/")
    owner_browser.post(link, {"pin": "amber-harbour-63", "pin_again": "amber-harbour-63"})
    response = attacker.post("/login/second-factor", {"code": phone.fresh_code()})
    assert response.status_code == 302 and response["Location"] == "/login"
    assert "_auth_user_id" not in attacker.session


def test_logging_in_with_a_recovery_code_says_how_many_are_left(client, owner):
    phone = _enrolled(client, owner)
    browser = CommittingClient()
    response = log_in_with_code(browser, owner.email, phone.recovery_codes[0])
    page = browser.get(response["Location"])
    assert b"You logged in with a recovery code; 9 of them are left." in page.content


def test_the_second_factor_steps_set_no_expiring_cookie(client, owner, no_otp_backoff):
    phone = _enrolled(client, owner)
    browser = CommittingClient()
    responses = [
        browser.get("/login"),
        browser.post("/login", {"email": owner.email, "pin": GOOD_PIN}),
        browser.get("/login/second-factor"),
        browser.post("/login/second-factor", {"code": "000000"}),
        browser.post("/login/second-factor", {"code": phone.fresh_code()}),
    ]
    for response in responses:
        for morsel in response.cookies.values():
            assert not morsel["expires"] and not morsel["max-age"], morsel.OutputString()
    assert browser.get("/account").status_code == 200


def test_the_admins_own_pin_change_form_is_replaced_by_the_account_page(client, officer):
    log_in(client, officer)
    enrol(client)
    for path in ("/admin/password_change/", "/admin/password_change/done/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == "/account/pin"
    response = client.post(
        "/admin/password_change/",
        {
            "old_password": GOOD_PIN,
            "new_password1": "x-new-pin-42",
            "new_password2": "x-new-pin-42",
        },
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password(GOOD_PIN)
