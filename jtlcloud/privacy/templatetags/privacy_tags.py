"""The policy-change notice, shown on every page to logged-in users until they dismiss it."""

from __future__ import annotations

import datetime as dt
import json
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


@register.filter
def field_label(key: str) -> str:
    """``email_verified_at`` -> ``Email verified at``."""
    words = str(key).replace("_", " ").split()
    words = [_ACRONYMS.get(word, word) for word in words]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


_ACRONYMS = {"pin": "PIN", "ip": "IP", "os": "OS", "json": "JSON", "id": "ID", "url": "URL"}


@register.filter
def data_value(value: Any) -> str:
    """A value of "Your data" as a person reads it; times in UTC."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


@register.filter
def duration(seconds: Any) -> str:
    """242 -> ``4 min 2 s``."""
    try:
        total = int(seconds)
    except (TypeError, ValueError):
        return "—"
    minutes, rest = divmod(total, 60)
    if minutes >= 60:
        hours, minutes = divmod(minutes, 60)
        return f"{hours} h {minutes} min"
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"
