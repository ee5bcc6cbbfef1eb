"""Ingest routes: the JSON contract, InfluxDB line protocol and collectd ``write_http`` JSON.

Every route: installation key → rate limit → size → content type → parse and
validate everything → store all or nothing. The key may come as
``Authorization: Bearer <key>`` (or ``Token <key>``, as InfluxDB clients send
it) or as the password of HTTP Basic auth (collectd's ``User``/``Password``).
"""

from __future__ import annotations

import base64
import binascii
import time
import zlib
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django_ratelimit.core import get_usage
from ninja import Router

from jtlcloud.api.schemas import ErrorOut, IngestErrorOut, IngestIn, IngestOut
from jtlcloud.installations.keys import installation_for_key
from jtlcloud.installations.models import Installation
from jtlcloud.telemetry.batch import Batch, Errors
from jtlcloud.telemetry.formats_agents import PRECISIONS, parse_collectd, parse_line_protocol
from jtlcloud.telemetry.formats_json import parse_ingest_json
from jtlcloud.telemetry.store import store_batch

router = Router(tags=["ingest"])

_ERRORS: dict[int, type] = {
    401: ErrorOut,
    413: ErrorOut,
    415: ErrorOut,
    429: ErrorOut,
}


def _error(status: int, code: str, detail: str, **headers: str) -> JsonResponse:
    response = JsonResponse({"error": code, "detail": detail}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def raw_key(request: HttpRequest) -> str | None:
    scheme, _, value = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    scheme = scheme.lower()
    if scheme in {"bearer", "token"}:
        return value.strip() or None
    if scheme == "basic":
        try:
            user, _, password = (
                base64.b64decode(value.strip(), validate=True).decode().partition(":")
            )
        except (binascii.Error, UnicodeDecodeError):
            return None
        return password or user or None
    return None


def _authorised(request: HttpRequest) -> Installation | JsonResponse:
    key = raw_key(request)
    installation = installation_for_key(key) if key else None
    if installation is None:
        return _error(
            401,
            "unauthorised",
            "Send a valid installation key: Authorization: Bearer <key>.",
            WWW_Authenticate='Bearer realm="JTL Cloud ingest", Basic realm="JTL Cloud ingest"',
        )
    usage = get_usage(
        request,
        group="ingest",
        key=lambda _group, _request: str(installation.code),
        rate=(settings.JTL_INGEST_RATE_PER_MINUTE, 60),
        increment=True,
    )
    if usage is not None and usage["should_limit"]:
        wait = max(int(usage["time_left"]), 1)
        return _error(
            429,
            "rate_limited",
            f"Too many requests for this installation; retry after {wait} s.",
            Retry_After=str(wait),
        )
    return installation


def _content_type(request: HttpRequest) -> str:
    return request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()


def _body(request: HttpRequest) -> bytes | JsonResponse:
    """The request body, un-gzipped, never larger than the limit."""
    limit = settings.JTL_INGEST_MAX_BYTES
    too_large = _error(413, "too_large", f"The body may be at most {limit} bytes (uncompressed).")
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return too_large
    raw = request.read(limit + 1)
    if len(raw) > limit:
        return too_large
    encoding = request.META.get("HTTP_CONTENT_ENCODING", "").strip().lower()
    if encoding in {"", "identity"}:
        return raw
    if encoding != "gzip":
        return _error(415, "unsupported_encoding", "Content-Encoding may be gzip or none.")
    inflater = zlib.decompressobj(wbits=31)  # gzip header and trailer
    try:
        body = inflater.decompress(raw, limit + 1)
    except zlib.error:
        return _error(400, "bad_gzip", "The body is not valid gzip.")
    if len(body) > limit or inflater.unconsumed_tail:
        return too_large
    if not inflater.eof:
        return _error(400, "bad_gzip", "The gzip body is truncated.")
    return body


def _ingest(
    request: HttpRequest,
    content_types: set[str],
    parse: Callable[[bytes, Errors], Batch],
    success_status: int = 200,
) -> HttpResponse:
    installation = _authorised(request)
    if isinstance(installation, JsonResponse):
        return installation
    body = _body(request)
    if isinstance(body, JsonResponse):
        return body
    if not body.strip():
        return _error(400, "empty", "The body is empty.")
    if _content_type(request) not in content_types:
        shown = ", ".join(sorted(kind or "(none)" for kind in content_types))
        return _error(415, "unsupported_media_type", f"Content-Type must be one of: {shown}.")
    errors = Errors()
    batch = parse(body, errors)
    if len(batch.readings) + len(batch.events) > settings.JTL_INGEST_MAX_ITEMS:
        return _error(
            413,
            "too_many_items",
            f"A request may carry at most {settings.JTL_INGEST_MAX_ITEMS} readings and events.",
        )
    if errors:
        return JsonResponse(
            {
                "error": "invalid",
                "detail": "Nothing was stored: fix the items named in errors and send again.",
                "errors": [item.as_dict() for item in errors.items],
                "error_count": errors.total,
            },
            status=400,
        )
    stored = store_batch(installation, batch)
    answer = {**stored.as_dict(), "ignored": batch.ignored}
    if success_status == 204:
        response = HttpResponse(status=204)
        response["X-JTL-Readings-Accepted"] = str(stored.readings_accepted)
        response["X-JTL-Readings-Duplicates"] = str(stored.readings_duplicate)
        return response
    return JsonResponse(answer)


_INGEST_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": IngestIn.json_schema()}},
    }
}


@router.post(
    "/ingest",
    response={200: IngestOut, 400: IngestErrorOut, **_ERRORS},
    summary="Push readings and events (installation key)",
    openapi_extra=_INGEST_BODY,
)
def ingest(request: HttpRequest) -> HttpResponse:
    """All or nothing: if any item is invalid nothing is stored and the answer names each bad
    item by index and field. Duplicates (same channel and timestamp; same event id) are stored
    once and counted. Bodies may be gzip-compressed (`Content-Encoding: gzip`)."""
    return _ingest(request, {"application/json"}, parse_ingest_json)


_LINE_TYPES = {"", "text/plain", "application/octet-stream", "application/x-www-form-urlencoded"}


@router.post(
    "/write",
    response={204: None, 400: IngestErrorOut, **_ERRORS},
    summary="Push readings as InfluxDB line protocol (installation key)",
    openapi_extra={
        "requestBody": {"required": True, "content": {"text/plain": {"schema": {"type": "string"}}}}
    },
)
def write_line_protocol(request: HttpRequest, precision: str = "ns") -> HttpResponse:
    """InfluxDB 1.x `/write` semantics: answers 204. Channel name = measurement, then tag values
    in tag-key order (tag `unit` sets the unit instead), then the field key unless it is
    `value`, joined with `.`; `precision` is one of ns, u/us, ms, s, m, h."""
    if precision not in PRECISIONS:
        return _error(400, "bad_precision", "precision must be one of: " + ", ".join(PRECISIONS))
    now_ms = int(time.time() * 1000)
    return _ingest(
        request,
        _LINE_TYPES,
        lambda raw, errors: parse_line_protocol(raw, precision, now_ms, errors),
        success_status=204,
    )


@router.post(
    "/collectd",
    response={200: IngestOut, 400: IngestErrorOut, **_ERRORS},
    summary="Push readings from collectd's write_http plugin (Format JSON)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": "array", "items": {}}}},
        }
    },
)
def collectd(request: HttpRequest) -> HttpResponse:
    """Configure collectd `<Plugin write_http><Node><URL ".../api/v1/collectd"> Format "JSON"`
    with `Header "Authorization: Bearer <key>"` or `User "x"` / `Password "<key>"`."""
    return _ingest(request, {"application/json"}, parse_collectd)
