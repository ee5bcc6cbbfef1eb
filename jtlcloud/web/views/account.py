"""The account area: profile, email address, PIN, second factor."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from jtlcloud.accounts import profile, second_factor
from jtlcloud.accounts.models import User
from jtlcloud.web.forms import (
    ConfirmPinForm,
    EmailChangeForm,
    PinChangeForm,
    ProfileForm,
    SecondFactorForm,
)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # noqa: S101 - login_required guarantees it
    return request.user


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = ProfileForm(request.POST or None, initial={"name": user.name, "company": user.company})
    if request.method == "POST" and form.is_valid():
        profile.update_profile(
            request, user, name=form.cleaned_data["name"], company=form.cleaned_data["company"]
        )
        messages.success(request, "Your details are saved.")
        return redirect("account")
    context = {
        "form": form,
        "has_second_factor": second_factor.has_second_factor(user),
        "second_factor_required": second_factor.second_factor_required(user),
        "recovery_codes_left": second_factor.recovery_codes_left(user),
        "memberships": user.memberships.select_related("organisation"),
    }
    return render(request, "account/account.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def pin_change(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = PinChangeForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        profile.change_pin(request, user, form.cleaned_data["pin"])
        messages.success(request, "Your PIN is changed. Your other sessions were logged out.")
        return redirect("account")
    return render(
        request, "account/pin_change.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def email_change(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = EmailChangeForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        profile.request_email_change(request, user, form.cleaned_data["new_email"])
        messages.success(
            request,
            "We sent a confirmation link to the new address. "
            "Your email address changes when you open it.",
        )
        return redirect("account")
    return render(
        request, "account/email_change.html", {"form": form}, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
def email_change_confirm(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "GET":
        return render(request, "account/email_change_confirm.html", {"token": token})
    user = profile.confirm_email_change(request, token)
    if user is None:
        return render(request, "auth/link_invalid.html", status=400)
    messages.success(request, f"Your email address is now {user.email}.")
    return redirect("account" if request.user.is_authenticated else "login")


@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app, or see and manage the one set up."""
    user = _user(request)
    if second_factor.has_second_factor(user):
        return render(
            request,
            "account/two_factor_status.html",
            {
                "recovery_codes_left": second_factor.recovery_codes_left(user),
                "required": second_factor.second_factor_required(user),
                "form": ConfirmPinForm(user=user),
            },
        )
    device = second_factor.pending_device(user)
    if device is None or request.method == "GET":
        device = second_factor.start_enrolment(user)
    form = SecondFactorForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        codes = second_factor.confirm_enrolment(request, user, form.cleaned_data["code"])
        if codes is not None:
            return render(request, "account/recovery_codes.html", {"codes": codes})
        error = "That code did not match. Check the time on your phone and try the newest code."
        device = second_factor.pending_device(user) or second_factor.start_enrolment(user)
    context = {
        "form": form,
        "error": error,
        "qr": second_factor.qr_code_data_uri(device),
        "secret": second_factor.secret_for_manual_entry(device),
        "required": second_factor.second_factor_required(user),
    }
    return render(request, "account/two_factor_setup.html", context, status=400 if error else 200)


@login_required
@require_http_methods(["POST"])
def two_factor_recovery(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = ConfirmPinForm(request.POST, user=user)
    if not form.is_valid() or not second_factor.has_second_factor(user):
        messages.error(request, "Enter your current PIN to make new recovery codes.")
        return redirect("two-factor")
    codes = second_factor.regenerate_recovery_codes(request, user)
    return render(request, "account/recovery_codes.html", {"codes": codes})


@login_required
@require_http_methods(["POST"])
def two_factor_remove(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if second_factor.second_factor_required(user):
        messages.error(request, "Your account must keep a second factor.")
        return redirect("two-factor")
    form = ConfirmPinForm(request.POST, user=user)
    if not form.is_valid():
        messages.error(request, "Enter your current PIN to remove the second factor.")
        return redirect("two-factor")
    second_factor.remove_second_factor(request, user)
    messages.success(request, "The second factor is removed.")
    return redirect("account")
