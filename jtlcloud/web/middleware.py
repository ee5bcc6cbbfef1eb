"""Request-wide rules: session timeouts, the second-factor gate, the staff-only admin, no-store."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.cache import patch_cache_control

from jtlcloud.accounts.login import SESSION_SEEN_KEY, SESSION_STARTED_KEY
from jtlcloud.accounts.second_factor import (
    has_second_factor,
    second_factor_required,
    session_proved_second_factor,
)

Handler = Callable[[HttpRequest], HttpResponse]


# Login (accounts.login.complete_login) sets both keys; older sessions get them here.
STARTED_KEY = SESSION_STARTED_KEY
SEEN_KEY = SESSION_SEEN_KEY
# Set in the fresh session after a timeout, so the login page can say why it appears.
EXPIRED_NOTICE_KEY = "jtl_session_expired"
# Write the last-seen time at most this often: a session save on every request costs a write.
_SEEN_GRANULARITY = 30


class SessionTimeoutMiddleware:
    """Ends a logged-in session after the idle and the absolute timeout, on the server.

    The cookie itself has no expiry (session cookies only), so the server is
    what enforces both limits.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if "_auth_user_id" in session:
            now = time.time()
            started = session.get(STARTED_KEY, now)
            seen = session.get(SEEN_KEY, now)
            idle_limit = settings.JTL_SESSION_IDLE_MINUTES * 60
            absolute_limit = settings.JTL_SESSION_MAX_HOURS * 3600
            if now - seen > idle_limit or now - started > absolute_limit:
                session.flush()
                session[EXPIRED_NOTICE_KEY] = True
            else:
                session.setdefault(STARTED_KEY, now)
                if now - session.get(SEEN_KEY, 0) > _SEEN_GRANULARITY:
                    session[SEEN_KEY] = now
        return self.get_response(request)


# Paths with no personal data, served whatever state the session is in.
_ALWAYS_OPEN_PATHS = ("/static/", "/health")
# What a person who owes an enrolment may still reach: the setup itself and the public pages.
# The admin is listed only so that StaffAdminMiddleware answers it with a 404, as for anyone
# unproven, instead of this middleware revealing it with a redirect to the setup page.
_ENROLMENT_OPEN_PATHS = (
    "/account/two-factor",
    "/logout",
    "/privacy",
    "/cookies",
    "/contact",
    "/admin/",
)


class SecondFactorMiddleware:
    """Where a second factor is required, email + PIN alone reach no protected page."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        path = request.path
        if (
            not user.is_authenticated
            or session_proved_second_factor(user)
            or path.startswith(_ALWAYS_OPEN_PATHS)
        ):
            return self.get_response(request)
        if has_second_factor(user):
            # A device exists but this session never proved it (it logged in before the
            # device was set up elsewhere): nothing, not even the device's own page, is
            # open to it, or a PIN alone could make new recovery codes.
            logout(request)
            if path.startswith("/api/"):
                return self.get_response(request)
            return HttpResponseRedirect(settings.LOGIN_URL)
        if second_factor_required(user) and not path.startswith(_ENROLMENT_OPEN_PATHS):
            if path.startswith("/api/"):
                # The API answers as to an anonymous caller; a redirect to an HTML page
                # would mean nothing to a script.
                request.user = AnonymousUser()
                return self.get_response(request)
            return HttpResponseRedirect("/account/two-factor")
        return self.get_response(request)


class StaffAdminMiddleware:
    """The admin exists only for staff who passed the second factor; others see a 404."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/admin/"):
            user = request.user
            if not (user.is_authenticated and user.is_staff and session_proved_second_factor(user)):
                raise Http404
            if request.path.startswith("/admin/password_change/"):
                # The admin's own form would change the PIN without the notice email and
                # the audit record; the account page's form does both.
                return HttpResponseRedirect("/account/pin")
        return self.get_response(request)


class PrivateCacheMiddleware:
    """Pages for a logged-in person, and any page that sets a cookie, are never stored."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # This middleware runs before the CSRF and session middleware write their part of
        # the response, so a page that rendered a CSRF token (and will set the session
        # cookie) is recognised by the flag get_token() leaves, not by response.cookies.
        if (
            request.user.is_authenticated
            or response.cookies
            or request.session.keys()
            or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        ):
            patch_cache_control(response, no_store=True, private=True)
        return response
