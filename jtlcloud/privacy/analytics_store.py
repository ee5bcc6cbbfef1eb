"""Writing buffered page views: parse, drop objectors, group into visits, insert in bulk."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from django.conf import settings
from django.db import connection
from django.utils import timezone

from jtlcloud.privacy.analytics import (
    Agent,
    RawView,
    device_id,
    parse_agent,
    referrer_route,
    stored_ip,
)
from jtlcloud.privacy.models import DeviceObjection, PageView, PrivacyPreference, Visit


@lru_cache(maxsize=2048)
def _agent(user_agent: str) -> Agent:
    return parse_agent(user_agent)


@lru_cache(maxsize=4096)
def _referrer(referer: str, host: str) -> str:
    return referrer_route(referer, host)


def store_views(batch: list[RawView]) -> int:
    """Store a batch (the caller holds a transaction). Objectors' views are dropped here."""
    user_ids = {view.user_id for view in batch if view.user_id is not None}
    objectors = set(
        PrivacyPreference.objects.filter(
            user_id__in=user_ids, analytics_objected_at__isnull=False
        ).values_list("user_id", flat=True)
    )
    prepared = []
    for view in batch:
        if view.user_id in objectors:
            continue
        day = view.at.astimezone(dt.UTC).date()
        prepared.append((view, device_id(view.ip, view.user_agent, day)))
    if not prepared:
        return 0
    objected_devices = set(
        DeviceObjection.objects.filter(
            device_id__in={device for _, device in prepared}
        ).values_list("device_id", flat=True)
    )
    prepared = [(v, d) for v, d in prepared if d not in objected_devices]

    gap = dt.timedelta(minutes=settings.JTL_ANALYTICS_VISIT_GAP_MINUTES)
    prepared.sort(key=lambda item: item[0].at)
    # One query for the visits this batch may continue, one insert for the new ones.
    open_visits: dict[str, Visit] = {}
    for visit in Visit.objects.filter(
        device_id__in={device for _, device in prepared},
        last_at__gte=prepared[0][0].at - gap,
    ).order_by("last_at"):
        open_visits[visit.device_id] = visit
    visit_of: list[Visit] = []
    new_visits: list[Visit] = []
    for view, device in prepared:
        agent = _agent(view.user_agent)
        found = open_visits.get(device)
        if found is not None and view.at - found.last_at <= gap:
            visit = found
        else:
            visit = Visit(
                device_id=device,
                user_id=view.user_id,
                started_at=view.at,
                last_at=view.at,
                browser=agent.browser,
                os=agent.os,
                device_type=agent.device_type,
            )
            new_visits.append(visit)
            open_visits[device] = visit
        visit.last_at = max(visit.last_at, view.at)
        visit.page_count += 1
        if visit.user_id is None and view.user_id is not None:
            visit.user_id = view.user_id
        visit_of.append(visit)
    Visit.objects.bulk_create(new_visits)
    new_ids = {id(v) for v in new_visits}
    continued = {v.pk: v for v in visit_of if id(v) not in new_ids}
    if continued:
        _update_visits(list(continued.values()))
    rows: list[PageView] = []
    for (view, device), visit in zip(prepared, visit_of, strict=True):
        agent = _agent(view.user_agent)
        rows.append(
            PageView(
                visit=visit,
                user_id=view.user_id,
                at=view.at,
                route=view.route[:200],
                status=view.status,
                referrer_route=_referrer(view.referer, view.host)[:200],
                ip=stored_ip(view.ip),
                device_id=device,
                browser=agent.browser,
                browser_version=agent.browser_version[:32],
                os=agent.os,
                os_version=agent.os_version[:32],
                device_type=agent.device_type,
            )
        )
    PageView.objects.bulk_create(rows)
    return len(rows)


def _update_visits(visits: list[Visit]) -> None:
    """One prepared UPDATE run for many rows: Django's bulk_update builds a huge CASE
    expression that costs more than all the rest of a batch together."""
    last_at = Visit._meta.get_field("last_at")
    table = connection.ops.quote_name(Visit._meta.db_table)
    sql = f"UPDATE {table} SET last_at = %s, page_count = %s, user_id = %s WHERE id = %s"  # noqa: S608 - our own table name
    rows = [
        (last_at.get_db_prep_value(v.last_at, connection), v.page_count, v.user_id, v.pk)
        for v in visits
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def purge_old_visits(now: dt.datetime | None = None) -> tuple[int, int]:
    """Delete visits and page views older than the retention period; (visits, views) deleted."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.JTL_ANALYTICS_RETENTION_DAYS)
    views, _ = PageView.objects.filter(at__lt=cutoff).delete()
    visits, _ = Visit.objects.filter(last_at__lt=cutoff).delete()
    today = now.date()
    DeviceObjection.objects.filter(day__lt=today - dt.timedelta(days=1)).delete()
    return visits, views
