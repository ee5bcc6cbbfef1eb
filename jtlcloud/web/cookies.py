"""The cookies JTL Cloud sets, described from the settings so the cookies page cannot drift."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class CookieInfo:
    name: str
    purpose: str
    lifetime: str


def cookie_table() -> list[CookieInfo]:
    """Every cookie the site can set. The CSRF token lives inside the session, not in a cookie."""
    return [
        CookieInfo(
            name=settings.SESSION_COOKIE_NAME,
            purpose=(
                "Keeps you logged in while you move from page to page, and protects forms "
                "against cross-site request forgery."
            ),
            lifetime=(
                "Until you close the browser. The server also ends the session after "
                f"{settings.JTL_SESSION_IDLE_MINUTES} minutes without activity and "
                f"{settings.JTL_SESSION_MAX_HOURS} hours at most."
            ),
        ),
    ]
