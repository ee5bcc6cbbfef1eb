"""The audit trail (checks 33 and issue item 11): who, from where, when; never a PIN or code."""

import json
from datetime import UTC, timedelta
from itertools import pairwise

import pytest
from django.utils import timezone

from jtlcloud.audit.models import AuditEvent
from jtlcloud.audit.services import record_event
from tests.accounts.conftest import enrol, log_in_with_code
from tests.conftest import GOOD_PIN, CommittingClient, log_in

pytestmark = pytest.mark.django_db

UA = "Mozilla/5.0 (X11; Linux x86_64) AuditTest/1.0"
IP = "198.51.100.23"


def _browser():
    return CommittingClient(HTTP_USER_AGENT=UA, REMOTE_ADDR=IP)


def _kinds():
    return list(AuditEvent.objects.order_by("id").values_list("kind", flat=True))


def _last(kind):
    return AuditEvent.objects.filter(kind=kind).order_by("-id").first()


def _assert_context(event, *, actor=None, subject=None):
    assert event is not None
    assert event.ip == IP
    assert event.user_agent == UA
    assert event.at.utcoffset() == timedelta(0)
    assert abs(timezone.now() - event.at) < timedelta(minutes=1)
    if actor is not None:
        assert event.actor_id == actor.pk and event.actor_label == actor.email
    if subject is not None:
        assert event.subject_id == subject.pk


def test_registration_and_verification_are_recorded(mailbox):
    browser = _browser()
    browser.post(
        "/register",
        {
            "name": "Ann",
            "email": "ann@fitters.example",
            "company": "F",
            "pin": "river-stone-42",
            "pin_again": "river-stone-42",
        },
    )
    from jtlcloud.accounts.models import User

    ann = User.objects.get(email="ann@fitters.example")
    _assert_context(_last("account.registered"), subject=ann)
    browser.post(mailbox.link(mailbox.wait_for(1)[0], "/verify/"))
    _assert_context(_last("account.email_verified"), subject=ann)


def test_login_success_failure_and_lockout_are_recorded(owner):
    browser = _browser()
    browser.post("/login", {"email": owner.email, "pin": "wrong-pin-1234"})
    failed = _last("login.failed")
    _assert_context(failed, subject=owner)
    assert failed.actor is None
    browser.post("/login", {"email": owner.email, "pin": GOOD_PIN})
    _assert_context(_last("login.succeeded"), actor=owner, subject=owner)
    browser.post("/logout")
    _assert_context(_last("logout"), actor=owner)
    for _ in range(9):
        browser.post("/login", {"email": owner.email, "pin": "wrong-pin-1234"})
    _assert_context(_last("login.locked"), subject=owner)
    assert AuditEvent.objects.filter(kind="login.locked").count() == 1
    browser.post("/login", {"email": owner.email, "pin": GOOD_PIN})
    _assert_context(_last("login.refused_locked"))


def test_a_failure_for_an_unknown_email_is_recorded_without_a_subject(db):
    _browser().post("/login", {"email": "nobody@example.com", "pin": "wrong-pin-1234"})
    event = _last("login.failed")
    assert event.subject is None
    assert event.data == {"email": "nobody@example.com"}


def test_second_factor_events_are_recorded(owner, no_otp_backoff):
    browser = _browser()
    log_in(browser, owner)
    phone = enrol(browser)
    _assert_context(_last("second_factor.enrolled"), actor=owner, subject=owner)
    other = _browser()
    other.post("/login", {"email": owner.email, "pin": GOOD_PIN})
    other.post("/login/second-factor", {"code": "000000"})
    _assert_context(_last("second_factor.failed"), subject=owner)
    log_in_with_code(_browser(), owner.email, phone.fresh_code())
    _assert_context(_last("second_factor.verified"), actor=owner)
    log_in_with_code(_browser(), owner.email, phone.recovery_codes[0])
    used = _last("second_factor.recovery_used")
    _assert_context(used, actor=owner)
    assert used.data == {"recovery_codes_left": 9}
    browser.post("/account/two-factor/recovery", {"current_pin": GOOD_PIN})
    _assert_context(_last("second_factor.recovery_regenerated"), actor=owner)
    for _ in range(5):
        other.post("/login/second-factor", {"code": "000000"})
    _assert_context(_last("second_factor.blocked"), subject=owner)
    browser.post("/account/two-factor/remove", {"current_pin": GOOD_PIN})
    _assert_context(_last("second_factor.removed"), actor=owner)


def test_pin_change_and_reset_are_recorded(owner, mailbox):
    browser = _browser()
    log_in(browser, owner)
    browser.post(
        "/account/pin",
        {"current_pin": GOOD_PIN, "pin": "green-lantern-17", "pin_again": "green-lantern-17"},
    )
    _assert_context(_last("pin.changed"), actor=owner, subject=owner)
    anonymous = _browser()
    anonymous.post("/pin/reset", {"email": owner.email})
    _assert_context(_last("pin.reset_requested"), subject=owner)
    link = mailbox.link(mailbox.wait_for(2)[-1], "/pin/reset/")
    anonymous.post(link, {"pin": "amber-harbour-63", "pin_again": "amber-harbour-63"})
    _assert_context(_last("pin.reset"), subject=owner)


def test_profile_and_email_changes_are_recorded_with_before_and_after(owner, mailbox):
    browser = _browser()
    log_in(browser, owner)
    browser.post("/account", {"name": "Olivia O.", "company": "Northwind"})
    updated = _last("profile.updated")
    _assert_context(updated, actor=owner)
    assert updated.data["before"]["name"] == "Olivia Owner"
    assert updated.data["after"]["name"] == "Olivia O."
    browser.post("/account/email", {"new_email": "olivia@new.example", "current_pin": GOOD_PIN})
    _assert_context(_last("email.change_requested"), actor=owner)
    link = mailbox.link(mailbox.to("olivia@new.example")[0], "/account/email/confirm/")
    browser.post(link)
    changed = _last("email.changed")
    _assert_context(changed, subject=owner)
    assert changed.actor_id == owner.pk and changed.actor_label == "olivia@new.example"
    assert changed.data == {
        "old_email": "owner@northwind.example",
        "new_email": "olivia@new.example",
    }


def test_no_audit_record_ever_holds_a_pin_or_a_code(owner, mailbox, no_otp_backoff):
    secrets = {GOOD_PIN, "wrong-pin-1234", "green-lantern-17", "amber-harbour-63", "000000"}
    browser = _browser()
    browser.post("/login", {"email": owner.email, "pin": "wrong-pin-1234"})
    log_in(browser, owner)
    phone = enrol(browser)
    secrets.update(phone.recovery_codes)
    secrets.add(phone.code(phone.enrolled_step * 30))
    code = phone.fresh_code()
    secrets.add(code)
    other = _browser()
    other.post("/login", {"email": owner.email, "pin": GOOD_PIN})
    other.post("/login/second-factor", {"code": "000000"})
    other.post("/login/second-factor", {"code": code})
    log_in_with_code(_browser(), owner.email, phone.recovery_codes[1])
    browser.post(
        "/account/pin",
        {"current_pin": GOOD_PIN, "pin": "green-lantern-17", "pin_again": "green-lantern-17"},
    )
    browser.post("/pin/reset", {"email": owner.email})
    link = mailbox.link(mailbox.wait_for(2)[-1], "/pin/reset/")
    secrets.add(link.rsplit("/", 1)[-1])
    browser.post(link, {"pin": "amber-harbour-63", "pin_again": "amber-harbour-63"})
    events = list(AuditEvent.objects.values())
    assert len(events) >= 10
    dump = json.dumps(events, default=str)
    for secret in secrets:
        assert secret not in dump, secret


def test_secret_keys_are_refused_by_the_writer(owner):
    for key in ("pin", "PIN", "code", "otp", "token", "secret", "password"):
        with pytest.raises(ValueError, match="secrets"):
            record_event("test.event", subject=owner, data={key: "x"})


def test_audit_events_are_append_only_and_chained(owner):
    _browser().post("/login", {"email": owner.email, "pin": GOOD_PIN})
    _browser().post("/login", {"email": owner.email, "pin": "wrong-pin-1234"})
    events = list(AuditEvent.objects.order_by("id"))
    assert len(events) >= 2
    for before, after in pairwise(events):
        assert after.prev_hash == before.entry_hash
        assert after.entry_hash == after.compute_hash()
    with pytest.raises(PermissionError):
        events[0].save()
    with pytest.raises(PermissionError):
        events[0].delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(kind="x")


def test_times_are_stored_in_utc(owner):
    _browser().post("/login", {"email": owner.email, "pin": GOOD_PIN})
    event = _last("login.succeeded")
    assert event.at.tzinfo is not None
    assert event.at.astimezone(UTC).utcoffset() == timedelta(0)
