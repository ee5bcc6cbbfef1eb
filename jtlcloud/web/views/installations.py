"""Installation pages for everyone: the list, creating and editing, requesting access, terms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from jtlcloud.accounts.models import MembershipRole, Organisation, User
from jtlcloud.accounts.second_factor import has_second_factor
from jtlcloud.installations import grants, services
from jtlcloud.installations.access import (
    DATA_USE_TERMS_VERSION,
    Need,
    access_installation,
    active_grants_for,
    second_factor_proved,
    terms_accepted,
)
from jtlcloud.installations.models import (
    AccessRequest,
    DataUseAcknowledgement,
    Installation,
    RequestStatus,
)
from jtlcloud.web.views.installations_forms import InstallationForm, RequestAccessForm

# Data pages live in the telemetry area; the list links to the first that exists.
DATA_PAGE_NAMES = ("installation-dashboard", "dashboard", "installation-data")


def current_user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # noqa: S101 - login_required guarantees it
    return request.user


def data_page_url(installation: Installation) -> str | None:
    for name in DATA_PAGE_NAMES:
        try:
            return reverse(name, kwargs={"code": installation.code})
        except NoReverseMatch:
            continue
    return None


def admin_orgs(user: User) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        memberships__user=user, memberships__role=MembershipRole.ADMIN
    )


@dataclass
class SharedRow:
    installation: Installation
    role: str
    via_label: str
    expires_at: datetime | None
    reference: str
    needs_second_factor: bool
    needs_terms: bool
    url: str | None


def _shared_rows(user: User) -> list[SharedRow]:
    """One row per installation shared with ``user``, from the strongest of its grants."""
    verified = second_factor_proved(user, None)
    rows: dict[int, SharedRow] = {}
    found = active_grants_for(user).select_related("installation", "owner", "grantee_org")
    own_org_ids = set(user.memberships.values_list("organisation_id", flat=True))
    accepted_owner_ids = set(
        DataUseAcknowledgement.objects.filter(
            user=user, version=DATA_USE_TERMS_VERSION
        ).values_list("owner_id", flat=True)
    )
    for grant in found.order_by("-role", "expires_at"):
        if grant.owner_id in own_org_ids:
            continue
        targets = (
            [grant.installation]
            if grant.installation
            else list(Installation.objects.filter(owner_id=grant.owner_id))
        )
        for installation in targets:
            if installation is None or installation.pk in rows:
                continue
            installation.owner = grant.owner
            rows[installation.pk] = SharedRow(
                installation=installation,
                role=grant.get_role_display(),
                via_label=grant.grantee_org.name if grant.grantee_org else "you",
                expires_at=grant.expires_at,
                reference=grant.reference,
                needs_second_factor=grant.owner.require_second_factor and not verified,
                needs_terms=grant.owner_id not in accepted_owner_ids,
                url=data_page_url(installation),
            )
    return sorted(rows.values(), key=lambda r: r.installation.name.lower())


@login_required
def installation_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    memberships = user.memberships.select_related("organisation").order_by("organisation__name")
    now = timezone.now()
    owned = []
    for membership in memberships:
        installations = (
            Installation.objects.filter(owner=membership.organisation)
            .annotate(
                pending=Count(
                    "access_requests",
                    filter=Q(access_requests__status=RequestStatus.PENDING),
                    distinct=True,
                ),
                live_keys=Count("keys", filter=Q(keys__revoked_at__isnull=True), distinct=True),
            )
            .order_by("name")
        )
        owned.append(
            {
                "organisation": membership.organisation,
                "is_admin": membership.role == MembershipRole.ADMIN,
                "installations": [(i, data_page_url(i)) for i in installations],
            }
        )
    context = {
        "owned": owned,
        "shared": _shared_rows(user),
        "my_requests": AccessRequest.objects.filter(requester=user)
        .select_related("installation", "installation__owner")
        .order_by("-created_at")[:20],
        "can_create": user.is_staff or admin_orgs(user).exists(),
        "now": now,
        "has_second_factor": has_second_factor(user),
    }
    return render(request, "installations/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def installation_new(request: HttpRequest) -> HttpResponse:
    """Owner admins create installations for their organisation; staff for any organisation."""
    user = current_user(request)
    owners = Organisation.objects.all() if user.is_staff else admin_orgs(user)
    if not owners.exists():
        raise Http404
    form = InstallationForm(request.POST or None, owners=owners)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        installation = services.create_installation(
            user,
            data["owner"],
            name=data["name"],
            site_address=data["site_address"],
            time_zone=data["time_zone"],
            description=data["description"],
            request=request,
        )
        messages.success(request, f"“{installation.name}” is created. Make a key for it below.")
        if admin_orgs(user).filter(pk=installation.owner_id).exists():
            return redirect("installation-access", code=installation.code)
        return redirect("staff-installations")
    return render(
        request, "installations/form.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def installation_settings(request: HttpRequest, code: str) -> HttpResponse:
    user = current_user(request)
    access = access_installation(user, code, Need.MANAGE, request=request)
    installation = access.installation
    initial = {f: getattr(installation, f) for f in services.INSTALLATION_FIELDS}
    form = InstallationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = services.update_installation(user, installation, request, **form.cleaned_data)
        messages.success(request, "Saved." if changed else "Nothing changed.")
        return redirect("installation-access", code=installation.code)
    context = {"form": form, "installation": installation}
    return render(request, "installations/form.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def organisation_second_factor(request: HttpRequest, organisation: str) -> HttpResponse:
    user = current_user(request)
    org = get_object_or_404(admin_orgs(user), code=organisation)
    required = request.POST.get("required") == "yes"
    if required and not has_second_factor(user):
        messages.error(request, "Set up your own second factor first, so you keep your access.")
        return redirect("two-factor")
    services.set_second_factor_requirement(user, org, required, request)
    messages.success(
        request,
        f"{org.name} now requires a second factor from everyone who sees its installations."
        if required
        else f"{org.name} no longer requires a second factor.",
    )
    return redirect("installation-list")


@login_required
@require_http_methods(["GET", "POST"])
@ratelimit(key="user", rate="20/h", method="POST", block=False)
def request_access(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = RequestAccessForm(request.POST or None, initial={"request_code": request.GET.get("c")})
    if request.method == "POST" and form.is_valid():
        if getattr(request, "limited", False):
            form.add_error(None, "Too many requests. Please try again in an hour.")
        else:
            found = grants.request_access(
                user, form.cleaned_data["request_code"], form.cleaned_data["message"], request
            )
            if found is not None:
                messages.success(
                    request,
                    f"Your request went to the owner of “{found.installation.name}”. "
                    "You will see their answer here and by email.",
                )
                return redirect("installation-list")
            form.add_error("request_code", "No installation has this request code. Check it.")
    return render(
        request,
        "installations/request_access.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def access_request_withdraw(request: HttpRequest, access_request: str) -> HttpResponse:
    user = current_user(request)
    found = get_object_or_404(AccessRequest, code=access_request, requester=user)
    if grants.withdraw_request(user, found, request):
        messages.success(request, "Your request is withdrawn.")
    return redirect("installation-list")


@login_required
@require_http_methods(["GET", "POST"])
def installation_terms(request: HttpRequest, code: str) -> HttpResponse:
    """The data-use terms a grantee accepts, once per owner, before seeing data."""
    user = current_user(request)
    access = access_installation(user, code, Need.METADATA, request=request)
    if access.via != "grant":
        raise Http404
    installation = access.installation
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    if request.method == "POST":
        if request.POST.get("accept") != "yes":
            messages.error(request, "Tick the box to accept the terms.")
        else:
            services.accept_data_use_terms(user, installation, request)
            messages.success(request, "Thank you. You can now see the data.")
            return redirect(next_url or data_page_url(installation) or "installation-list")
    context = {
        "installation": installation,
        "access": access,
        "next": next_url,
        "version": DATA_USE_TERMS_VERSION,
        "accepted": terms_accepted(user, installation),
    }
    return render(request, "installations/terms.html", context)
