"""The policy-change notice, shown on every page to logged-in users until they dismiss it."""

from __future__ import annotations

from typing import Any

from django import template

from jtlcloud.accounts.models import User
from jtlcloud.privacy.policy import notice_for

register = template.Library()


@register.inclusion_tag("privacy/_notice.html", takes_context=True)
def policy_notice(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    version = notice_for(user) if isinstance(user, User) else None
    return {
        "version": version,
        "next": request.get_full_path() if request is not None else "/",
        "csrf_token": context.get("csrf_token"),
    }
