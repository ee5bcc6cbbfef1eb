"""Writing, reading and purging the access log: every view or export of installation data.

Writing is one prepared INSERT with nothing read first (the decision in
``Access`` already names the organisation), because it happens on every data
page and API read; ``bench/access_log.py`` measures what it adds to a request.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from jtlcloud.accounts.models import User
from jtlcloud.installations.access import Access
from jtlcloud.installations.models import AccessLogEntry, Installation
from jtlcloud.lib.client_ip import client_ip


def record_access(
    request: HttpRequest | None, user: User, access: Access, kind: str, detail: str = ""
) -> None:
    """One INSERT; called by every view and API route that shows installation data."""
    organisation = access.organisation
    if not organisation:
        # Older callers built Access without the organisation: look it up once.
        membership = user.memberships.select_related("organisation").first()
        organisation = membership.organisation.name if membership else user.company
    ip = client_ip(request) if request is not None else None
    ops = connection.ops
    # A prepared INSERT rather than Model.objects.create(): the ORM's statement
    # building cost about four times the INSERT itself (bench/access_log.py).
    with connection.cursor() as cursor:
        cursor.execute(
            _insert_sql(connection.vendor),
            [
                access.installation.pk,
                user.pk,
                f"{user.name} <{user.email}>"[:320],
                organisation[:200],
                kind[:16],
                detail[:300],
                access.via[:16],
                access.grant_id,
                ops.adapt_datetimefield_value(timezone.now()),
                ops.adapt_ipaddressfield_value(ip),
            ],
        )


_COLUMNS = (
    "installation_id",
    "user_id",
    "user_label",
    "organisation_label",
    "kind",
    "detail",
    "via",
    "grant_id",
    "at",
    "ip",
)


@cache
def _insert_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in _COLUMNS)
    values = ", ".join(["%s"] * len(_COLUMNS))
    return f"INSERT INTO {quote(AccessLogEntry._meta.db_table)} ({columns}) VALUES ({values})"  # noqa: S608


@dataclass(frozen=True)
class LogFilter:
    """What an owner narrowed the access log to; every field optional."""

    person: str = ""  # a user_label, as listed by ``people_in_log``
    kind: str = ""
    since: date | None = None
    until: date | None = None  # inclusive


def filtered_log(installation: Installation, chosen: LogFilter) -> QuerySet[AccessLogEntry]:
    entries = AccessLogEntry.objects.filter(installation=installation)
    if chosen.person:
        entries = entries.filter(user_label=chosen.person)
    if chosen.kind:
        entries = entries.filter(kind=chosen.kind)
    if chosen.since:
        entries = entries.filter(at__gte=datetime.combine(chosen.since, time.min, tzinfo=UTC))
    if chosen.until:
        end = datetime.combine(chosen.until + timedelta(days=1), time.min, tzinfo=UTC)
        entries = entries.filter(at__lt=end)
    return entries.order_by("-at", "-id")


def people_in_log(installation: Installation) -> list[str]:
    labels = (
        AccessLogEntry.objects.filter(installation=installation)
        .values_list("user_label", flat=True)
        .distinct()
    )
    return sorted(set(labels), key=str.lower)


def log_as_csv(entries: Iterable[AccessLogEntry]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["time_utc", "person", "organisation", "kind", "detail", "via", "grant", "ip"])
    for entry in entries:
        writer.writerow(
            [
                entry.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                _csv_safe(entry.user_label),
                _csv_safe(entry.organisation_label),
                entry.kind,
                _csv_safe(entry.detail),
                entry.via,
                entry.grant_id or "",
                entry.ip or "",
            ]
        )
    return out.getvalue()


def purge_access_log(now: datetime | None = None) -> int:
    """Delete entries older than the retention period; how many went."""
    days = settings.JTL_ACCESS_LOG_RETENTION_DAYS
    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted, _ = AccessLogEntry.objects.filter(at__lt=cutoff).delete()
    return deleted


def _csv_safe(value: str) -> str:
    # A cell starting with = + - @ would run as a formula in a spreadsheet.
    return "'" + value if value[:1] in {"=", "+", "-", "@", "\t", "\r"} else value
