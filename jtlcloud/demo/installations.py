"""Demo installations, keys, grants, a pending request and some access-log history.

The owner (Olivia, Northwind) has three installations; the engineer (Sam,
Acme) holds a technician grant on the first that ends in a few days; a
provider from another company waits for an answer to a request; ended
grants and a fortnight of access-log entries fill the owner's pages.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.utils import timezone

from jtlcloud.accounts.models import Membership, MembershipRole, Organisation, User
from jtlcloud.installations.access import DATA_USE_TERMS_VERSION
from jtlcloud.installations.keys import KEY_KIND
from jtlcloud.installations.models import (
    AccessKind,
    AccessLogEntry,
    AccessRequest,
    DataUseAcknowledgement,
    Grant,
    GrantRole,
    Installation,
    InstallationKey,
    RequestStatus,
)
from jtlcloud.lib.secrets import hash_secret

ORDER = 20

# A fixed key, so the demo's simulated installation and the printed curl command
# keep working across re-seeds. Demo only: it is public in this file.
DEMO_KEY_PREFIX = "DemoKey1"
DEMO_KEY = f"{KEY_KIND}_{DEMO_KEY_PREFIX}_northwind-demo-key-not-secret-0123456789ab"

INSTALLATIONS = [
    (
        "Boiler house, Leeds HQ",
        "12 Wellington Street\nLeeds LS1 4DL",
        "Two 350 kW gas boilers and a thermal store for the head office.",
    ),
    (
        "Heat pump, Harrogate depot",
        "Unit 4, Hookstone Park\nHarrogate HG2 7DB",
        "Air-source heat pump with buffer tank for the vehicle depot.",
    ),
    (
        "District heating, Otley school",
        "Bridge Street\nOtley LS21 1BQ",
        "Plate heat exchanger on the council's district heating network.",
    ),
]


def _person(email: str, name: str, company: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        # No PIN: these people exist to fill the owner's pages, not to log in.
        user = User.objects.create_user(
            email, None, name=name, company=company, email_verified_at=timezone.now()
        )
    return user


def seed(world: dict[str, Any]) -> None:
    owner_org: Organisation = world["owner_org"]
    service_org: Organisation = world["service_org"]
    owner: User = world["owner"]
    engineer: User = world["engineer"]
    now = timezone.now()

    installations = []
    for name, address, description in INSTALLATIONS:
        installation, _ = Installation.objects.get_or_create(
            owner=owner_org,
            name=name,
            defaults={
                "site_address": address,
                "description": description,
                "created_at": now - timedelta(days=90),
            },
        )
        installations.append(installation)
    first = installations[0]

    if not InstallationKey.objects.filter(prefix=DEMO_KEY_PREFIX).exists():
        InstallationKey.objects.create(
            installation=first,
            label="Boiler-room gateway",
            prefix=DEMO_KEY_PREFIX,
            key_hash=hash_secret(DEMO_KEY),
            created_by=owner,
            created_at=now - timedelta(days=90),
        )

    # Sam's current, time-boxed grant; renewed when a re-seed finds it ended.
    if not Grant.objects.active().filter(grantee_user=engineer, installation=first).exists():
        Grant.objects.create(
            owner=owner_org,
            installation=first,
            grantee_user=engineer,
            grantee_email=engineer.email,
            role=GrantRole.TECHNICIAN,
            reference="Annual boiler service, job 4711",
            expires_at=now + timedelta(days=5),
            granted_by=owner,
        )
    DataUseAcknowledgement.objects.get_or_create(
        user=engineer, owner=owner_org, version=DATA_USE_TERMS_VERSION
    )

    other_org, _ = Organisation.objects.get_or_create(name="Brightwater Controls")
    rita = _person("rita@brightwater.example", "Rita Controls", "Brightwater Controls")
    Membership.objects.get_or_create(
        user=rita, organisation=other_org, defaults={"role": MembershipRole.ADMIN}
    )
    AccessRequest.objects.get_or_create(
        installation=first,
        requester=rita,
        status=RequestStatus.PENDING,
        defaults={
            "message": "We are replacing the BMS controller on Thursday and need to see the "
            "flow temperatures for the week before.",
            "created_at": now - timedelta(hours=3),
        },
    )

    priya = _person("priya@acme-service.example", "Priya Patel", "Acme Service Partners")
    Membership.objects.get_or_create(
        user=priya, organisation=service_org, defaults={"role": MembershipRole.MEMBER}
    )
    if not Grant.objects.filter(grantee_user=priya, owner=owner_org).exists():
        Grant.objects.create(
            owner=owner_org,
            installation=first,
            grantee_user=priya,
            grantee_email=priya.email,
            role=GrantRole.VIEWER,
            reference="Pump fault call-out",
            granted_by=owner,
            granted_at=now - timedelta(days=20),
            expires_at=now - timedelta(days=19),
        )
        Grant.objects.create(
            owner=owner_org,
            installation=None,
            grantee_org=other_org,
            role=GrantRole.VIEWER,
            reference="Controls survey, all sites",
            granted_by=owner,
            granted_at=now - timedelta(days=40),
            revoked_at=now - timedelta(days=30),
            revoked_by=owner,
        )

    if not AccessLogEntry.objects.filter(installation=first).exists():
        _access_history(first, owner, engineer, priya, now)

    world["installations"] = installations
    world["installation_keys"] = {str(first.code): DEMO_KEY}
    world["demo_installation_key"] = DEMO_KEY


def _access_history(
    installation: Installation, owner: User, engineer: User, priya: User, now: Any
) -> None:
    rng = random.Random(4711)  # noqa: S311 - the same demo history on every machine
    kinds = [AccessKind.DASHBOARD, AccessKind.CHART, AccessKind.EVENTS, AccessKind.EXPORT]
    entries = []
    for day in range(14, 0, -1):
        for person, org, via in (
            (engineer, "Acme Service Partners", "grant"),
            (owner, "Northwind Heating Ltd", "owner"),
        ):
            if (person is engineer and day > 4) or rng.random() < 0.4:
                continue
            kind = rng.choice(kinds)
            entries.append(
                AccessLogEntry(
                    installation=installation,
                    user=person,
                    user_label=f"{person.name} <{person.email}>",
                    organisation_label=org,
                    kind=kind,
                    detail="flow_temp, return_temp · last 7 days"
                    if kind == AccessKind.CHART
                    else "",
                    via=via,
                    at=now - timedelta(days=day, minutes=rng.randint(0, 600)),
                    ip=f"192.0.2.{rng.randint(2, 250)}",
                )
            )
    entries.append(
        AccessLogEntry(
            installation=installation,
            user=priya,
            user_label=f"{priya.name} <{priya.email}>",
            organisation_label="Acme Service Partners",
            kind=AccessKind.DASHBOARD,
            via="grant",
            at=now - timedelta(days=19, hours=20),
            ip="198.51.100.23",
        )
    )
    AccessLogEntry.objects.bulk_create(entries)
