"""The tamper-evident audit trail: the check names the first altered entry; staff browse it."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from jtlcloud.audit.models import AuditEvent
from jtlcloud.audit.services import record_event
from tests.conftest import GOOD_PIN, log_in

pytestmark = pytest.mark.django_db


def _events(n: int) -> list[AuditEvent]:
    return [record_event(f"test.event{i}", target=f"thing:{i}") for i in range(n)]


def test_an_intact_chain_verifies(capsys):
    _events(5)
    call_command("verify_audit_chain")
    assert "audit chain intact" in capsys.readouterr().out


def test_an_altered_entry_is_named(capsys):
    events = _events(5)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET target = %s WHERE id = %s", ["forged", events[2].pk]
        )
    with pytest.raises(CommandError, match=f"entry #{events[2].pk}: its content"):
        call_command("verify_audit_chain")


def test_a_removed_entry_breaks_the_link_of_the_next_one():
    events = _events(5)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    with pytest.raises(CommandError, match=f"entry #{events[2].pk}: its link"):
        call_command("verify_audit_chain")


def test_a_forged_rehash_of_one_entry_is_still_caught():
    events = _events(4)
    forged = AuditEvent.objects.get(pk=events[1].pk)
    forged.target = "forged"
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET target = %s, entry_hash = %s WHERE id = %s",
            ["forged", forged.compute_hash(), forged.pk],
        )
    with pytest.raises(CommandError, match=f"entry #{events[2].pk}"):
        call_command("verify_audit_chain")


def test_staff_browse_and_filter_the_trail_with_utc_times_and_no_pin(staff_client, client, owner):
    client.post("/login", {"email": owner.email, "pin": "wrong-pin-0000"})
    log_in(client, owner)
    response = staff_client.get("/staff/audit?kind=login&who=owner@")
    assert response.status_code == 200
    body = response.content.decode()
    assert "login." in body
    assert "UTC" in body
    assert GOOD_PIN not in body and "wrong-pin-0000" not in body
    assert "test.event" not in body
    dated = staff_client.get("/staff/audit?start=2000-01-01&end=2000-01-02").content.decode()
    assert "No entries match" in dated
    assert staff_client.get("/staff/audit?page=999&start=bad").status_code == 200


def test_the_trail_is_hidden_from_users(client, owner):
    assert client.get("/staff/audit").status_code == 404
    log_in(client, owner)
    assert client.get("/staff/audit").status_code == 404
