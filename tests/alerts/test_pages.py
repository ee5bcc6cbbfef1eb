"""The Alerts tab: what each person sees and may do, the forms, bad input, and outsiders."""

from __future__ import annotations

import pytest

from jtlcloud.alerts.models import AlertRule, RuleState, Subscription
from jtlcloud.audit.models import AuditEvent
from jtlcloud.privacy.personal_data import as_json_document
from tests.alerts.conftest import send, threshold_rule
from tests.conftest import log_in

pytestmark = pytest.mark.django_db


def alerts_url(installation, suffix=""):
    return f"/installations/{installation.code}/alerts{suffix}"


def rule_url(installation, rule, action):
    return alerts_url(installation, f"/{rule.code}/{action}")


def test_the_installation_tabs_link_to_the_alerts_page(client, installation, owner):
    log_in(client, owner)
    page = client.get(f"/installations/{installation.code}/dashboard").content.decode()
    assert f'href="/installations/{installation.code}/alerts"' in page


def test_the_alerts_page_lists_rules_with_their_state(client, key, installation, owner):
    threshold_rule(installation, owner)
    threshold_rule(
        installation,
        owner,
        name="Return cold",
        channel="return_temp",
        comparison="below",
        threshold=10.0,
    )
    send(client, key, 95)
    log_in(client, owner)
    page = client.get(alerts_url(installation)).content.decode()
    assert "Flow too hot" in page and "flow_temp above 80" in page
    assert "firing" in page and "Return cold" in page and "OK" in page
    assert "New rule" in page and "Subscribe" in page


def test_looking_at_the_alerts_page_is_written_to_the_owners_access_log(
    client, installation, owner, viewer
):
    from jtlcloud.installations.models import AccessLogEntry

    log_in(client, viewer)
    assert client.get(alerts_url(installation)).status_code == 200
    entry = AccessLogEntry.objects.get(installation=installation)
    assert (entry.user, entry.detail, entry.via) == (viewer, "alerts", "grant")


def test_a_new_rule_form_has_no_ticked_subscription_box(client, installation, owner):
    log_in(client, owner)
    page = client.get(alerts_url(installation, "/new")).content.decode()
    assert 'name="subscribe"' in page
    box = page[page.index('name="subscribe"') - 200 : page.index('name="subscribe"') + 200]
    assert "checked" not in box


def test_the_owner_creates_a_rule_without_being_subscribed(client, installation, owner):
    log_in(client, owner)
    response = client.post(
        alerts_url(installation, "/new"),
        {
            "name": "Hot",
            "kind": "threshold",
            "channel": "flow_temp",
            "comparison": "above",
            "threshold": "80",
            "offline_minutes": "5",
            "min_severity": "alarm",
        },
    )
    assert response.status_code == 302
    rule = AlertRule.objects.get()
    assert (rule.kind, rule.channel, rule.threshold) == ("threshold", "flow_temp", 80.0)
    assert rule.offline_minutes is None and rule.min_severity == ""  # other kinds' fields dropped
    assert rule.created_by == owner
    assert not Subscription.objects.exists()
    assert AuditEvent.objects.filter(kind="alerts.rule_created", actor=owner).exists()


def test_ticking_the_box_subscribes_the_creator(client, installation, technician):
    log_in(client, technician)
    response = client.post(
        alerts_url(installation, "/new"),
        {"name": "Silent", "kind": "offline", "offline_minutes": "30", "subscribe": "on"},
    )
    assert response.status_code == 302
    assert Subscription.objects.filter(user=technician).count() == 1
    assert AuditEvent.objects.filter(kind="alerts.subscribed", actor=technician).exists()


def test_editing_a_condition_starts_the_rule_again_from_ok(client, key, installation, owner):
    rule = threshold_rule(installation, owner)
    send(client, key, 95)
    log_in(client, owner)
    response = client.post(
        rule_url(installation, rule, "edit"),
        {
            "name": "Flow too hot",
            "kind": "threshold",
            "channel": "flow_temp",
            "comparison": "above",
            "threshold": "99",
        },
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.threshold == 99 and rule.state == RuleState.OK
    assert AuditEvent.objects.filter(kind="alerts.rule_changed").exists()


def test_deleting_asks_first_then_removes_the_rule_and_its_subscriptions(
    client, installation, owner, member
):
    rule = threshold_rule(installation, owner, member)
    log_in(client, owner)
    assert b"Delete the rule" in client.get(rule_url(installation, rule, "delete")).content
    assert AlertRule.objects.exists()
    assert client.post(rule_url(installation, rule, "delete")).status_code == 302
    assert not AlertRule.objects.exists() and not Subscription.objects.exists()
    assert AuditEvent.objects.filter(kind="alerts.rule_deleted").exists()


def test_a_viewer_may_subscribe_and_unsubscribe_but_not_manage_rules(
    client, installation, owner, viewer
):
    rule = threshold_rule(installation, owner)
    log_in(client, viewer)
    page = client.get(alerts_url(installation)).content.decode()
    assert "Flow too hot" in page and "New rule" not in page and "Edit" not in page
    subscription = rule_url(installation, rule, "subscription")
    assert client.post(subscription, {"subscribe": "1"}).status_code == 302
    assert Subscription.objects.filter(user=viewer, rule=rule).exists()
    assert "Subscribed" in client.get(alerts_url(installation)).content.decode()
    assert client.post(subscription, {"subscribe": "0"}).status_code == 302
    assert not Subscription.objects.filter(user=viewer).exists()
    assert client.get(alerts_url(installation, "/new")).status_code == 404
    assert client.post(rule_url(installation, rule, "delete")).status_code == 404
    assert AlertRule.objects.filter(pk=rule.pk).exists()


def test_staff_never_subscribe(client, installation, owner, officer):
    from tests.access.matrix import session_auth

    rule = threshold_rule(installation, owner)
    session_auth(client, officer, None)
    assert client.get(alerts_url(installation)).status_code == 200
    response = client.post(rule_url(installation, rule, "subscription"), {"subscribe": "1"})
    assert response.status_code == 404
    assert not Subscription.objects.exists()


GOOD = {
    "name": "Hot",
    "kind": "threshold",
    "channel": "flow_temp",
    "comparison": "above",
    "threshold": "80",
}


@pytest.mark.parametrize(
    "changes",
    [
        {"name": ""},
        {"name": "x" * 101},
        {"name": "bad\x00name"},
        {"kind": "nonsense"},
        {"kind": ""},
        {"channel": ""},
        {"channel": "no spaces allowed"},
        {"channel": "x" * 300},
        {"comparison": "sideways"},
        {"threshold": ""},
        {"threshold": "nan"},
        {"threshold": "inf"},
        {"threshold": "1e400"},
        {"threshold": "eighty"},
        {"kind": "offline", "offline_minutes": "0"},
        {"kind": "offline", "offline_minutes": "-5"},
        {"kind": "offline", "offline_minutes": "99999999999999999999"},
        {"kind": "offline", "offline_minutes": ""},
        {"kind": "event", "min_severity": "apocalyptic"},
        {"kind": "event"},
    ],
)
def test_bad_rule_input_is_answered_with_400_and_changes_nothing(
    client, installation, owner, changes
):
    rule = threshold_rule(installation, owner, name="Existing")
    log_in(client, owner)
    data = {**GOOD, **changes}
    assert client.post(alerts_url(installation, "/new"), data).status_code == 400
    assert client.post(rule_url(installation, rule, "edit"), data).status_code == 400
    assert AlertRule.objects.count() == 1
    rule.refresh_from_db()
    assert rule.name == "Existing"


def test_an_empty_form_post_is_a_400(client, installation, owner):
    rule = threshold_rule(installation, owner)
    log_in(client, owner)
    assert client.post(alerts_url(installation, "/new")).status_code == 400
    assert client.post(rule_url(installation, rule, "edit")).status_code == 400


@pytest.mark.parametrize("value", ["", "maybe", "2", "1" * 1000])
def test_a_bad_subscription_value_is_a_400(client, installation, owner, value):
    rule = threshold_rule(installation, owner)
    log_in(client, owner)
    response = client.post(rule_url(installation, rule, "subscription"), {"subscribe": value})
    assert response.status_code == 400
    assert not Subscription.objects.exists()


def test_an_unknown_or_foreign_rule_is_a_404(client, installation, owner, owner_org):
    from tests.telemetry.conftest import make_installation

    other = make_installation(owner_org, "Second plant")
    foreign = threshold_rule(other, owner)
    log_in(client, owner)
    for action in ("edit", "delete"):
        assert client.get(rule_url(installation, foreign, action)).status_code == 404
    assert (
        client.post(rule_url(installation, foreign, "subscription"), {"subscribe": "1"}).status_code
        == 404
    )
    assert client.get(alerts_url(installation, "/not-a-uuid/edit")).status_code == 404


def test_an_outsider_gets_404_on_every_alerts_url_and_sees_nothing(
    client, installation, owner, outsider
):
    rule = threshold_rule(installation, owner, name="Secret rule name")
    log_in(client, outsider)
    asks = [
        (client.get, alerts_url(installation)),
        (client.get, alerts_url(installation, "/new")),
        (client.post, alerts_url(installation, "/new")),
        (client.get, rule_url(installation, rule, "edit")),
        (client.post, rule_url(installation, rule, "edit")),
        (client.get, rule_url(installation, rule, "delete")),
        (client.post, rule_url(installation, rule, "delete")),
        (client.post, rule_url(installation, rule, "subscription")),
    ]
    for method, url in asks:
        response = method(url, {"subscribe": "1", **GOOD})
        assert response.status_code == 404, url
        body = response.content.decode()
        assert "Secret rule name" not in body and installation.name not in body
    assert AlertRule.objects.count() == 1 and not Subscription.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client, installation, owner):
    rule = threshold_rule(installation, owner)
    for url in (alerts_url(installation), rule_url(installation, rule, "edit")):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response["Location"]


def test_your_data_lists_subscriptions_and_alert_emails(client, key, installation, owner):
    threshold_rule(installation, owner, owner)
    send(client, key, 95)
    sections = as_json_document(owner)["sections"]
    assert sections["alert_subscriptions"][0]["rule"] == "Flow too hot"
    delivery = sections["alert_deliveries"][0]
    assert delivery["outcome"] == "Sent" and delivery["sent_to"] == owner.email
    log_in(client, owner)
    page = client.get("/account/data").content.decode()
    assert "Alert subscriptions" in page and "Alert emails" in page


def test_the_demo_seed_makes_rules_and_subscribes_the_owner_once(owner_org, owner, installation):
    from jtlcloud.demo import alerts as demo_alerts

    world = {"installations": [installation], "owner": owner, "owner_org": owner_org}
    demo_alerts.seed(world)
    demo_alerts.seed(world)
    assert AlertRule.objects.filter(installation=installation).count() == len(demo_alerts.RULES)
    assert Subscription.objects.filter(user=owner).count() == 1
