"""Demo privacy data: a second policy version, a month of visits, requests, a disclosure."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from jtlcloud.privacy.analytics import RawView
from jtlcloud.privacy.analytics_store import store_views
from jtlcloud.privacy.models import Disclosure, PageView, PolicyVersion, PrivacyRequest
from jtlcloud.privacy.policy import load_sample_policy, publish_policy
from jtlcloud.privacy.requests import submit_request

ORDER = 40

DEMO_POLICY = Path(__file__).resolve().parent.parent / "privacy" / "policies" / "demo_policy_v2.md"

_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Mobile/15E148 Safari/604.1",
]
_PATHS = [
    ["/", "/login", "/"],
    ["/", "/privacy"],
    ["/login", "/", "/account"],
    ["/", "/contact"],
    ["/login", "/", "/account/data"],
    ["/", "/cookies", "/privacy"],
    ["/privacy", "/privacy/history", "/privacy/diff"],
]


def _visits(world: dict[str, Any]) -> None:
    if PageView.objects.exists():
        return
    rng = random.Random(40)  # noqa: S311 - demo figures, not security
    now = timezone.now()
    users = [world.get("owner"), world.get("engineer"), None, None, None]
    batch: list[RawView] = []
    for day in range(30, 0, -1):
        for _ in range(
            rng.randint(4, 14) + (0 if (now - dt.timedelta(days=day)).weekday() > 4 else 8)
        ):
            start = now - dt.timedelta(days=day, minutes=rng.randint(0, 1200))
            agent = rng.choice(_AGENTS)
            ip = f"198.51.100.{rng.randint(1, 250)}"
            user = rng.choice(users)
            previous = ""
            for step, route in enumerate(rng.choice(_PATHS)):
                batch.append(
                    RawView(
                        at=start + dt.timedelta(seconds=step * rng.randint(20, 240)),
                        route=route,
                        status=200,
                        referer=f"http://demo{previous}" if previous else "",
                        host="demo",
                        ip=ip,
                        user_agent=agent,
                        user_id=user.pk if user is not None else None,
                    )
                )
                previous = route
    with transaction.atomic():
        store_views(batch)


def seed(world: dict[str, Any]) -> None:
    load_sample_policy()
    if not PolicyVersion.objects.filter(number=2).exists():
        publish_policy(
            world.get("officer"),
            body_markdown=DEMO_POLICY.read_text(encoding="utf-8"),
            effective_date=timezone.now().date(),
            change_summary=(
                "We explain visit analytics and how to object, list the cookies page, "
                "and describe your data page, erasure and complaints."
            ),
            notify=False,
        )
    _visits(world)
    owner, engineer, officer = world.get("owner"), world.get("engineer"), world.get("officer")
    if engineer is not None and not PrivacyRequest.objects.filter(requester=engineer).exists():
        submit_request(
            None,
            kind="correction",
            requester=engineer,
            name=engineer.name,
            email=engineer.email,
            details="My company is now called Acme Service Partners Ltd.",
        )
    if not PrivacyRequest.objects.filter(kind="complaint").exists():
        submit_request(
            None,
            kind="complaint",
            requester=None,
            name="Pat Visitor",
            email="pat@example.com",
            details="I received an email I did not expect after registering.",
        )
    if officer is not None and owner is not None and not Disclosure.objects.exists():
        from jtlcloud.privacy.disclosures import _reference

        Disclosure.objects.create(
            reference=_reference(),
            subject=owner,
            subject_label=owner.email,
            data_description="Login times and IP addresses, 1 to 31 March 2026",
            recipient="Example Constabulary, Digital Investigations Unit",
            legal_basis="Production order under the Police and Criminal Evidence Act 1984, s.9",
            approver=officer,
            approver_label=officer.email,
            disclosed_on=timezone.now().date() - dt.timedelta(days=12),
            recorded_by_label=officer.email,
        )
