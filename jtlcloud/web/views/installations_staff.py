"""Staff pages for installations: the directory, and suspending grants or people on misuse.

Support staff find installations and read their metadata; only officers
suspend and reinstate. Every action carries a reason and is audited.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from jtlcloud.accounts.models import User
from jtlcloud.installations import grants
from jtlcloud.installations.access import Need, access_installation
from jtlcloud.installations.models import Grant, Installation
from jtlcloud.web.staff import verified_staff
from jtlcloud.web.views.installations_access import _grant
from jtlcloud.web.views.installations_forms import ReasonForm


def _staff(request: HttpRequest) -> User:
    return verified_staff(request)


def _officer(request: HttpRequest) -> User:
    return verified_staff(request, officer=True)


@login_required
def staff_installations(request: HttpRequest) -> HttpResponse:
    _staff(request)
    # Printable characters only: a NUL in a LIKE pattern is an error on PostgreSQL.
    query = "".join(ch for ch in request.GET.get("q", "") if ch.isprintable()).strip()[:100]
    found = Installation.objects.select_related("owner").annotate(
        live_grants=Count("grants", filter=Q(grants__revoked_at__isnull=True), distinct=True)
    )
    if query:
        found = found.filter(Q(name__icontains=query) | Q(owner__name__icontains=query))
    page = Paginator(found.order_by("owner__name", "name"), 50).get_page(request.GET.get("page"))
    suspended = User.objects.filter(is_active=False).order_by("email")[:50]
    context = {"page": page, "q": query, "suspended": suspended}
    return render(request, "installations/staff_directory.html", context)


def _grant_for_officer(request: HttpRequest, code: str, grant: str) -> tuple[User, Grant]:
    officer = _officer(request)
    access = access_installation(officer, code, Need.METADATA, request=request)
    return officer, _grant(access.installation, grant)


@login_required
@require_POST
def grant_suspend(request: HttpRequest, code: str, grant: str) -> HttpResponse:
    officer, found = _grant_for_officer(request, code, grant)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the reason for the suspension.")
    elif grants.suspend_grant(officer, found, form.cleaned_data["reason"], request):
        messages.success(request, f"The grant of {found.grantee_label} is suspended.")
    return redirect("installation-access", code=code)


@login_required
@require_POST
def grant_reinstate(request: HttpRequest, code: str, grant: str) -> HttpResponse:
    officer, found = _grant_for_officer(request, code, grant)
    if grants.reinstate_grant(officer, found, request):
        messages.success(request, f"The grant of {found.grantee_label} works again.")
    return redirect("installation-access", code=code)


@login_required
@require_POST
def user_suspend(request: HttpRequest, person: str) -> HttpResponse:
    officer = _officer(request)
    found = get_object_or_404(User, code=person)
    form = ReasonForm(request.POST)
    if found.pk == officer.pk or found.is_staff:
        messages.error(request, "Staff accounts are not suspended here.")
    elif not form.is_valid():
        messages.error(request, "Give the reason for the suspension.")
    else:
        grants.suspend_user(officer, found, form.cleaned_data["reason"], request)
        messages.success(request, f"{found.name} is suspended: they are logged out everywhere.")
    back = request.POST.get("back", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("staff-installations")


@login_required
@require_POST
def user_reinstate(request: HttpRequest, person: str) -> HttpResponse:
    officer = _officer(request)
    found = get_object_or_404(User, code=person)
    grants.reinstate_user(officer, found, request)
    messages.success(request, f"{found.name} can log in again.")
    return redirect("staff-installations")
