"""Plain error pages: no stack trace, SQL, settings or paths, ever."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    # With CSRF_USE_SESSIONS the token lives in the session, so a browser that
    # sent no session cookie is a browser that blocks cookies.
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return render(request, "errors/cookies_needed.html", status=403)
    return render(request, "errors/form_expired.html", status=403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/error.html", {"title": "Bad request"}, status=400)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/error.html", {"title": "Not allowed"}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/error.html", {"title": "Page not found"}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "errors/error.html", {"title": "Something went wrong"}, status=500)
