"""Public pages: home, privacy policy, cookies, contact."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from jtlcloud.web.cookies import cookie_table
from jtlcloud.web.views.privacy import policy_current


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/home.html")


def privacy(request: HttpRequest) -> HttpResponse:
    # The current version of the versioned policy (jtlcloud.privacy.policy).
    return policy_current(request)


def cookies(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/cookies.html", {"cookies": cookie_table()})


def contact(request: HttpRequest) -> HttpResponse:
    context = {"operator_address": settings.JTL_OPERATOR_ADDRESS}
    return render(request, "pages/contact.html", context)


def health(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})
