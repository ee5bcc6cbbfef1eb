"""Personal API tokens on the account page: create (shown once) and revoke."""

from __future__ import annotations

from uuid import UUID

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jtlcloud.accounts.api_tokens import (
    MAX_ACTIVE_TOKENS,
    active_token_count,
    create_api_token,
    revoke_api_token,
)
from jtlcloud.accounts.models import ApiToken
from jtlcloud.web.views.telemetry import current_user


class TokenForm(forms.Form):
    label = forms.CharField(max_length=100, help_text="What the token is for, e.g. “Grafana”.")
    days = forms.TypedChoiceField(
        label="Expires after",
        coerce=int,
        choices=[(7, "7 days"), (30, "30 days"), (90, "90 days"), (365, "1 year")],
        initial=90,
    )

    def clean_days(self) -> int:
        days = int(self.cleaned_data["days"])
        return min(days, settings.JTL_API_TOKEN_MAX_DAYS)


@login_required
@require_POST
def create_token(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = TokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the token a name and a lifetime.")
        return redirect("account")
    if active_token_count(user) >= MAX_ACTIVE_TOKENS:
        messages.error(request, f"You have {MAX_ACTIVE_TOKENS} active tokens: revoke one first.")
        return redirect("account")
    token, raw = create_api_token(
        user, request, form.cleaned_data["label"], form.cleaned_data["days"]
    )
    # Shown once, on this page only: it is stored as a hash and cannot be shown again.
    return render(
        request,
        "account/api_token_created.html",
        {"token": token, "raw": raw, "site_url": settings.JTL_SITE_URL},
    )


@login_required
@require_POST
def revoke_token(request: HttpRequest, code: UUID) -> HttpResponse:
    user = current_user(request)
    token = ApiToken.objects.filter(user=user, code=code).first()
    if token is None:
        raise Http404
    revoke_api_token(user, request, token)
    messages.success(request, f"The token “{token.label}” is revoked: it no longer works.")
    return redirect("account")
