"""A user's privacy choices: objecting to visit analytics, emails about policy changes."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from jtlcloud.accounts.models import User
from jtlcloud.audit.services import record_event
from jtlcloud.lib.client_ip import client_ip
from jtlcloud.privacy.analytics import OBJECTED_SESSION_KEY, device_id
from jtlcloud.privacy.models import DeviceObjection, PageView, PrivacyPreference, Visit


def preference_for(user: User) -> PrivacyPreference:
    return PrivacyPreference.objects.filter(user=user).first() or PrivacyPreference(user=user)


def set_analytics_objection(request: HttpRequest, user: User, objected: bool) -> None:
    """One click: from now on nothing about this user's visits is recorded (or again it is)."""
    with transaction.atomic():
        pref, _ = PrivacyPreference.objects.select_for_update().get_or_create(user=user)
        pref.analytics_objected_at = timezone.now() if objected else None
        pref.save(update_fields=["analytics_objected_at"])
        if objected:
            # What was recorded before goes too: the objection covers the past as well.
            Visit.objects.filter(user=user).delete()
            PageView.objects.filter(user=user).delete()
        record_event(
            "privacy.analytics_objection" if objected else "privacy.analytics_objection_withdrawn",
            actor=user,
            request=request,
            subject=user,
        )
    if objected:
        request.session[OBJECTED_SESSION_KEY] = True
    else:
        request.session.pop(OBJECTED_SESSION_KEY, None)


def object_as_visitor(request: HttpRequest) -> None:
    """An anonymous visitor objects: today's device identifier is no longer recorded.

    Without a cookie we cannot remember the visitor beyond the day the device
    identifier lasts; the page says so and points to the browser's Global
    Privacy Control / Do Not Track signal, which we honour on every request.
    """
    today = timezone.now().date()
    device = device_id(client_ip(request), request.META.get("HTTP_USER_AGENT", "")[:500], today)
    with transaction.atomic():
        DeviceObjection.objects.get_or_create(device_id=device, defaults={"day": today})
        PageView.objects.filter(device_id=device).delete()
        Visit.objects.filter(device_id=device, views__isnull=True).delete()


def set_policy_emails(request: HttpRequest, user: User, wanted: bool) -> None:
    with transaction.atomic():
        pref, _ = PrivacyPreference.objects.select_for_update().get_or_create(user=user)
        pref.policy_emails = wanted
        pref.save(update_fields=["policy_emails"])
        record_event(
            "privacy.policy_emails_on" if wanted else "privacy.policy_emails_off",
            actor=user,
            request=request,
            subject=user,
        )


def remember_objection_at_login(request: HttpRequest, user: User) -> None:
    objected = PrivacyPreference.objects.filter(
        user=user, analytics_objected_at__isnull=False
    ).exists()
    if objected:
        request.session[OBJECTED_SESSION_KEY] = True
