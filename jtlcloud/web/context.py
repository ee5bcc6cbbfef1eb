"""Values every template may use."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "operator_name": settings.JTL_OPERATOR_NAME,
        "contact_email": settings.JTL_CONTACT_EMAIL,
    }
