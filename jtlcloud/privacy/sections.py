"""The sections of "Your data" that exist today; other areas register theirs the same way."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from jtlcloud.accounts.models import User
from jtlcloud.audit.models import AuditEvent
from jtlcloud.installations.models import AccessLogEntry
from jtlcloud.privacy.models import PageView, PrivacyPreference, PrivacyRequest, Visit
from jtlcloud.privacy.personal_data import register_section

# How many rows of the long histories a page shows; the JSON download has them all.
LONG_LIST = 5000


@register_section(
    "profile", "Profile", order=10, description="What you told us when you registered."
)
def profile(user: User) -> dict[str, Any]:
    return {
        "name": user.name,
        "email": user.email,
        "company": user.company,
        "email_verified_at": user.email_verified_at,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "pin_changed_at": user.pin_changed_at,
        "staff_role": user.get_staff_role_display() if user.staff_role else "",
        "second_factor_devices": _device_count(user),
    }


def _device_count(user: User) -> int:
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).count()
        + StaticDevice.objects.filter(user=user).count()
    )


@register_section("organisations", "Organisations", order=20)
def organisations(user: User) -> list[dict[str, Any]]:
    return [
        {"organisation": m.organisation.name, "role": m.get_role_display(), "since": m.created_at}
        for m in user.memberships.select_related("organisation")
    ]


@register_section("privacy_choices", "Privacy choices", order=30)
def privacy_choices(user: User) -> dict[str, Any]:
    pref = PrivacyPreference.objects.filter(user=user).first()
    return {
        "objected_to_visit_analytics_at": pref.analytics_objected_at if pref else None,
        "emails_about_policy_changes": pref.policy_emails if pref else False,
        "policy_version_acknowledged": pref.policy_seen_number if pref else 0,
    }


@register_section(
    "requests",
    "Your requests and complaints",
    order=60,
    description="Rights requests and complaints you made.",
)
def requests(user: User) -> list[dict[str, Any]]:
    return [
        {
            "reference": r.reference,
            "kind": r.get_kind_display(),
            "status": r.get_status_display(),
            "made_at": r.created_at,
            "due_at": r.due_at,
            "details": r.details,
            "response": r.response,
        }
        for r in PrivacyRequest.objects.filter(requester=user).order_by("-created_at")
    ]


@register_section(
    "access_log",
    "Your looks at installation data",
    order=70,
    description="The owners of the installations see these entries in their access log.",
)
def access_log(user: User) -> list[dict[str, Any]]:
    rows = AccessLogEntry.objects.filter(user=user).select_related("installation")
    return [
        {
            "at": e.at,
            "installation": e.installation.name,
            "what": e.get_kind_display(),
            "detail": e.detail,
            "organisation": e.organisation_label,
            "ip": e.ip,
        }
        for e in rows.order_by("-at")[:LONG_LIST]
    ]


@register_section(
    "visits",
    "Visits",
    order=80,
    description="Visit analytics recorded while you were logged in (policy 2a).",
)
def visits(user: User) -> list[dict[str, Any]]:
    chosen = list(Visit.objects.filter(user=user).order_by("-started_at")[:LONG_LIST])
    views: dict[int, list[PageView]] = {}
    for view in PageView.objects.filter(visit__in=chosen).order_by("at"):
        views.setdefault(view.visit_id, []).append(view)
    result = []
    for visit in chosen:
        steps = views.get(visit.pk, [])
        first = steps[0] if steps else None
        result.append(
            {
                "started_at": visit.started_at,
                "length_seconds": visit.seconds,
                "pages": visit.page_count,
                "path": " → ".join(v.route for v in steps),
                "browser": f"{first.browser} {first.browser_version}".strip() if first else "",
                "os": f"{first.os} {first.os_version}".strip() if first else "",
                "device": visit.device_type,
                "ip": first.ip if first else None,
            }
        )
    return result


@register_section(
    "audit_events",
    "Security and audit events",
    order=90,
    description="Events in the audit trail that you caused or that concern you.",
)
def audit_events(user: User) -> list[dict[str, Any]]:
    events = AuditEvent.objects.filter(Q(actor=user) | Q(subject=user)).order_by("-id")
    return [
        {
            "at": e.at,
            "event": e.kind,
            "by": e.actor_label or "JTL Cloud",
            "ip": e.ip,
            "browser": e.user_agent,
            "details": e.data,
        }
        for e in events[:LONG_LIST]
    ]
