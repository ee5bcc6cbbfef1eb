"""Visit analytics (policy 2a): first-party, server-side, statistical, no cookie.

The middleware only notes a few facts about each HTML page view in a memory
buffer; everything costly (parsing the user agent, hashing the device
identifier, grouping into visits, the database write) happens in ``flush``,
which runs after the response has gone out: from ``request_finished`` once
the buffer is full or old enough, from a background timer thread, and at exit.

What is stored: the URL *pattern* (``/verify/<str:token>``, never the token),
never a query string; the referrer only if it is our own site, again as a
pattern. The device identifier is a keyed hash of IP address, user agent and
the day, so it changes every day and needs no cookie.
"""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import hashlib
import hmac
import ipaddress
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.signals import request_finished
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from ua_parser import parse

from jtlcloud.lib.client_ip import client_ip

logger = logging.getLogger(__name__)

OBJECTED_SESSION_KEY = "jtl_no_analytics"
_SKIPPED_PREFIXES = ("/static/", "/api/", "/health", "/admin/", "/favicon")


@dataclass(frozen=True)
class RawView:
    """What the request path notes; nothing here is parsed or stored yet."""

    at: dt.datetime
    route: str
    status: int
    referer: str
    host: str
    ip: str
    user_agent: str
    user_id: int | None


class Recorder:
    """A thread-safe buffer of page views, written to the database in batches."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._buffer: list[RawView] = []
        self._oldest: float = 0.0
        self._timer: threading.Thread | None = None
        self._timer_pid = 0
        self._wake = threading.Event()
        # Set by the WSGI entry point: servers get the timer thread, tests and commands do not.
        self.timer_allowed = False

    def add(self, view: RawView) -> None:
        with self._lock:
            if not self._buffer:
                self._oldest = view.at.timestamp()
            self._buffer.append(view)
            overflow = len(self._buffer) > settings.JTL_ANALYTICS_BUFFER_MAX
            if overflow:
                # The database is away: drop the oldest rather than grow without end.
                del self._buffer[0]
        self._ensure_timer()

    def pending(self) -> int:
        with self._lock:
            return len(self._buffer)

    def due(self) -> bool:
        with self._lock:
            if not self._buffer:
                return False
            age = timezone.now().timestamp() - self._oldest
            return (
                len(self._buffer) >= settings.JTL_ANALYTICS_BATCH_SIZE
                or age >= settings.JTL_ANALYTICS_FLUSH_SECONDS
            )

    def discard(self) -> None:
        with self._lock:
            self._buffer = []

    def take(self) -> list[RawView]:
        with self._lock:
            batch, self._buffer = self._buffer, []
            return batch

    def flush(self) -> int:
        """Write everything buffered; returns how many page views were stored."""
        from jtlcloud.privacy.analytics_store import store_views

        with self._flush_lock:
            batch = self.take()
            if not batch:
                return 0
            try:
                with transaction.atomic():
                    return store_views(batch)
            except Exception:  # analytics must never break a page or a worker
                logger.exception("could not store %d page views; dropped", len(batch))
                return 0

    def _ensure_timer(self) -> None:
        # Started lazily in the process that serves, so a forking server's workers each get one.
        if not self.timer_allowed or self._timer_pid == os.getpid():
            return
        with self._lock:
            if self._timer_pid == os.getpid():
                return
            self._timer_pid = os.getpid()
            self._timer = threading.Thread(target=self._run_timer, name="analytics", daemon=True)
            self._timer.start()

    @property
    def writes_in_background(self) -> bool:
        return self._timer_pid == os.getpid()

    def wake(self) -> None:
        self._wake.set()

    def _run_timer(self) -> None:
        from django.db import connection

        while True:
            self._wake.wait(settings.JTL_ANALYTICS_FLUSH_SECONDS)
            self._wake.clear()
            if self.pending():
                self.flush()
                connection.close()


recorder = Recorder()


def _flush_if_due(**_: object) -> None:
    # With the writer thread running, requests never write: they only wake it up.
    if recorder.due():
        if recorder.writes_in_background:
            recorder.wake()
        else:
            recorder.flush()


request_finished.connect(_flush_if_due, dispatch_uid="privacy.analytics.flush")


def _flush_at_exit() -> None:
    # Only a server's buffer is worth keeping; a test run's would land in the wrong database.
    if recorder.timer_allowed:
        recorder.flush()


atexit.register(_flush_at_exit)


def _wants_no_tracking(request: HttpRequest) -> bool:
    meta = request.META
    return meta.get("HTTP_SEC_GPC") == "1" or meta.get("HTTP_DNT") == "1"


class AnalyticsMiddleware:
    """Notes each HTML page view in the buffer; costs a few microseconds per request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not settings.JTL_ANALYTICS_ENABLED or request.method != "GET":
            return response
        if request.path.startswith(_SKIPPED_PREFIXES) or _wants_no_tracking(request):
            return response
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and user.is_authenticated else None
        session = getattr(request, "session", None)
        if user_id is not None and session is not None and session.get(OBJECTED_SESSION_KEY):
            return response
        match = request.resolver_match
        recorder.add(
            RawView(
                at=timezone.now(),
                route=_route_of(match.route if match else None, response.status_code),
                status=response.status_code,
                referer=request.META.get("HTTP_REFERER", ""),
                host=request.get_host(),
                ip=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:500],
                user_id=user_id,
            )
        )
        return response


def _route_of(route: str | None, status: int) -> str:
    if route is None:
        return "(not found)" if status == 404 else "(unknown)"
    return "/" + route


# --- Helpers the writer uses ----------------------------------------------------------------


def referrer_route(referer: str, host: str) -> str:
    """The pattern of an in-site referrer; other sites and anything unparsable give ''."""
    if not referer:
        return ""
    try:
        parts = urlsplit(referer)
    except ValueError:
        return ""
    if parts.netloc and parts.netloc != host:
        return ""
    try:
        match = resolve(parts.path or "/")
    except Resolver404:
        return "(not found)"
    return _route_of(match.route, 200)


@functools.lru_cache(maxsize=4)
def _device_key(secret: str) -> bytes:
    return hashlib.sha256(("analytics-device|" + secret).encode()).digest()


def device_id(ip: str, user_agent: str, day: dt.date) -> str:
    """A keyed hash of IP, user agent and day: stable for a day, unlinkable across days."""
    key = _device_key(settings.SECRET_KEY)
    message = f"{day.isoformat()}|{ip}|{user_agent}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def stored_ip(ip: str) -> str | None:
    """The IP address as stored: whole, or with the host part zeroed if so configured."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return None
    if not settings.JTL_ANALYTICS_TRUNCATE_IP:
        return str(address)
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False).network_address)


# Programs rather than people: counted, but as "bot", so the people figures stay clean.
_AUTOMATION_MARKERS = ("bot", "spider", "crawl", "curl/", "wget/", "python-", "headless")


@dataclass(frozen=True)
class Agent:
    browser: str
    browser_version: str
    os: str
    os_version: str
    device_type: str


def parse_agent(user_agent: str) -> Agent:
    result = parse(user_agent)
    ua, os_info, device = result.user_agent, result.os, result.device
    browser = ua.family if ua else "Other"
    lowered = user_agent.lower()
    if (device is not None and device.family == "Spider") or any(
        marker in lowered for marker in _AUTOMATION_MARKERS
    ):
        device_type = "bot"
    elif "ipad" in lowered or "tablet" in lowered:
        device_type = "tablet"
    elif "mobi" in lowered or "android" in lowered:
        device_type = "mobile"
    elif not user_agent:
        device_type = "unknown"
    else:
        device_type = "desktop"
    return Agent(
        browser=browser[:64],
        browser_version=(ua.major or "") if ua else "",
        os=(os_info.family if os_info else "Other")[:64],
        os_version=".".join(v for v in (os_info.major, os_info.minor) if v) if os_info else "",
        device_type=device_type,
    )
