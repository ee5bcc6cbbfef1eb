"""The owner's access page: grants, pending requests, keys, the access log; and their flows."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from jtlcloud.accounts.models import Organisation, StaffRole, User
from jtlcloud.audit.services import record_event
from jtlcloud.installations import grants, services
from jtlcloud.installations.access import Access, Need, access_installation
from jtlcloud.installations.access_log import (
    LogFilter,
    filtered_log,
    log_as_csv,
    people_in_log,
)
from jtlcloud.installations.models import (
    AccessRequest,
    Grant,
    GrantQuerySet,
    Installation,
    InstallationKey,
    RequestStatus,
)
from jtlcloud.web.views.installations import current_user, data_page_url
from jtlcloud.web.views.installations_forms import (
    ApproveForm,
    GrantForm,
    KeyForm,
    LogFilterForm,
    ReasonForm,
    naive_local,
)

LOG_PAGE_SIZE = 50


def _page_access(request: HttpRequest, code: str) -> Access:
    """Owner admins manage the page; staff see it read-only (support: metadata only)."""
    user = current_user(request)
    access = access_installation(user, code, Need.METADATA, request=request)
    if access.via == "owner" and access.role == "admin":
        # Again with MANAGE, so the owner's second-factor rule applies.
        return access_installation(user, code, Need.MANAGE, request=request)
    if access.via == "staff":
        return access
    raise Http404


def _manage(request: HttpRequest, code: str) -> Access:
    return access_installation(current_user(request), code, Need.MANAGE, request=request)


def connected_organisations(installation: Installation) -> QuerySet[Organisation]:
    """Organisations an owner may pick for a grant: ones it already deals with.

    Listing every organisation would show each customer the whole customer base.
    """
    owner = installation.owner
    return (
        Organisation.objects.filter(
            Q(grants_received__owner=owner)
            | Q(memberships__user__grants__owner=owner)
            | Q(memberships__user__access_requests__installation__owner=owner)
        )
        .exclude(pk=owner.pk)
        .distinct()
        .order_by("name")
    )


def _grants_of(installation: Installation) -> GrantQuerySet:
    return Grant.objects.covering(installation).select_related(
        "grantee_user", "grantee_org", "granted_by", "revoked_by", "installation", "owner"
    )


def _with_invited_accounts(found: list[Grant]) -> list[Grant]:
    """Mark invitations whose address has since become a verified account (they work now)."""
    emails = {g.grantee_email for g in found if g.is_invitation}
    accounts = {
        u.email: u for u in User.objects.filter(email__in=emails, email_verified_at__isnull=False)
    }
    for grant in found:
        grant.invited_account = accounts.get(grant.grantee_email)  # type: ignore[attr-defined]
    return found


@login_required
def installation_access(request: HttpRequest, code: str) -> HttpResponse:
    access = _page_access(request, code)
    installation = access.installation
    user = current_user(request)
    staff_role = access.role if access.via == "staff" else ""
    context: dict[str, object] = {
        "installation": installation,
        "access": access,
        "staff_role": staff_role,
        "data_url": data_page_url(installation),
    }
    if staff_role != StaffRole.SUPPORT:
        active = _grants_of(installation).active()
        context.update(
            active_grants=_with_invited_accounts(list(active)),
            ended_grants=_grants_of(installation).exclude(pk__in=active.values("pk"))[:30],
            pending=AccessRequest.objects.filter(
                installation=installation, status=RequestStatus.PENDING
            ).select_related("requester"),
            keys=InstallationKey.objects.filter(installation=installation).select_related(
                "created_by"
            ),
            member_count=installation.owner.memberships.count(),
            recent_log=filtered_log(installation, LogFilter())[:10],
            key_form=KeyForm(),
            reason_form=ReasonForm(),
        )
    if staff_role:
        record_event(
            "staff.access_page_viewed",
            actor=user,
            request=request,
            target=f"installation:{installation.code}",
            data={"owner": installation.owner.name},
        )
    return render(request, "installations/access.html", context)


@login_required
def access_log(request: HttpRequest, code: str) -> HttpResponse:
    access = _page_access(request, code)
    if access.role == StaffRole.SUPPORT:
        raise Http404
    installation = access.installation
    form = LogFilterForm(request.GET or None, people=people_in_log(installation))
    chosen = LogFilter(**form.cleaned_data) if form.is_valid() else LogFilter()
    entries = filtered_log(installation, chosen)
    if access.via == "staff":
        record_event(
            "staff.access_log_viewed",
            actor=current_user(request),
            request=request,
            target=f"installation:{installation.code}",
        )
    if request.GET.get("format") == "csv":
        response = HttpResponse(log_as_csv(entries.iterator()), content_type="text/csv")
        name = f"access-log-{installation.code}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    page = Paginator(entries, LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "installation": installation,
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "csv_query": (query.urlencode() + "&" if query else "") + "format=csv",
    }
    return render(request, "installations/access_log.html", context)


@login_required
@require_POST
def key_create(request: HttpRequest, code: str) -> HttpResponse:
    access = _manage(request, code)
    form = KeyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The label is too long or has odd characters.")
        return redirect("installation-access", code=access.installation.code)
    created = services.create_installation_key(
        current_user(request), access.installation, form.cleaned_data["label"], request
    )
    # Rendered, not redirected: the key is shown this once and stored nowhere in clear.
    context = {"installation": access.installation, "created": created}
    return render(request, "installations/key_created.html", context, status=201)


@login_required
@require_POST
def key_revoke(request: HttpRequest, code: str, prefix: str) -> HttpResponse:
    access = _manage(request, code)
    key = get_object_or_404(InstallationKey, installation=access.installation, prefix=prefix)
    if services.revoke_installation_key(current_user(request), key, request):
        messages.success(request, f"Key {key.prefix}… is revoked. It works nowhere any more.")
    return redirect("installation-access", code=access.installation.code)


@login_required
@require_POST
def request_code_renew(request: HttpRequest, code: str) -> HttpResponse:
    access = _manage(request, code)
    services.renew_request_code(current_user(request), access.installation, request)
    messages.success(request, "A new request code is made. The old one no longer works.")
    return redirect("installation-access", code=access.installation.code)


@login_required
@require_http_methods(["GET", "POST"])
def grant_new(request: HttpRequest, code: str) -> HttpResponse:
    access = _manage(request, code)
    installation = access.installation
    form = GrantForm(request.POST or None, organisations=connected_organisations(installation))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            grant = grants.grant_access(
                current_user(request),
                installation.owner,
                role=data["role"],
                installation=installation if data["scope"] == "one" else None,
                email=data["email"] if data["grantee_kind"] == "person" else "",
                organisation=data["organisation"]
                if data["grantee_kind"] == "organisation"
                else None,
                expires_at=grants.expiry_for(
                    data["expiry"], installation.time_zone, naive_local(data.get("expires_at"))
                ),
                reference=data["reference"],
                request=request,
            )
        except grants.GrantError as error:
            form.add_error(None, str(error))
        else:
            note = " We emailed them an invitation to register." if grant.is_invitation else ""
            messages.success(request, f"{grant.grantee_label} now has access.{note}")
            return redirect("installation-access", code=installation.code)
    context = {"installation": installation, "form": form}
    return render(
        request, "installations/grant_form.html", context, status=400 if form.errors else 200
    )


def _grant(installation: Installation, grant: str) -> Grant:
    found = _grants_of(installation).filter(code=_uuid_or_404(grant)).first()
    if found is None:
        raise Http404
    return found


@login_required
@require_http_methods(["GET", "POST"])
def grant_revoke(request: HttpRequest, code: str, grant: str) -> HttpResponse:
    access = _manage(request, code)
    found = _grant(access.installation, grant)
    if request.method == "POST":
        if grants.revoke_grant(current_user(request), found, request):
            messages.success(
                request, f"Access of {found.grantee_label} is withdrawn, effective now."
            )
        return redirect("installation-access", code=access.installation.code)
    context = {"installation": access.installation, "grant": found}
    return render(request, "installations/grant_revoke.html", context)


def _pending(installation: Installation, access_request: str) -> AccessRequest:
    found = (
        AccessRequest.objects.filter(installation=installation, status=RequestStatus.PENDING)
        .select_related("requester")
        .filter(code=_uuid_or_404(access_request))
        .first()
    )
    if found is None:
        raise Http404
    return found


def _uuid_or_404(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise Http404 from None


@login_required
@require_http_methods(["GET", "POST"])
def request_approve(request: HttpRequest, code: str, access_request: str) -> HttpResponse:
    access = _manage(request, code)
    installation = access.installation
    found = _pending(installation, access_request)
    requester_org = found.requester.memberships.select_related("organisation").first()
    form = ApproveForm(request.POST or None, organisations=Organisation.objects.none())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            grants.approve_request(
                current_user(request),
                found,
                role=data["role"],
                expires_at=grants.expiry_for(
                    data["expiry"], installation.time_zone, naive_local(data.get("expires_at"))
                ),
                reference=data["reference"],
                to_organisation=requester_org.organisation
                if requester_org and data["to_organisation"]
                else None,
                request=request,
            )
        except grants.GrantError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{found.requester.name} now has access. We told them.")
            return redirect("installation-access", code=installation.code)
    context = {
        "installation": installation,
        "form": form,
        "access_request": found,
        "requester_org": requester_org.organisation if requester_org else None,
    }
    return render(
        request, "installations/approve.html", context, status=400 if form.errors else 200
    )


@login_required
@require_POST
def request_refuse(request: HttpRequest, code: str, access_request: str) -> HttpResponse:
    access = _manage(request, code)
    found = _pending(access.installation, access_request)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give a reason: the requester sees it.")
    else:
        grants.refuse_request(current_user(request), found, form.cleaned_data["reason"], request)
        messages.success(
            request, f"The request of {found.requester.name} is refused. We told them."
        )
    return redirect("installation-access", code=access.installation.code)
