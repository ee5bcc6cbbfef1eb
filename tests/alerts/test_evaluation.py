"""Rules judge the data as it arrives: a condition notifies once when it starts and once when it
clears, late data changes nothing, events notify once, offline rules fire from the worker."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jtlcloud.alerts.models import AlertRule, Delivery, Notification, RuleState
from jtlcloud.alerts.services import create_rule, subscribe_rule
from jtlcloud.installations.models import Installation
from tests.alerts.conftest import event, send, threshold_rule
from tests.telemetry.conftest import now_s, post_ingest

pytestmark = pytest.mark.django_db


def check_offline_now() -> str:
    """Run the worker once, committing as it would (so its emails go out)."""
    out = StringIO()
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("check_offline", stdout=out)
    return out.getvalue()


def kinds() -> list[str]:
    return list(Notification.objects.order_by("id").values_list("kind", flat=True))


def test_a_threshold_rule_fires_once_and_clears_once(client, key, installation, owner, mailbox):
    rule = threshold_rule(installation, owner, owner)
    send(client, key, 70, 75)
    assert kinds() == []
    send(client, key, 81, 85)
    send(client, key, 90)
    send(client, key, 88, 95)
    rule.refresh_from_db()
    assert rule.state == RuleState.FIRING
    assert rule.state_value == 85  # the reading that started it
    assert kinds() == ["fired"]
    send(client, key, 60)
    send(client, key, 50)
    assert kinds() == ["fired", "cleared"]
    rule.refresh_from_db()
    assert rule.state == RuleState.OK
    messages = mailbox.wait_for(2)
    assert [m["Subject"] for m in messages] == [
        "JTL Cloud alert: a rule started firing",
        "JTL Cloud alert: a rule cleared",
    ]
    assert "flow_temp is 85, above the limit of 80." in mailbox.body(messages[0])
    assert "flow_temp is 60, back within the limit of 80." in mailbox.body(messages[1])


def test_a_below_rule_fires_when_the_value_drops(client, key, installation, owner):
    threshold_rule(installation, owner, channel="pressure", comparison="below", threshold=1.0)
    send(client, key, 1.5, 1.2, channel="pressure")
    assert kinds() == []
    send(client, key, 0.8, channel="pressure")
    assert kinds() == ["fired"]


def test_late_readings_do_not_change_the_state(client, key, installation, owner):
    rule = threshold_rule(installation, owner)
    send(client, key, 90)  # fires
    send(client, key, 10, ts=now_s() - 3600)  # an hour late: not the newest reading
    rule.refresh_from_db()
    assert rule.state == RuleState.FIRING
    assert kinds() == ["fired"]


def test_a_repeated_batch_notifies_nothing_more(client, key, installation, owner):
    threshold_rule(installation, owner)
    ts = now_s()
    send(client, key, 90, ts=ts)
    send(client, key, 90, ts=ts)
    assert kinds() == ["fired"]


def test_readings_of_other_channels_and_installations_leave_the_rule_alone(
    client, key, installation, owner, owner_org
):
    from tests.telemetry.conftest import make_installation, make_key

    rule = threshold_rule(installation, owner)
    other_key = make_key(make_installation(owner_org, "Other plant"))
    send(client, key, 99, channel="return_temp")
    send(client, other_key, 99)
    rule.refresh_from_db()
    assert rule.state == RuleState.OK
    assert kinds() == []


def test_evaluation_costs_a_fixed_number_of_queries_however_many_readings(
    client, key, installation, owner
):
    threshold_rule(installation, owner)
    create_rule(owner, installation, None, name="Alarms", kind="event", min_severity="alarm")
    send(client, key, 10)

    def queries_for(count: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            send(client, key, *([20.0] * count))
        return len(captured.captured_queries)

    assert queries_for(2) == queries_for(500)


def test_an_event_rule_notifies_once_per_batch_of_new_events(
    client, key, installation, owner, mailbox
):
    rule = create_rule(owner, installation, None, name="Alarms", kind="event", min_severity="alarm")
    subscribe_rule(owner, rule)
    post_ingest(client, key, {"events": [event("a1", "warning")]})
    assert kinds() == []
    body = {"events": [event("a2", "alarm", "BURNER", "Burner lockout"), event("a3", "critical")]}
    post_ingest(client, key, body)
    post_ingest(client, key, body)  # a retry: the events are stored once, notified once
    assert kinds() == ["events"]
    text = mailbox.body(mailbox.wait_for(1)[0])
    assert "ALARM  BURNER  Burner lockout" in text
    assert "CRITICAL  E1" in text
    post_ingest(client, key, {"events": [event("a4", "alarm")]})
    assert kinds() == ["events", "events"]


def test_events_stored_before_the_rule_existed_never_notify(client, key, installation, owner):
    post_ingest(client, key, {"events": [event("old", "critical")]})
    create_rule(owner, installation, None, name="Any", kind="event", min_severity="info")
    post_ingest(client, key, {"events": [event("old", "critical")]})
    assert kinds() == []


def test_an_offline_rule_fires_from_the_worker_and_clears_when_data_comes_back(
    client, key, installation, owner, mailbox
):
    rule = create_rule(owner, installation, None, name="Silent", kind="offline", offline_minutes=15)
    subscribe_rule(owner, rule)
    send(client, key, 20)
    assert "0 fired" in check_offline_now()
    Installation.objects.filter(pk=installation.pk).update(
        last_seen_at=timezone.now() - timedelta(minutes=16)
    )
    check_offline_now()
    check_offline_now()
    assert kinds() == ["fired"]
    assert AlertRule.objects.get(pk=rule.pk).state == RuleState.FIRING
    send(client, key, 21)
    assert kinds() == ["fired", "cleared"]
    check_offline_now()
    assert kinds() == ["fired", "cleared"]
    assert len(mailbox.wait_for(2)) == 2


def test_an_installation_that_never_sent_counts_as_offline_from_the_rule_creation(
    installation, owner
):
    rule = create_rule(owner, installation, None, name="Silent", kind="offline", offline_minutes=5)
    check_offline_now()
    assert kinds() == []
    AlertRule.objects.filter(pk=rule.pk).update(created_at=timezone.now() - timedelta(minutes=6))
    check_offline_now()
    assert kinds() == ["fired"]


def test_a_mail_server_that_is_down_never_breaks_ingest_and_the_failure_is_logged(
    client, key, installation, owner, settings, caplog
):
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        settings.EMAIL_PORT = probe.getsockname()[1]
    threshold_rule(installation, owner, owner)
    send(client, key, 99)
    delivery = Delivery.objects.get()
    assert delivery.outcome == "failed"
    assert delivery.error
    assert "could not send alert notification" in caplog.text
    assert AlertRule.objects.get().state == RuleState.FIRING


def test_a_failing_evaluation_never_fails_ingest(client, key, installation, owner, monkeypatch):
    from jtlcloud.alerts import evaluate

    def broken(*args, **kwargs):
        raise RuntimeError("rule evaluation broke")

    monkeypatch.setattr(evaluate, "evaluate_batch", broken)
    threshold_rule(installation, owner, owner)
    response = send(client, key, 99)
    assert response.json()["readings"]["accepted"] == 1


def test_two_workers_that_see_the_same_change_notify_once(installation, owner):
    from jtlcloud.alerts.evaluate import _change_state

    rule = threshold_rule(installation, owner)
    stale = AlertRule.objects.get(pk=rule.pk)
    now = timezone.now()
    assert _change_state(rule, RuleState.FIRING, 90.0, now) is True
    assert _change_state(stale, RuleState.FIRING, 91.0, now) is False
    assert AlertRule.objects.get(pk=rule.pk).state_value == 90.0
