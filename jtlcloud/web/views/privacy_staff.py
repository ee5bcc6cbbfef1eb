"""Staff pages: analytics, the request queue, people's data, the audit trail, disclosures, policy.

Everyone else gets 404 (missing and forbidden look alike). Officers alone see
the disclosures register and publish policy versions. Every staff look at one
person's personal data is written to the audit trail.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from jtlcloud.accounts.models import User
from jtlcloud.audit.models import AuditEvent
from jtlcloud.audit.services import record_event
from jtlcloud.privacy import disclosures, policy
from jtlcloud.privacy.analytics_stats import dashboard
from jtlcloud.privacy.erasure import erase_user
from jtlcloud.privacy.models import (
    Disclosure,
    PolicyVersion,
    PrivacyRequest,
    RequestKind,
    RequestStatus,
)
from jtlcloud.privacy.personal_data import collect
from jtlcloud.privacy.requests import queue, update_request
from jtlcloud.web.staff import officer_only, staff_only
from jtlcloud.web.views.privacy_forms import (
    DateRangeForm,
    DisclosureForm,
    PolicyForm,
    RequestUpdateForm,
)


def _staff(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # noqa: S101 - the decorators guarantee it
    return request.user


def _viewed(request: HttpRequest, person: User | None, what: str, target: str = "") -> None:
    """Every staff view of one person's personal data goes into the audit trail."""
    record_event(
        "staff.viewed_personal_data",
        actor=_staff(request),
        request=request,
        subject=person,
        target=target,
        data={"view": what},
    )


@staff_only
def index(request: HttpRequest) -> HttpResponse:
    context = {
        "open_requests": queue("open").count(),
        "overdue": queue("open").filter(due_at__lt=timezone.now()).count(),
    }
    return render(request, "staff/index.html", context)


# --- Analytics --------------------------------------------------------------------------------


def _date_range(request: HttpRequest) -> tuple[DateRangeForm, dt.date, dt.date]:
    today = timezone.now().date()
    form = DateRangeForm(request.GET or None)
    start, end = today - dt.timedelta(days=29), today
    if form.is_valid():
        start = form.cleaned_data["start"] or start
        end = form.cleaned_data["end"] or end
    # Keep to years that exist in the data (and far from datetime's limits).
    start = min(max(start, dt.date(2000, 1, 1)), dt.date(2100, 1, 1))
    end = min(max(end, dt.date(2000, 1, 1)), dt.date(2100, 1, 1))
    if start > end:
        start, end = end, start
    start = max(start, end - dt.timedelta(days=800))
    return form, start, end


@staff_only
def analytics(request: HttpRequest) -> HttpResponse:
    form, start, end = _date_range(request)
    context = {"form": form, "start": start, "end": end, "stats": dashboard(start, end)}
    return render(request, "staff/analytics.html", context)


@staff_only
def analytics_data(request: HttpRequest) -> JsonResponse:
    _, start, end = _date_range(request)
    return JsonResponse(dashboard(start, end))


# --- The request queue ------------------------------------------------------------------------


@staff_only
def requests_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    kind = request.GET.get("kind", "")
    context = {
        "items": queue(status, kind)[:500],
        "status": status,
        "kind": kind,
        "statuses": RequestStatus.choices,
        "kinds": RequestKind.choices,
        "now": timezone.now(),
    }
    return render(request, "staff/requests.html", context)


def _request_item(code: str) -> PrivacyRequest:
    item = PrivacyRequest.objects.filter(code=code).select_related("requester").first()
    if item is None:
        raise Http404
    return item


@staff_only
@require_http_methods(["GET", "POST"])
def request_detail(request: HttpRequest, code: str) -> HttpResponse:
    item = _request_item(code)
    form = RequestUpdateForm(
        request.POST or None,
        initial={"status": item.status, "staff_notes": item.staff_notes, "response": item.response},
    )
    if request.method == "POST" and form.is_valid():
        update_request(request, _staff(request), item, **form.cleaned_data)
        messages.success(request, f"{item.reference} is saved.")
        return redirect("staff-request", code=item.code)
    if request.method == "GET":
        _viewed(request, item.requester, "privacy request", f"privacy-request:{item.reference}")
    context = {"item": item, "form": form}
    return render(request, "staff/request_detail.html", context, status=400 if form.errors else 200)


@officer_only
@require_POST
def request_erase(request: HttpRequest, code: str) -> HttpResponse:
    item = _request_item(code)
    if item.kind != RequestKind.ERASURE or item.requester is None:
        raise Http404
    if request.POST.get("confirm_email", "").strip().lower() != item.requester.email:
        messages.error(request, "Type the account's email address to confirm the erasure.")
        return redirect("staff-request", code=item.code)
    person = item.requester
    if person.pk == _staff(request).pk:
        messages.error(request, "Another officer must erase your own account.")
        return redirect("staff-request", code=item.code)
    label = erase_user(request, _staff(request), person)
    item.refresh_from_db()
    update_request(
        request,
        _staff(request),
        item,
        status=RequestStatus.DONE,
        staff_notes=item.staff_notes,
        response=item.response or "Your account and its data were erased.",
    )
    messages.success(request, f"The account was erased; it now appears as “{label}”.")
    return redirect("staff-request", code=item.code)


# --- People and their data --------------------------------------------------------------------


@staff_only
def people(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    found = (
        list(User.objects.filter(Q(email__icontains=query) | Q(name__icontains=query))[:50])
        if query
        else []
    )
    if query:
        # A result list shows names and addresses: the search is on record too.
        record_event(
            "staff.searched_people",
            actor=_staff(request),
            request=request,
            data={"query": query, "results": len(found)},
        )
    return render(request, "staff/people.html", {"query": query, "found": found})


@staff_only
def person_data(request: HttpRequest, code: str) -> HttpResponse:
    person = User.objects.filter(code=code).first()
    if person is None:
        raise Http404
    _viewed(request, person, "your-data sections", f"user:{person.code}")
    context = {"person": person, "sections": collect(person)}
    return render(request, "staff/person_data.html", context)


# --- The audit trail --------------------------------------------------------------------------


@staff_only
def audit_trail(request: HttpRequest) -> HttpResponse:
    events = AuditEvent.objects.all()
    kind = request.GET.get("kind", "").strip()[:64]
    who = request.GET.get("who", "").strip()[:200]
    target = request.GET.get("target", "").strip()[:200]
    form = DateRangeForm(request.GET or None)
    if kind:
        events = events.filter(kind__startswith=kind)
    if who:
        events = events.filter(
            Q(actor_label__icontains=who)
            | Q(subject__email__icontains=who)
            | Q(subject__name__icontains=who)
        )
    if target:
        events = events.filter(target__icontains=target)
    if form.is_valid():
        if form.cleaned_data["start"]:
            events = events.filter(at__date__gte=form.cleaned_data["start"])
        if form.cleaned_data["end"]:
            events = events.filter(at__date__lte=form.cleaned_data["end"])
    page = Paginator(events.select_related("subject"), 50).get_page(request.GET.get("page"))
    # The trail is full of people's data; looking through it is itself on record.
    record_event(
        "staff.viewed_audit_trail",
        actor=_staff(request),
        request=request,
        data={
            key: value
            for key, value in {"kind": kind, "who": who, "target_filter": target}.items()
            if value
        }
        | {"page": page.number},
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "kind": kind,
        "who": who,
        "target": target,
        "form": form,
        "query": query.urlencode(),
        "kinds": AuditEvent.objects.order_by().values_list("kind", flat=True).distinct()[:200],
    }
    return render(request, "staff/audit.html", context)


# --- Disclosures (officers only) --------------------------------------------------------------


@officer_only
def disclosures_list(request: HttpRequest) -> HttpResponse:
    return render(request, "staff/disclosures.html", {"items": Disclosure.objects.all()[:500]})


@officer_only
@require_http_methods(["GET", "POST"])
def disclosure_new(request: HttpRequest) -> HttpResponse:
    form = DisclosureForm(request.POST or None, initial={"disclosed_on": timezone.now().date()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        subject = None
        if data["subject_email"]:
            subject = User.objects.filter(email=data["subject_email"].lower()).first()
            if subject is None:
                form.add_error("subject_email", "No account has this email address.")
        approver = User.objects.filter(email=data["approver_email"].lower()).first()
        if approver is None or not approver.is_officer:
            form.add_error("approver_email", "The approver must be an officer.")
        if not form.errors and approver is not None:
            item = disclosures.record_disclosure(
                request,
                _staff(request),
                subject=subject,
                subject_label=data["subject_label"],
                data_description=data["data_description"],
                recipient=data["recipient"],
                legal_basis=data["legal_basis"],
                approver=approver,
                disclosed_on=data["disclosed_on"],
            )
            messages.success(request, f"Disclosure {item.reference} is on the register.")
            return redirect("staff-disclosure", code=item.code)
    return render(
        request, "staff/disclosure_new.html", {"form": form}, status=400 if form.errors else 200
    )


def _disclosure(code: str) -> Disclosure:
    item = Disclosure.objects.filter(code=code).first()
    if item is None:
        raise Http404
    return item


@officer_only
def disclosure_detail(request: HttpRequest, code: str) -> HttpResponse:
    item = _disclosure(code)
    _viewed(request, item.subject, "disclosure", f"disclosure:{item.reference}")
    return render(request, "staff/disclosure_detail.html", {"item": item})


@officer_only
@require_POST
def disclosure_bundle(request: HttpRequest, code: str) -> HttpResponse:
    item = _disclosure(code)
    content = disclosures.export_bundle(request, _staff(request), item)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{item.reference}.zip"'
    return response


# --- Policy versions (officers only) ----------------------------------------------------------


@officer_only
@require_http_methods(["GET", "POST"])
def policy_publish(request: HttpRequest) -> HttpResponse:
    current = policy.current_policy()
    latest = PolicyVersion.objects.order_by("-number").first()
    initial = {"body_markdown": latest.body_markdown if latest else ""}
    form = PolicyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        version = policy.publish_policy(_staff(request), **form.cleaned_data)
        messages.success(request, f"Version {version.number} is published.")
        return redirect("privacy-version", number=version.number)
    context = {"form": form, "current": current, "next_number": policy.next_number()}
    return render(request, "staff/policy_publish.html", context, status=400 if form.errors else 200)
