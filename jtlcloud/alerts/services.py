"""Changing rules and subscriptions: each in a transaction, each written to the audit trail."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from jtlcloud.accounts.models import User
from jtlcloud.alerts.models import AlertRule, RuleKind, RuleState, Subscription
from jtlcloud.audit.services import record_event
from jtlcloud.installations.models import Installation
from jtlcloud.telemetry.models import Event

# The fields a rule form may set; the others belong to the rule's state.
RULE_FIELDS = (
    "name",
    "kind",
    "channel",
    "comparison",
    "threshold",
    "offline_minutes",
    "min_severity",
)
_CONDITION_FIELDS = frozenset(RULE_FIELDS) - {"name"}


def _audit(
    kind: str, actor: User, request: HttpRequest | None, rule: AlertRule, **data: Any
) -> None:
    record_event(
        kind,
        actor=actor,
        request=request,
        target=f"installation:{rule.installation.code}",
        data={"rule": str(rule.code), "kind": rule.kind, **data},
    )


def _tidy(fields: dict[str, Any]) -> dict[str, Any]:
    """Only the fields of the rule's kind are kept, so a changed kind leaves nothing stale."""
    kind = fields["kind"]
    clean = {name: fields.get(name) for name in RULE_FIELDS}
    if kind != RuleKind.THRESHOLD:
        clean.update(channel="", comparison="", threshold=None)
    if kind != RuleKind.OFFLINE:
        clean["offline_minutes"] = None
    if kind != RuleKind.EVENT:
        clean["min_severity"] = ""
    return clean


def _newest_event_id(installation: Installation) -> int:
    # A new event rule starts from now: events already stored notify nobody.
    return Event.objects.filter(installation=installation).aggregate(m=Max("id"))["m"] or 0


def create_rule(
    actor: User,
    installation: Installation,
    request: HttpRequest | None = None,
    *,
    subscribe: bool = False,
    **fields: Any,
) -> AlertRule:
    with transaction.atomic():
        rule = AlertRule.objects.create(
            installation=installation,
            created_by=actor,
            last_event_id=_newest_event_id(installation),
            **_tidy(fields),
        )
        _audit("alerts.rule_created", actor, request, rule)
        if subscribe:
            subscribe_rule(actor, rule, request)
    return rule


def update_rule(
    actor: User, rule: AlertRule, request: HttpRequest | None = None, **fields: Any
) -> bool:
    """Save changes (whether any): a changed condition starts again from ``ok``, quietly."""
    new = _tidy(fields)
    changed = [name for name, value in new.items() if getattr(rule, name) != value]
    if not changed:
        return False
    with transaction.atomic():
        for name in changed:
            setattr(rule, name, new[name])
        rule.updated_at = timezone.now()
        update = ["updated_at", *changed]
        if _CONDITION_FIELDS & set(changed):
            rule.state, rule.state_since, rule.state_value = RuleState.OK, rule.updated_at, None
            rule.last_event_id = max(rule.last_event_id, _newest_event_id(rule.installation))
            update += ["state", "state_since", "state_value", "last_event_id"]
        rule.save(update_fields=update)
        _audit("alerts.rule_changed", actor, request, rule, fields=sorted(changed))
    return True


def delete_rule(actor: User, rule: AlertRule, request: HttpRequest | None = None) -> None:
    with transaction.atomic():
        _audit("alerts.rule_deleted", actor, request, rule)
        rule.delete()


def subscribe_rule(user: User, rule: AlertRule, request: HttpRequest | None = None) -> bool:
    """Opt ``user`` in to ``rule``'s emails; False if they were already."""
    with transaction.atomic():
        _subscription, created = Subscription.objects.get_or_create(user=user, rule=rule)
        if created:
            _audit("alerts.subscribed", user, request, rule)
    return created


def unsubscribe_rule(
    user: User, rule: AlertRule, request: HttpRequest | None = None, *, via: str = "page"
) -> bool:
    """Opt ``user`` out; False if they were not subscribed."""
    with transaction.atomic():
        deleted, _ = Subscription.objects.filter(user=user, rule=rule).delete()
        if deleted:
            record_event(
                "alerts.unsubscribed",
                actor=user if via == "page" else None,
                subject=user,
                request=request,
                target=f"installation:{rule.installation.code}",
                data={"rule": str(rule.code), "via": via},
            )
    return bool(deleted)
