"""Authentication of the read API: personal API tokens (``Authorization: Bearer jtlt_...``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from jtlcloud.accounts.api_tokens import user_for_token
from jtlcloud.accounts.models import User


class ApiTokenAuth(HttpBearer):
    """A read-only personal token; the request then acts as the token's user."""

    openapi_description = "A personal API token made on your account page (`jtlt_...`)."

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


def token_user(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)  # noqa: S101 - the router's auth guarantees it
    return user
