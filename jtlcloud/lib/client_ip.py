"""The address of the client that made a request.

Behind a reverse proxy REMOTE_ADDR is the proxy, so the real client is the
last address the proxy appended to X-Forwarded-For. We trust only as many
hops as ``JTL_TRUSTED_PROXY_HOPS`` says; trusting more would let a client
pick any IP it likes and so escape per-IP throttling.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    hops: int = getattr(settings, "JTL_TRUSTED_PROXY_HOPS", 0)
    remote = request.META.get("REMOTE_ADDR", "") or "0.0.0.0"  # noqa: S104 - a placeholder, never bound
    if hops <= 0:
        return remote
    forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [p for p in forwarded if _is_ip(p)]
    if len(forwarded) < hops:
        return remote
    return forwarded[-hops]


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True
