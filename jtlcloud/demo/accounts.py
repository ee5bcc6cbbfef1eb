"""Demo people and organisations. Their PINs are printed by the demo command: demo only."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from jtlcloud.accounts.models import Membership, MembershipRole, Organisation, StaffRole, User


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    pin: str


DEMO_LOGINS = [
    DemoLogin("owner admin (Northwind Heating)", "olivia@northwind.example", "warm-radiator-27"),
    DemoLogin("service engineer (Acme Service)", "sam@acme-service.example", "spanner-and-gauge"),
    DemoLogin("officer (JTL staff)", "officer@jtl.example", "ledger-of-records"),
]


def _user(email: str, pin: str, name: str, company: str, **extra: object) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email, pin, name=name, company=company, email_verified_at=timezone.now(), **extra
        )
    return user


ORDER = 10


def seed(world: dict[str, object]) -> None:
    """Create (once) the demo organisations and people; put them in ``world`` by role."""
    owner_org, _ = Organisation.objects.get_or_create(name="Northwind Heating Ltd")
    service_org, _ = Organisation.objects.get_or_create(name="Acme Service Partners")
    owner = _user(DEMO_LOGINS[0].email, DEMO_LOGINS[0].pin, "Olivia Owner", "Northwind Heating Ltd")
    engineer = _user(
        DEMO_LOGINS[1].email, DEMO_LOGINS[1].pin, "Sam Engineer", "Acme Service Partners"
    )
    officer = _user(
        DEMO_LOGINS[2].email,
        DEMO_LOGINS[2].pin,
        "Olu Officer",
        "JTL Ltd",
        staff_role=StaffRole.OFFICER,
    )
    Membership.objects.get_or_create(
        user=owner, organisation=owner_org, defaults={"role": MembershipRole.ADMIN}
    )
    Membership.objects.get_or_create(
        user=engineer, organisation=service_org, defaults={"role": MembershipRole.MEMBER}
    )
    world.update(
        owner_org=owner_org,
        service_org=service_org,
        owner=owner,
        engineer=engineer,
        officer=officer,
    )
