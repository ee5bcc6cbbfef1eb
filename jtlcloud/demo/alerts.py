"""Demo alert rules on the first demo installation; the owner subscribed to one of them."""

from __future__ import annotations

from typing import Any

from jtlcloud.accounts.models import User
from jtlcloud.alerts.models import AlertRule, RuleKind
from jtlcloud.alerts.services import create_rule
from jtlcloud.installations.models import Installation

ORDER = 50

# (name, fields, subscribe the owner). The pressure falls slowly and is topped up every
# 40 days (see plant.py), so the low-pressure rule fires now and then on its own.
RULES: list[tuple[str, dict[str, Any], bool]] = [
    (
        "System pressure low",
        {
            "kind": RuleKind.THRESHOLD,
            "channel": "system_pressure",
            "comparison": "below",
            "threshold": 1.2,
        },
        True,
    ),
    ("Alarms and worse", {"kind": RuleKind.EVENT, "min_severity": "alarm"}, False),
    ("Gateway silent", {"kind": RuleKind.OFFLINE, "offline_minutes": 30}, False),
]


def seed(world: dict[str, Any]) -> None:
    installation: Installation = world["installations"][0]
    owner: User = world["owner"]
    for name, fields, subscribe in RULES:
        if AlertRule.objects.filter(installation=installation, name=name).exists():
            continue
        create_rule(owner, installation, None, subscribe=subscribe, name=name, **fields)
