"""CSV export, streamed, headed with who exported it, for which installation, under which grant."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime

from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone

from jtlcloud.accounts.models import User
from jtlcloud.installations.access import Access
from jtlcloud.installations.access_log import record_access
from jtlcloud.installations.models import AccessKind
from jtlcloud.telemetry.models import Channel
from jtlcloud.telemetry.queries import channels_of, export_rows

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    # A spreadsheet would run a cell starting like a formula; make it text.
    return "'" + text if text.startswith(_FORMULA_START) else text


def _access_line(access: Access) -> str:
    if access.via == "grant":
        reference = f' "{access.reference}"' if access.reference else ""
        return f"under grant #{access.grant_id}{reference}"
    if access.via == "owner":
        return f"as a member of the owner, {access.installation.owner.name}"
    return f"as JTL staff ({access.via})"


def _header(user: User, access: Access, start: datetime, end: datetime) -> list[str]:
    installation = access.installation
    return [
        "# JTL Cloud export of installation data",
        f"# Installation: {installation.name} ({installation.code})",
        f"# Exported by: {user.name} <{user.email}>, {user.company}",
        f"# Access: {_access_line(access)}",
        f"# Exported at: {timezone.now().astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}",
        f"# Range: {start.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ} to "
        f"{end.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ} (times in UTC)",
    ]


def csv_lines(
    user: User, access: Access, channels: list[Channel], start: datetime, end: datetime
) -> Iterator[str]:
    """The export, line by line, in bounded memory: rows come from the database in chunks."""
    for line in _header(user, access, start, end):
        # Header lines come from names people typed: no line breaks may end the comment.
        yield line.replace("\r", " ").replace("\n", " ") + "\n"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["time", "channel", "value", "unit"])
    start_ms, end_ms = int(start.timestamp() * 1000), int(end.timestamp() * 1000)
    for count, (channel, ts, value) in enumerate(export_rows(channels, start_ms, end_ms)):
        when = datetime.fromtimestamp(ts / 1000, tz=UTC).isoformat(timespec="milliseconds")
        writer.writerow(
            [when.replace("+00:00", "Z"), channel.name, repr(value), _cell(channel.unit)]
        )
        if count % 1000 == 999:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def export_filename(access: Access, start: datetime, end: datetime) -> str:
    return f"jtlcloud-{access.installation.code}-{start:%Y%m%d}-{end:%Y%m%d}.csv"


def export_response(
    request: HttpRequest,
    user: User,
    access: Access,
    names: list[str],
    start: datetime,
    end: datetime,
) -> StreamingHttpResponse:
    """Shared by the API and the export page: log the access, then stream the file."""
    channels = list(channels_of(access.installation))
    if names:
        wanted = set(names)
        channels = [channel for channel in channels if channel.name in wanted]
    detail = f"CSV {start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC, " + (
        ", ".join(channel.name for channel in channels) or "no channels"
    )
    record_access(request, user, access, AccessKind.EXPORT, detail[:300])
    response = StreamingHttpResponse(
        csv_lines(user, access, channels, start, end), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{export_filename(access, start, end)}"'
    )
    return response
