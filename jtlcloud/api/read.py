"""The read API: installations, channels with latest values, series, events and CSV export.

Every route asks the access module (404 when the token's user may not see
the installation, now) and writes the access log.
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from django.http import HttpRequest, JsonResponse
from ninja import Query, Router

from jtlcloud.api.auth import ApiTokenAuth, token_user
from jtlcloud.api.schemas import (
    ErrorOut,
    EventOut,
    EventPageOut,
    InstallationDetailOut,
    InstallationOut,
    SeriesOut,
)
from jtlcloud.installations.access import (
    Access,
    Need,
    access_installation,
    visible_installations,
)
from jtlcloud.installations.access_log import record_access
from jtlcloud.installations.models import AccessKind, Installation
from jtlcloud.telemetry.export import export_response
from jtlcloud.telemetry.models import Channel
from jtlcloud.telemetry.queries import (
    channels_of,
    event_page,
    is_online,
    raw_kept_since,
    series,
)
from jtlcloud.telemetry.ranges import RangeError, parse_instant, parse_range

router = Router(tags=["read"], auth=ApiTokenAuth())


def _installation_out(installation: Installation, via: str) -> dict[str, object]:
    return {
        "code": installation.code,
        "name": installation.name,
        "owner": installation.owner.name,
        "time_zone": installation.time_zone,
        "online": is_online(installation),
        "last_seen_at": installation.last_seen_at,
        "access": via,
    }


def _channel_out(channel: Channel) -> dict[str, object]:
    latest = (
        datetime.fromtimestamp(channel.last_ts / 1000, tz=UTC)
        if channel.last_ts is not None
        else None
    )
    return {
        "name": channel.name,
        "unit": channel.unit,
        "latest_ts": latest,
        "latest_value": channel.last_value,
    }


def _bad_range(error: RangeError) -> JsonResponse:
    return JsonResponse({"error": "bad_range", "detail": str(error)}, status=400)


@router.get(
    "/installations",
    response=list[InstallationOut],
    summary="Installations you may see",
    url_name="installations",
)
def installations(request: HttpRequest) -> list[dict[str, object]]:
    user = token_user(request)
    found = visible_installations(user).select_related("owner").order_by("name")
    return [_installation_out(installation, "") for installation in found]


@router.get(
    "/installations/{code}",
    response={200: InstallationDetailOut, 404: ErrorOut},
    summary="An installation with its channels and their latest values",
    url_name="installation",
)
def installation_detail(request: HttpRequest, code: UUID) -> dict[str, object]:
    user = token_user(request)
    access = access_installation(user, code, Need.VIEW)
    record_access(request, user, access, AccessKind.API, "installation and latest values")
    return {
        **_installation_out(access.installation, access.via),
        "channels": [_channel_out(channel) for channel in channels_of(access.installation)],
    }


def _channel(access: Access, name: str) -> Channel | None:
    return Channel.objects.filter(installation=access.installation, name=name).first()


@router.get(
    "/installations/{code}/series",
    response={200: SeriesOut, 400: ErrorOut, 404: ErrorOut},
    summary="A channel's values over a range, at a resolution fitting the requested points",
    url_name="series",
)
def series_route(
    request: HttpRequest,
    code: UUID,
    channel: str,
    start: str | None = Query(None, alias="from", description="RFC 3339 or Unix s; default to-24h"),
    end: str | None = Query(None, alias="to", description="RFC 3339 or Unix s; default now"),
    points: int = Query(1000, ge=1, le=5000),
) -> object:
    user = token_user(request)
    access = access_installation(user, code, Need.VIEW)
    try:
        start_at, end_at = parse_range(start, end)
    except RangeError as error:
        return _bad_range(error)
    found = _channel(access, channel)
    if found is None:
        return JsonResponse({"error": "not_found", "detail": "No such channel."}, status=404)
    record_access(request, user, access, AccessKind.API, f"series {channel}"[:300])
    result = series(
        found,
        int(start_at.timestamp() * 1000),
        int(end_at.timestamp() * 1000),
        points,
        raw_kept_since(access.installation),
    )
    return {
        "channel": found.name,
        "unit": found.unit,
        "resolution": result.resolution,
        "rows": result.rows,
    }


@router.get(
    "/installations/{code}/events",
    response={200: EventPageOut, 400: ErrorOut, 404: ErrorOut},
    summary="Events, newest first, with filters and cursor pagination",
    url_name="events",
)
def events_route(
    request: HttpRequest,
    code: UUID,
    severity: list[str] = Query([]),  # noqa: B008
    start: str | None = Query(None, alias="from"),
    end: str | None = Query(None, alias="to"),
    cursor: str | None = None,
    limit: int = Query(50, ge=1, le=500),
) -> object:
    user = token_user(request)
    access = access_installation(user, code, Need.VIEW)
    try:
        start_at, end_at = parse_instant(start), parse_instant(end)
    except RangeError as error:
        return _bad_range(error)
    record_access(request, user, access, AccessKind.API, "events")
    page = event_page(
        access.installation,
        severities=severity or None,
        start=start_at,
        end=end_at,
        cursor=cursor,
        limit=limit,
    )
    return {
        "events": [
            EventOut(
                id=event.client_id,
                ts=event.ts,
                severity=event.severity,
                code=event.code,
                message=event.message,
                details=event.details,
            )
            for event in page.events
        ],
        "next_cursor": page.next_cursor,
    }


@router.get(
    "/installations/{code}/export.csv",
    response={200: str, 400: ErrorOut, 404: ErrorOut},
    summary="Raw readings as CSV, streamed, headed with who exported them and under which grant",
    url_name="export",
)
def export_route(
    request: HttpRequest,
    code: UUID,
    channel: list[str] = Query([]),  # noqa: B008
    start: str | None = Query(None, alias="from"),
    end: str | None = Query(None, alias="to"),
) -> object:
    user = token_user(request)
    access = access_installation(user, code, Need.EXPORT)
    try:
        start_at, end_at = parse_range(start, end)
    except RangeError as error:
        return _bad_range(error)
    return export_response(request, user, access, channel, start_at, end_at)
