"""Alert rules with their state, opt-in subscriptions, notifications and their delivery log.

A rule's state lives on the rule itself (one row to read per ingest batch):
``ok`` or ``firing`` and since when. Changes of state are made by
conditional updates (``WHERE state = old``), so of two workers that see the
same change only one notifies.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from jtlcloud.accounts.models import User
from jtlcloud.installations.models import Installation
from jtlcloud.telemetry.models import Severity


class RuleKind(models.TextChoices):
    THRESHOLD = "threshold", "Threshold on a channel"
    OFFLINE = "offline", "Installation offline"
    EVENT = "event", "Events of a severity or worse"


class Comparison(models.TextChoices):
    ABOVE = "above", "above"
    BELOW = "below", "below"


class RuleState(models.TextChoices):
    OK = "ok", "OK"
    FIRING = "firing", "Firing"


class AlertRule(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    installation = models.ForeignKey(
        Installation, on_delete=models.CASCADE, related_name="alert_rules"
    )
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=16, choices=RuleKind.choices)
    # Threshold rules.
    channel = models.CharField(max_length=200, blank=True)
    comparison = models.CharField(max_length=8, choices=Comparison.choices, blank=True)
    threshold = models.FloatField(null=True, blank=True)
    # Offline rules.
    offline_minutes = models.PositiveIntegerField(null=True, blank=True)
    # Event rules.
    min_severity = models.CharField(max_length=10, choices=Severity.choices, blank=True)

    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    # State. Event rules have no lasting condition: they stay ``ok`` and only
    # remember when they last matched.
    state = models.CharField(max_length=8, choices=RuleState.choices, default=RuleState.OK)
    state_since = models.DateTimeField(default=timezone.now)
    state_value = models.FloatField(null=True, blank=True)  # the reading that changed it
    last_triggered_at = models.DateTimeField(null=True, blank=True)
    # Event rules: events up to this id were looked at (new events have larger ids).
    last_event_id = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["installation", "kind"], name="alertrule_inst_kind")]

    def __str__(self) -> str:
        return self.name

    @property
    def firing(self) -> bool:
        return self.state == RuleState.FIRING

    def condition(self) -> str:
        """The rule in words, e.g. “flow_temp above 80”."""
        if self.kind == RuleKind.THRESHOLD:
            return f"{self.channel} {self.comparison} {self.threshold:g}"
        if self.kind == RuleKind.OFFLINE:
            return f"no data for {self.offline_minutes} minutes"
        label = Severity(self.min_severity).label.lower() if self.min_severity else "?"
        return f"an event of severity {label} or worse"


class Subscription(models.Model):
    """One person's opt-in to the notifications of one rule."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="alert_subscriptions")
    rule = models.ForeignKey(AlertRule, on_delete=models.CASCADE, related_name="subscriptions")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "rule"], name="alert_subscription_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.rule_id}"


class NotificationKind(models.TextChoices):
    FIRED = "fired", "Started"
    CLEARED = "cleared", "Cleared"
    EVENTS = "events", "Events"


class Notification(models.Model):
    """Something a rule has to tell its subscribers; kept after the rule is deleted."""

    installation = models.ForeignKey(
        Installation, on_delete=models.CASCADE, related_name="alert_notifications"
    )
    rule = models.ForeignKey(
        AlertRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="notifications"
    )
    rule_name = models.CharField(max_length=100)  # a snapshot, for the log
    kind = models.CharField(max_length=8, choices=NotificationKind.choices)
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.rule_name} {self.kind}"


class DeliveryOutcome(models.TextChoices):
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    NO_ACCESS = "no_access", "Not sent: no access any more"


class Delivery(models.Model):
    """The delivery log: who was told of which notification, when, and how it went."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="alert_deliveries")
    email = models.EmailField(blank=True)  # the address it went to
    outcome = models.CharField(max_length=10, choices=DeliveryOutcome.choices)
    error = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.notification_id} → {self.user_id}: {self.outcome}"
