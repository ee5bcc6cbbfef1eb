"""The shared test world: a real SMTP server, cheap Argon2, and the people of every test.

People: ``owner`` (admin of the owner organisation), ``member`` (member of it),
``outsider`` (another company, no grant), ``support`` and ``officer`` (staff).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client, TestCase
from django.utils import timezone

from jtlcloud.accounts.models import Membership, MembershipRole, Organisation, StaffRole, User
from tests.mail import Mailbox

GOOD_PIN = "blue-kettle-sings"


@pytest.fixture(scope="session", autouse=True)
def _no_stray_connections_at_the_end(
    django_db_setup: None, django_db_blocker: Any
) -> Iterator[None]:
    """Live-server threads may leave PostgreSQL sessions open; they would stop the test
    database from being dropped at the end of the run."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[Mailbox]:
    mailbox = Mailbox()
    mailbox.start()
    yield mailbox
    mailbox.stop()


@pytest.fixture(autouse=True)
def _test_settings(settings: Any, smtp_server: Mailbox) -> None:
    # Argon2id stays Argon2id; only its memory cost drops so hundreds of hashes stay quick.
    settings.JTL_ARGON2_MEMORY_KIB = 512
    settings.JTL_ARGON2_PARALLELISM = 1
    settings.JTL_ARGON2_TIME_COST = 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.JTL_REQUIRE_SECOND_FACTOR = False
    settings.JTL_SITE_URL = "http://testserver"


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def mailbox(smtp_server: Mailbox) -> Mailbox:
    smtp_server.clear()
    return smtp_server


class CommittingClient(Client):
    """A test client whose requests run their on-commit callbacks, as a real commit would.

    Tests run inside a transaction that is rolled back, so without this no
    email queued with ``transaction.on_commit`` would ever be sent.
    """

    def request(self, **request: Any) -> Any:
        with TestCase.captureOnCommitCallbacks(execute=True):
            return super().request(**request)


@pytest.fixture
def client() -> CommittingClient:
    return CommittingClient()


def make_user(email: str, pin: str = GOOD_PIN, *, verified: bool = True, **fields: Any) -> User:
    fields.setdefault("name", email.split("@")[0].title())
    fields.setdefault("company", "Example Ltd")
    return User.objects.create_user(
        email, pin, email_verified_at=timezone.now() if verified else None, **fields
    )


@pytest.fixture
def owner_org(db: None) -> Organisation:
    return Organisation.objects.create(name="Northwind Heating")


@pytest.fixture
def service_org(db: None) -> Organisation:
    return Organisation.objects.create(name="Acme Service")


@pytest.fixture
def owner(owner_org: Organisation) -> User:
    user = make_user("owner@northwind.example", name="Olivia Owner")
    Membership.objects.create(user=user, organisation=owner_org, role=MembershipRole.ADMIN)
    return user


@pytest.fixture
def member(owner_org: Organisation) -> User:
    user = make_user("member@northwind.example", name="Mo Member")
    Membership.objects.create(user=user, organisation=owner_org, role=MembershipRole.MEMBER)
    return user


@pytest.fixture
def engineer(service_org: Organisation) -> User:
    user = make_user("sam@acme.example", name="Sam Engineer", company="Acme Service")
    Membership.objects.create(user=user, organisation=service_org, role=MembershipRole.MEMBER)
    return user


@pytest.fixture
def outsider(db: None) -> User:
    return make_user("eve@elsewhere.example", name="Eve Outsider", company="Elsewhere")


@pytest.fixture
def support(db: None) -> User:
    return make_user("support@jtl.example", name="Sue Support", staff_role=StaffRole.SUPPORT)


@pytest.fixture
def officer(db: None) -> User:
    return make_user("officer@jtl.example", name="Olu Officer", staff_role=StaffRole.OFFICER)


def log_in(client: Client, user: User, pin: str = GOOD_PIN) -> None:
    """Log in through the real login form (no second factor set up)."""
    response = client.post("/login", {"email": user.email, "pin": pin})
    assert response.status_code == 302, response.content[:500]
