"""The isolation matrix's building blocks: the world of people, the case format, the registry.

Adding cases for your URLs
==========================

Write a module ``tests/access/cases_<area>.py`` (e.g. ``cases_telemetry.py``)
that exports ``CASES: list[Case]`` and, optionally, ``EXEMPT: dict[str, str]``
(URL name or route -> why it does not address an installation). You never
edit this file or the test: ``test_isolation_matrix.py`` collects every
``cases_*.py`` module.

A ``Case`` says, for one URL and HTTP method:

- ``name``: the URL name (``"installation-access"``; namespaced for the API,
  e.g. ``"api-v1:series"``) -- or ``route``: the route exactly as Django lists
  it (``"api/v1/installations/<code>/series"``). One of the two. For routes of
  the ninja API, give ``route`` and ``method``: the matrix requires a case for
  every (route, method) pair the API serves.
- ``method``: ``"GET"`` (default), ``"POST"``, ``"PUT"``, ``"PATCH"``, ``"DELETE"``.
- ``allowed``: ``{role: expected status}`` for the roles that may use it,
  e.g. ``{OWNER_ADMIN: 200, OFFICER: 200}``. Every role not named must be
  refused: 404 with none of ``world.markers`` in the body (anonymous and
  suspended people may instead get 401 or a redirect to the login page).
  Role names and handy groups (``DATA_READERS``, ``EXPORTERS`` ...) are below.
- ``kwargs(world) -> dict``: the URL's parameters; default ``{"code": installation code}``.
- ``data(world) -> dict | str``: the request body (form fields, or a JSON string
  with ``content_type="application/json"``). Default: none.
- ``query``: a query string without ``?`` (e.g. ``"start=...&points=100"``).
- ``auth(client, user, world) -> dict[str, str]``: how to authenticate; returns
  extra headers. Default ``session_auth``: a session login, with a proved
  second factor for staff. For API tokens, write a function that mints a
  token for ``user`` and returns ``{"Authorization": f"Bearer {raw}"}``.
- ``setup(world)``: adds what the URL needs (readings, events, an alert rule)
  before the requests; append any data that must never leak to ``world.markers``.
- ``check(response, role, world)``: an optional extra assertion on allowed answers.

Each role's request runs in a savepoint that is rolled back, so a case that
changes something (revoking, approving) sees the same world for every role.

The roles
=========

Allowed kinds: ``owner_admin``, ``owner_member`` (of the owner organisation),
``grantee_viewer`` and ``grantee_technician`` (personal grants on the
installation), ``org_grantee`` (member of an organisation holding a viewer grant
on all of the owner's installations), ``invited_grantee`` (granted by email
before registering), ``support`` and ``officer`` (staff). Grantees have accepted
the data-use terms.

Outsiders (``OUTSIDERS``): ``other_org``, ``expired``, ``revoked``,
``suspended_grant``, ``suspended_user``, ``pending_only``, ``other_installation``
(grant on the owner's other installation), ``revoked_org_member`` (member of an
organisation whose organisation grant was revoked), ``anonymous``.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from jtlcloud.accounts.models import Membership, MembershipRole, Organisation, StaffRole, User
from jtlcloud.installations.access import DATA_USE_TERMS_VERSION
from jtlcloud.installations.models import (
    AccessRequest,
    DataUseAcknowledgement,
    Grant,
    GrantRole,
    Installation,
    InstallationKey,
)
from jtlcloud.lib.secrets import new_secret

OWNER_ADMIN = "owner_admin"
OWNER_MEMBER = "owner_member"
GRANTEE_VIEWER = "grantee_viewer"
GRANTEE_TECHNICIAN = "grantee_technician"
ORG_GRANTEE = "org_grantee"
INVITED_GRANTEE = "invited_grantee"
SUPPORT = "support"
OFFICER = "officer"

OTHER_ORG = "other_org"
EXPIRED = "expired"
REVOKED = "revoked"
SUSPENDED_GRANT = "suspended_grant"
SUSPENDED_USER = "suspended_user"
PENDING_ONLY = "pending_only"
OTHER_INSTALLATION = "other_installation"
REVOKED_ORG_MEMBER = "revoked_org_member"
ANONYMOUS = "anonymous"

GRANTEES = (GRANTEE_VIEWER, GRANTEE_TECHNICIAN, ORG_GRANTEE, INVITED_GRANTEE)
OUTSIDERS = (
    OTHER_ORG,
    EXPIRED,
    REVOKED,
    SUSPENDED_GRANT,
    SUSPENDED_USER,
    PENDING_ONLY,
    OTHER_INSTALLATION,
    REVOKED_ORG_MEMBER,
    ANONYMOUS,
)
ROLES = (OWNER_ADMIN, OWNER_MEMBER, *GRANTEES, SUPPORT, OFFICER, *OUTSIDERS)
# Who sees data (Need.VIEW), exports it (Need.EXPORT), manages alert rules (Need.MANAGE_ALERTS).
DATA_READERS = (OWNER_ADMIN, OWNER_MEMBER, *GRANTEES, OFFICER)
EXPORTERS = (OWNER_ADMIN, OWNER_MEMBER, GRANTEE_TECHNICIAN, OFFICER)
ALERT_MANAGERS = (OWNER_ADMIN, OWNER_MEMBER, GRANTEE_TECHNICIAN)


def only(roles: tuple[str, ...] | list[str], status: int) -> dict[str, int]:
    """``{role: status}`` for each of ``roles``: ``allowed=only(DATA_READERS, 200)``."""
    return dict.fromkeys(roles, status)


@dataclass
class World:
    installation: Installation
    other_installation: Installation
    owner_org: Organisation
    people: dict[str, User | None]
    key: InstallationKey
    spare_grant: Grant
    suspended_grant: Grant
    pending_request: AccessRequest
    # Strings that must never appear in a refused answer.
    markers: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


def session_auth(client: Client, user: User, world: World) -> dict[str, str]:
    """Log in by session; staff also prove a second factor, as the site demands of them."""
    client.force_login(user)
    if user.is_staff:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return {}


Kwargs = Callable[[World], Mapping[str, Any]]


@dataclass(frozen=True)
class Case:
    allowed: Mapping[str, int]
    name: str = ""
    route: str = ""
    method: str = "GET"
    kwargs: Kwargs | None = None
    data: Callable[[World], Any] | None = None
    content_type: str | None = None
    query: str = ""
    auth: Callable[[Client, User, World], dict[str, str]] = session_auth
    setup: Callable[[World], None] | None = None
    check: Callable[[Any, str, World], None] | None = None

    @property
    def label(self) -> str:
        return f"{self.method} {self.name or self.route}"


def _person(email: str, org: Organisation | None = None, **fields: Any) -> User:
    fields.setdefault("name", email.split("@")[0].replace(".", " ").title())
    fields.setdefault("company", org.name if org else "Independent")
    user = User.objects.create_user(email, None, email_verified_at=timezone.now(), **fields)
    if org is not None:
        Membership.objects.create(user=user, organisation=org, role=MembershipRole.MEMBER)
    return user


def build_world() -> World:
    """Two installations of one owner, and one person of every role."""
    now = timezone.now()
    owner_org = Organisation.objects.create(name="Matrix Owner Org")
    installation = Installation.objects.create(
        owner=owner_org,
        name="Matrix Boiler Alpha",
        site_address="7 Hidden Lane, Alphaton",
        description="alpha-private-notes",
    )
    other = Installation.objects.create(
        owner=owner_org, name="Matrix Heat Pump Beta", site_address="9 Beta Road"
    )
    secret = new_secret("jtlk")
    key = InstallationKey.objects.create(
        installation=installation, label="matrix", prefix=secret.prefix, key_hash=secret.hashed
    )
    grantee_org = Organisation.objects.create(name="Grantee Org")
    revoked_org = Organisation.objects.create(name="Revoked Grantee Org")
    stranger_org = Organisation.objects.create(name="Stranger Org")

    admin = _person("admin@owner.example")
    Membership.objects.create(user=admin, organisation=owner_org, role=MembershipRole.ADMIN)
    people: dict[str, User | None] = {
        OWNER_ADMIN: admin,
        OWNER_MEMBER: _person("member@owner.example", owner_org),
        GRANTEE_VIEWER: _person("viewer@provider.example"),
        GRANTEE_TECHNICIAN: _person("tech@provider.example"),
        ORG_GRANTEE: _person("colleague@grantee.example", grantee_org),
        SUPPORT: _person("support@jtl.example", staff_role=StaffRole.SUPPORT),
        OFFICER: _person("officer@jtl.example", staff_role=StaffRole.OFFICER),
        OTHER_ORG: _person("eve@stranger.example", stranger_org),
        EXPIRED: _person("expired@provider.example"),
        REVOKED: _person("revoked@provider.example"),
        SUSPENDED_GRANT: _person("suspended@provider.example"),
        SUSPENDED_USER: _person("banned@provider.example"),
        PENDING_ONLY: _person("pending@provider.example"),
        OTHER_INSTALLATION: _person("beta@provider.example"),
        REVOKED_ORG_MEMBER: _person("former@revoked.example", revoked_org),
        ANONYMOUS: None,
    }

    def grant(role: str, person: str | None, **fields: Any) -> Grant:
        user = people[person] if person else None
        fields.setdefault("installation", installation)
        return Grant.objects.create(
            owner=owner_org,
            role=role,
            grantee_user=user,
            grantee_email=fields.pop("email", user.email if user else ""),
            granted_by=admin,
            **fields,
        )

    grant(GrantRole.VIEWER, GRANTEE_VIEWER, expires_at=now + timedelta(days=1))
    grant(GrantRole.TECHNICIAN, GRANTEE_TECHNICIAN, reference="job 1")
    grant(GrantRole.VIEWER, None, installation=None, grantee_org=grantee_org, email="")
    grant(GrantRole.TECHNICIAN, EXPIRED, expires_at=now - timedelta(minutes=1))
    grant(GrantRole.TECHNICIAN, REVOKED, revoked_at=now - timedelta(minutes=1), revoked_by=admin)
    suspended = grant(
        GrantRole.TECHNICIAN, SUSPENDED_GRANT, suspended_at=now, suspend_reason="misuse"
    )
    grant(GrantRole.TECHNICIAN, SUSPENDED_USER)
    grant(GrantRole.TECHNICIAN, OTHER_INSTALLATION, installation=other)
    grant(
        GrantRole.TECHNICIAN,
        None,
        installation=None,
        grantee_org=revoked_org,
        email="",
        revoked_at=now,
        revoked_by=admin,
    )
    # Granted by email before the person registered; they registered since.
    grant(GrantRole.VIEWER, None, email="invited@provider.example")
    people[INVITED_GRANTEE] = _person("invited@provider.example")
    spare = grant(GrantRole.VIEWER, None, email="spare@provider.example")
    pending_user = people[PENDING_ONLY]
    assert pending_user is not None
    pending = AccessRequest.objects.create(
        installation=installation, requester=pending_user, message="please"
    )
    suspended_user = people[SUSPENDED_USER]
    assert suspended_user is not None
    User.objects.filter(pk=suspended_user.pk).update(is_active=False)
    for role in (*GRANTEES, EXPIRED, REVOKED, SUSPENDED_GRANT, SUSPENDED_USER):
        person = people[role]
        assert person is not None
        DataUseAcknowledgement.objects.create(
            user=person, owner=owner_org, version=DATA_USE_TERMS_VERSION
        )
    return World(
        installation=installation,
        other_installation=other,
        owner_org=owner_org,
        people=people,
        key=key,
        spare_grant=spare,
        suspended_grant=suspended,
        pending_request=pending,
        markers=[
            installation.name,
            installation.site_address,
            installation.description,
            installation.request_code,
            key.prefix,
        ],
    )


def collect_cases() -> tuple[list[Case], dict[str, str]]:
    """Every ``CASES`` and ``EXEMPT`` of the ``tests/access/cases_*.py`` modules."""
    import tests.access as package

    cases: list[Case] = []
    exempt: dict[str, str] = {}
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.name.startswith("cases_"):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            cases.extend(getattr(module, "CASES", []))
            exempt.update(getattr(module, "EXEMPT", {}))
    return cases, exempt
