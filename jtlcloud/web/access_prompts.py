"""Turns the access module's two "not yet" answers into pages that say what to do.

``access_installation`` raises ``TermsNotAccepted`` or ``SecondFactorRequired``
(both 404s) when a person has access but must first accept the data-use terms
or prove a second factor. Web pages get a way forward; the API, which handles
its own exceptions, keeps the plain 404.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from jtlcloud.installations.access import SecondFactorRequired, TermsNotAccepted


class AccessPromptMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, TermsNotAccepted):
            url = reverse("installation-terms", kwargs={"code": exception.installation.code})
            if request.method == "GET":
                url += "?" + urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(url)
        if isinstance(exception, SecondFactorRequired):
            context = {"installation": exception.installation}
            return render(request, "installations/second_factor_needed.html", context, status=403)
        return None
