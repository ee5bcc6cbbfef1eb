"""Register, verify, log in (PIN, then second factor), log out, reset a forgotten PIN."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_static.models import StaticDevice

from jtlcloud.accounts import login as login_service
from jtlcloud.accounts import profile, registration
from jtlcloud.accounts.second_factor import recovery_codes_left, verify_second_factor
from jtlcloud.accounts.throttle import second_factor_blocked
from jtlcloud.web.forms import (
    LoginForm,
    PinResetForm,
    PinResetRequestForm,
    RegisterForm,
    SecondFactorForm,
)
from jtlcloud.web.middleware import EXPIRED_NOTICE_KEY

LOGIN_MESSAGES = {
    login_service.LoginOutcome.REFUSED: "That email address and PIN do not match an account.",
    login_service.LoginOutcome.LOCKED: (
        "Too many failed attempts. Logging in is paused for up to {minutes} minutes; "
        "if you forgot your PIN, reset it by email."
    ),
    login_service.LoginOutcome.UNVERIFIED: (
        "Please confirm your email address first: we sent you a new link."
    ),
}


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("/")
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        registration.register_user(
            request,
            name=data["name"],
            email=data["email"],
            company=data["company"],
            pin=data["pin"],
        )
        return render(request, "auth/register_done.html", {"email": data["email"]})
    return render(request, "auth/register.html", {"form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    # GET only shows a button: mail scanners that open links must not use them up.
    if request.method == "GET":
        return render(request, "auth/verify.html", {"token": token})
    user = registration.verify_email(request, token)
    if user is None:
        return render(request, "auth/link_invalid.html", status=400)
    messages.success(request, "Your email address is confirmed. You can log in now.")
    return redirect("login")


@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_next_url(request))
    form = LoginForm(request.POST or None)
    error = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            outcome = login_service.attempt_login(
                request, form.cleaned_data["email"], form.cleaned_data["pin"]
            )
            if outcome is login_service.LoginOutcome.LOGGED_IN:
                return redirect(_next_url(request))
            if outcome is login_service.LoginOutcome.NEEDS_SECOND_FACTOR:
                return redirect(f"/login/second-factor?{urlencode({'next': _next_url(request)})}")
            error = LOGIN_MESSAGES[outcome].format(minutes=settings.JTL_LOGIN_WINDOW_MINUTES)
            status = 429 if outcome is login_service.LoginOutcome.LOCKED else 400
            # Never send the PIN back into the page.
            form = LoginForm(initial={"email": form.cleaned_data["email"]})
            form.focus_pin()
        else:
            status = 400
    expired = request.session.pop(EXPIRED_NOTICE_KEY, False)
    context = {"form": form, "error": error, "next": _next_url(request), "expired": expired}
    return render(request, "auth/login.html", context, status=status)


@require_http_methods(["GET", "POST"])
def login_second_factor(request: HttpRequest) -> HttpResponse:
    user = login_service.pending_user(request)
    if user is None:
        messages.info(request, "Please log in again.")
        return redirect("login")
    form = SecondFactorForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        device = verify_second_factor(request, user, form.cleaned_data["code"])
        if device is not None:
            login_service.complete_login(request, user, device)
            if isinstance(device, StaticDevice):
                left = recovery_codes_left(user)
                messages.warning(
                    request,
                    f"You logged in with a recovery code; {left} of them "
                    f"{'is' if left == 1 else 'are'} left. If your phone is lost, set up the "
                    "authenticator again and make new recovery codes in your account.",
                )
            return redirect(_next_url(request))
        if second_factor_blocked(request, user.pk):
            error = (
                "Too many wrong codes. Please wait up to "
                f"{settings.JTL_LOGIN_WINDOW_MINUTES} minutes, then log in again."
            )
            status = 429
        else:
            error = "That code is not right, or was used already. Try the next one your app shows."
            status = 400
        form = SecondFactorForm()
    else:
        status = 400 if form.errors else 200
    return render(
        request,
        "auth/second_factor.html",
        {"form": form, "error": error, "next": _next_url(request)},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def logout(request: HttpRequest) -> HttpResponse:
    # A GET never logs out (a link or an image could trigger it); it offers the button.
    if request.method == "GET":
        if not request.user.is_authenticated:
            return redirect("login")
        return render(request, "auth/logout.html")
    login_service.log_out(request)
    messages.info(request, "You are logged out.")
    return redirect("login")


@require_http_methods(["GET", "POST"])
def pin_reset_request(request: HttpRequest) -> HttpResponse:
    form = PinResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        profile.request_pin_reset(request, form.cleaned_data["email"])
        return render(request, "auth/pin_reset_sent.html")
    status = 400 if form.errors else 200
    return render(request, "auth/pin_reset_request.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def pin_reset_confirm(request: HttpRequest, token: str) -> HttpResponse:
    user = profile.user_for_reset(token)
    if user is None:
        return render(request, "auth/link_invalid.html", status=400)
    form = PinResetForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        profile.reset_pin(request, user, form.cleaned_data["pin"])
        messages.success(request, "Your new PIN is set. Every session was logged out.")
        return redirect("login")
    status = 400 if form.errors else 200
    return render(request, "auth/pin_reset_confirm.html", {"form": form}, status=status)
