"""Personal API tokens: created and revoked by their user, shown once, stored hashed."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from jtlcloud.accounts.models import ApiToken, ApiTokenScope, User
from jtlcloud.accounts.second_factor import session_proved_second_factor
from jtlcloud.audit.services import record_event
from jtlcloud.lib.secrets import matches, new_secret, split_prefix

TOKEN_KIND = "jtlt"  # noqa: S105 - the visible kind prefix, not a secret
MAX_ACTIVE_TOKENS = 20


def create_api_token(
    actor: User, request: HttpRequest | None, label: str, days: int
) -> tuple[ApiToken, str]:
    """A new read-only token of ``actor``; the raw token is returned once and never stored."""
    days = max(1, min(days, settings.JTL_API_TOKEN_MAX_DAYS))
    secret = new_secret(TOKEN_KIND)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor,
            label=label.strip()[:100] or "API token",
            prefix=secret.prefix,
            token_hash=secret.hashed,
            scope=ApiTokenScope.READ,
            expires_at=timezone.now() + timedelta(days=days),
            second_factor_proved=session_proved_second_factor(actor),
        )
        record_event(
            "api_token.created",
            actor=actor,
            request=request,
            subject=actor,
            target=str(token.code),
            data={"label": token.label, "prefix": token.prefix, "days": days},
        )
    return token, secret.full


def revoke_api_token(actor: User, request: HttpRequest | None, token: ApiToken) -> None:
    with transaction.atomic():
        updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if updated:
            record_event(
                "api_token.revoked",
                actor=actor,
                request=request,
                subject=token.user,
                target=str(token.code),
                data={"label": token.label, "prefix": token.prefix},
            )


def active_token_count(user: User) -> int:
    return ApiToken.objects.filter(
        user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).count()


def user_for_token(raw: str) -> User | None:
    """The active user of an unexpired, unrevoked token; None for anything else."""
    raw = raw.strip()
    prefix = split_prefix(TOKEN_KIND, raw)
    if prefix is None:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not matches(raw, token.token_hash) or not token.is_usable:
        return None
    if not token.user.is_active:
        return None
    now = timezone.now()
    # A minute's precision is enough, and spares a write on every request.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    user = token.user
    # As django-otp does for sessions: the access rules ask the user whether a second
    # factor was proved, and for a token the answer is the session that made it.
    proved = token.second_factor_proved
    user.is_verified = lambda: proved  # type: ignore[attr-defined]
    return user
