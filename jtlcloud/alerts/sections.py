"""The alerts' sections of "Your data": your subscriptions and the emails sent to you."""

from __future__ import annotations

from typing import Any

from jtlcloud.accounts.models import User
from jtlcloud.alerts.models import Delivery, Subscription
from jtlcloud.privacy.personal_data import register_section

# The longest history the page and the download list (the newest first).
LONG_LIST = 5000


@register_section(
    "alert_subscriptions",
    "Alert subscriptions",
    order=50,
    description="The alert rules you asked to be emailed about.",
)
def alert_subscriptions(user: User) -> list[dict[str, Any]]:
    return [
        {
            "installation": s.rule.installation.name,
            "rule": s.rule.name,
            "condition": s.rule.condition(),
            "subscribed_at": s.created_at,
        }
        for s in Subscription.objects.filter(user=user)
        .select_related("rule__installation")
        .order_by("created_at", "id")
    ]


@register_section(
    "alert_deliveries",
    "Alert emails",
    order=55,
    description="Alert notifications for you: when, about what, and whether they went out.",
)
def alert_deliveries(user: User) -> list[dict[str, Any]]:
    return [
        {
            "at": d.at,
            "installation": d.notification.installation.name,
            "rule": d.notification.rule_name,
            "what": d.notification.get_kind_display(),
            "sent_to": d.email,
            "outcome": d.get_outcome_display(),
        }
        for d in Delivery.objects.filter(user=user).select_related("notification__installation")[
            :LONG_LIST
        ]
    ]
