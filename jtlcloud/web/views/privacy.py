"""Public privacy pages and the user's own privacy area: policy, analytics, your data, requests."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited

from jtlcloud.accounts.models import User
from jtlcloud.lib.client_ip import client_ip
from jtlcloud.privacy import policy, preferences
from jtlcloud.privacy.models import PolicyVersion, PrivacyRequest, RequestKind
from jtlcloud.privacy.personal_data import as_json_document, collect
from jtlcloud.privacy.requests import submit_request
from jtlcloud.web.views.privacy_forms import ComplaintForm, RightsRequestForm


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # noqa: S101 - login_required guarantees it
    return request.user


def _back(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}) and target.startswith("/"):
        return target
    return default


# --- The policy -------------------------------------------------------------------------------


def _render_policy(request: HttpRequest, version: PolicyVersion, is_current: bool) -> HttpResponse:
    context = {
        "version": version,
        "body": policy.render_markdown(version.body_markdown),
        "is_current": is_current,
        "versions": PolicyVersion.objects.only("number", "effective_date"),
    }
    return render(request, "privacy/policy.html", context)


def policy_current(request: HttpRequest) -> HttpResponse:
    # /privacy is linked from every page, so it must never be missing: an empty
    # table (a fresh or flushed database) gets the shipped sample policy.
    version = policy.current_policy() or policy.load_sample_policy()
    return _render_policy(request, version, True)


# Version numbers are small; anything larger cannot exist (and would overflow the column).
MAX_VERSION = 1_000_000


def policy_version(request: HttpRequest, number: int) -> HttpResponse:
    version = PolicyVersion.objects.filter(number=number).first() if number <= MAX_VERSION else None
    if version is None:
        raise Http404
    current = policy.current_policy()
    return _render_policy(request, version, current is not None and current.pk == version.pk)


def policy_history(request: HttpRequest) -> HttpResponse:
    versions = list(PolicyVersion.objects.order_by("-number"))
    current = policy.current_policy()
    return render(
        request,
        "privacy/history.html",
        {"versions": versions, "current": current},
    )


def policy_diff(request: HttpRequest) -> HttpResponse:
    try:
        old_number = int(request.GET.get("from", ""))
        new_number = int(request.GET.get("to", ""))
    except ValueError:
        return render(request, "errors/error.html", {"title": "Choose two versions"}, status=400)
    if not (0 < old_number <= MAX_VERSION and 0 < new_number <= MAX_VERSION):
        raise Http404
    found = {v.number: v for v in PolicyVersion.objects.filter(number__in=[old_number, new_number])}
    if old_number not in found or new_number not in found:
        raise Http404
    old, new = found[old_number], found[new_number]
    context = {
        "old": old,
        "new": new,
        "lines": policy.diff_versions(old, new),
        "versions": PolicyVersion.objects.order_by("-number").only("number", "effective_date"),
    }
    return render(request, "privacy/diff.html", context)


@login_required
@require_POST
def notice_dismiss(request: HttpRequest) -> HttpResponse:
    try:
        number = int(request.POST.get("number", ""))
    except ValueError:
        number = -1
    if not 0 < number <= MAX_VERSION:
        return render(request, "errors/error.html", {"title": "Bad request"}, status=400)
    policy.dismiss_notice(_user(request), number)
    return redirect(_back(request, "/"))


@csrf_exempt  # one-click unsubscribe from a mail client: the signed token is the credential
@require_http_methods(["GET", "POST"])
def policy_emails_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        user = policy.unsubscribe(token)
        if user is None:
            return render(request, "auth/link_invalid.html", status=404)
        return render(request, "privacy/unsubscribed.html")
    return render(request, "privacy/unsubscribe.html", {"token": token})


# --- Visit analytics: the explanation and the objection ---------------------------------------


@require_http_methods(["GET", "POST"])
def analytics(request: HttpRequest) -> HttpResponse:
    user = request.user if request.user.is_authenticated else None
    if request.method == "POST":
        if isinstance(user, User):
            objected = request.POST.get("objection") != "withdraw"
            preferences.set_analytics_objection(request, user, objected)
            messages.success(
                request,
                "Done: nothing about your visits is recorded any more."
                if objected
                else "Thank you: your visits count in our statistics again.",
            )
        else:
            preferences.object_as_visitor(request)
            messages.success(request, "Done: today's visits from this browser are not recorded.")
        return redirect("privacy-analytics")
    pref = preferences.preference_for(user) if isinstance(user, User) else None
    context = {
        "objected": bool(pref and pref.analytics_objected_at),
        "gpc": request.META.get("HTTP_SEC_GPC") == "1" or request.META.get("HTTP_DNT") == "1",
        "truncated": settings.JTL_ANALYTICS_TRUNCATE_IP,
        "retention_months": round(settings.JTL_ANALYTICS_RETENTION_DAYS / 30.4),
    }
    return render(request, "privacy/analytics.html", context)


# --- The user's own area ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if request.method == "POST":
        preferences.set_policy_emails(request, user, request.POST.get("policy_emails") == "on")
        messages.success(request, "Your choice is saved.")
        return redirect("privacy-settings")
    context = {"pref": preferences.preference_for(user)}
    return render(request, "privacy/settings.html", context)


@login_required
def your_data(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    context = {
        "sections": collect(user),
        "requests": PrivacyRequest.objects.filter(requester=user).order_by("-created_at"),
    }
    return render(request, "privacy/your_data.html", context)


@login_required
def your_data_json(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    body = json.dumps(as_json_document(user), indent=2, ensure_ascii=False, default=str)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="jtl-cloud-my-data.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    initial_kind = request.GET.get("kind", RequestKind.ACCESS)
    form = RightsRequestForm(request.POST or None, initial={"kind": initial_kind})
    if request.method == "POST" and form.is_valid():
        item = submit_request(
            request,
            kind=form.cleaned_data["kind"],
            requester=user,
            name=user.name,
            email=user.email,
            details=form.cleaned_data["details"],
        )
        return render(request, "privacy/request_made.html", {"item": item})
    return render(
        request, "privacy/request_new.html", {"form": form}, status=400 if form.errors else 200
    )


# --- Complaints (from the contact page; no account needed) ------------------------------------


@require_http_methods(["GET", "POST"])
def complaint(request: HttpRequest) -> HttpResponse:
    user = request.user if isinstance(request.user, User) else None
    initial = {"name": user.name, "email": user.email} if user else {}
    form = ComplaintForm(request.POST or None, initial=initial)
    if request.method == "POST":
        limited = user is None and is_ratelimited(
            request,
            group="privacy.complaint",
            key=lambda group, req: client_ip(req),
            rate="5/h",
            increment=True,
        )
        if limited:
            form.add_error(None, "Too many complaints from your network; please email us instead.")
        elif form.is_valid():
            item = submit_request(
                request,
                kind=RequestKind.COMPLAINT,
                requester=user,
                name=form.cleaned_data["name"],
                email=user.email if user else form.cleaned_data["email"],
                details=form.cleaned_data["details"],
            )
            return render(request, "privacy/request_made.html", {"item": item})
    return render(
        request,
        "privacy/complaint.html",
        {"form": form},
        status=400 if form.errors else 200,
    )
