"""The alerts tab of an installation: rules with their state, rule forms, subscriptions;
and the one-click unsubscribe that alert emails link to."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jtlcloud.alerts import services
from jtlcloud.alerts.models import AlertRule, Subscription
from jtlcloud.alerts.notify import unsubscribe_by_token
from jtlcloud.installations.access import Access, Need, access_installation
from jtlcloud.installations.access_log import record_access
from jtlcloud.installations.models import AccessKind
from jtlcloud.telemetry.models import Channel
from jtlcloud.web.views.alerts_forms import NewRuleForm, RuleForm, SubscriptionForm
from jtlcloud.web.views.telemetry import current_user, page_context


def _open(request: HttpRequest, code: UUID, need: str) -> Access:
    return access_installation(current_user(request), code, need, request=request)


def _rule(access: Access, rule: UUID) -> AlertRule:
    found = AlertRule.objects.filter(installation=access.installation, code=rule).first()
    if found is None:
        raise Http404
    return found


def _posted(request: HttpRequest) -> QueryDict | None:
    # An empty POST is still a submission (and so a 400), not a request for the blank form.
    return request.POST if request.method == "POST" else None


def _may_subscribe(access: Access) -> bool:
    # Staff reach an installation to investigate, not to be kept informed about it.
    return access.via in {"owner", "grant"}


def _channels(access: Access) -> list[str]:
    return list(
        Channel.objects.filter(installation=access.installation).values_list("name", flat=True)
    )


@login_required
@require_GET
def rules(request: HttpRequest, code: UUID) -> HttpResponse:
    access = _open(request, code, Need.VIEW)
    user = current_user(request)
    # The page shows rule states and latest values: data, so the owner's access log hears of it.
    record_access(request, user, access, AccessKind.DASHBOARD, "alerts")
    rule_list = list(AlertRule.objects.filter(installation=access.installation))
    subscribed = set(
        Subscription.objects.filter(user=user, rule__in=rule_list).values_list("rule_id", flat=True)
    )
    latest = dict(
        Channel.objects.filter(installation=access.installation).values_list("name", "last_value")
    )
    rows = [(rule, rule.pk in subscribed, latest.get(rule.channel)) for rule in rule_list]
    return render(
        request,
        "alerts/rules.html",
        page_context(
            access,
            "alerts",
            rows=rows,
            can_manage=access.allows(Need.MANAGE_ALERTS),
            can_subscribe=_may_subscribe(access),
        ),
    )


def _form_page(
    request: HttpRequest, access: Access, form: RuleForm, rule: AlertRule | None
) -> HttpResponse:
    return render(
        request,
        "alerts/rule_form.html",
        page_context(access, "alerts", form=form, rule=rule, channels=_channels(access)),
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def rule_new(request: HttpRequest, code: UUID) -> HttpResponse:
    access = _open(request, code, Need.MANAGE_ALERTS)
    form = NewRuleForm(_posted(request), initial={"kind": "threshold"})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        subscribe = bool(data.pop("subscribe")) and _may_subscribe(access)
        rule = services.create_rule(
            current_user(request), access.installation, request, subscribe=subscribe, **data
        )
        messages.success(request, f"Rule “{rule.name}” is created.")
        return redirect("installation-alerts", code=access.installation.code)
    return _form_page(request, access, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, code: UUID, rule: UUID) -> HttpResponse:
    access = _open(request, code, Need.MANAGE_ALERTS)
    found = _rule(access, rule)
    initial = {name: getattr(found, name) for name in services.RULE_FIELDS}
    form = RuleForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = services.update_rule(current_user(request), found, request, **form.cleaned_data)
        messages.success(request, "Saved." if changed else "Nothing changed.")
        return redirect("installation-alerts", code=access.installation.code)
    return _form_page(request, access, form, found)


@login_required
@require_http_methods(["GET", "POST"])
def rule_delete(request: HttpRequest, code: UUID, rule: UUID) -> HttpResponse:
    access = _open(request, code, Need.MANAGE_ALERTS)
    found = _rule(access, rule)
    if request.method == "POST":
        services.delete_rule(current_user(request), found, request)
        messages.success(request, f"Rule “{found.name}” is deleted.")
        return redirect("installation-alerts", code=access.installation.code)
    return render(request, "alerts/rule_delete.html", page_context(access, "alerts", rule=found))


@login_required
@require_POST
def subscription(request: HttpRequest, code: UUID, rule: UUID) -> HttpResponse:
    access = _open(request, code, Need.VIEW)
    if not _may_subscribe(access):
        raise Http404
    found = _rule(access, rule)
    form = SubscriptionForm(request.POST)
    if not form.is_valid():
        return render(request, "errors/error.html", {"title": "Bad request"}, status=400)
    user = current_user(request)
    if form.cleaned_data["subscribe"]:
        services.subscribe_rule(user, found, request)
        messages.success(request, f"You will be emailed about “{found.name}”.")
    else:
        services.unsubscribe_rule(user, found, request)
        messages.success(request, f"You get no more emails about “{found.name}”.")
    return redirect("installation-alerts", code=access.installation.code)


@csrf_exempt  # one-click unsubscribe by a mail client (RFC 8058): the token is the credential
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        if not unsubscribe_by_token(token, request):
            return render(request, "auth/link_invalid.html", status=404)
        return render(request, "alerts/unsubscribed.html")
    return render(request, "alerts/unsubscribe.html", {"token": token})
