"""Figures for the staff analytics dashboard, for a date range (UTC days, both ends included)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate

from jtlcloud.privacy.models import PageView, Visit

TOP = 10
PATH_STEPS = 4


def _range(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    begin = dt.datetime.combine(start, dt.time.min, tzinfo=dt.UTC)
    finish = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
    return begin, finish


def _top(rows: Any, field: str) -> list[dict[str, Any]]:
    return [{"label": row[field] or "(unknown)", "count": row["n"]} for row in rows[:TOP]]


def dashboard(start: dt.date, end: dt.date) -> dict[str, Any]:
    begin, finish = _range(start, end)
    views = PageView.objects.filter(at__gte=begin, at__lt=finish)
    visits = Visit.objects.filter(started_at__gte=begin, started_at__lt=finish)

    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    views_by_day = dict(
        views.annotate(day=TruncDate("at", tzinfo=dt.UTC))
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    visits_by_day = dict(
        visits.annotate(day=TruncDate("started_at", tzinfo=dt.UTC))
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    total_seconds = 0.0
    visit_count = 0
    seconds_by_day: dict[dt.date, list[float]] = {}
    for started, last in visits.values_list("started_at", "last_at"):
        length = (last - started).total_seconds()
        total_seconds += length
        visit_count += 1
        seconds_by_day.setdefault(started.astimezone(dt.UTC).date(), []).append(length)

    return {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "daily": {
            # Seconds since the epoch at midnight UTC: what uPlot's time axis expects.
            "days": [
                int(dt.datetime.combine(d, dt.time.min, tzinfo=dt.UTC).timestamp()) for d in days
            ],
            "labels": [d.isoformat() for d in days],
            "visits": [visits_by_day.get(d, 0) for d in days],
            "page_views": [views_by_day.get(d, 0) for d in days],
            "average_visit_seconds": [
                round(sum(seconds_by_day[d]) / len(seconds_by_day[d]))
                if d in seconds_by_day
                else None
                for d in days
            ],
        },
        "daily_rows": [
            {
                "day": d.isoformat(),
                "visits": visits_by_day.get(d, 0),
                "page_views": views_by_day.get(d, 0),
            }
            for d in days
        ],
        "totals": {
            "visits": visit_count,
            "page_views": views.count(),
            "average_visit_seconds": round(total_seconds / visit_count) if visit_count else 0,
            "pages_per_visit": round(views.count() / visit_count, 1) if visit_count else 0,
            "errors": views.filter(status__gte=400).count(),
        },
        "top_pages": _top(
            views.values("route").annotate(n=Count("id")).order_by("-n", "route"), "route"
        ),
        "browsers": _top(
            views.values("browser").annotate(n=Count("visit", distinct=True)).order_by("-n"),
            "browser",
        ),
        "os": _top(
            views.values("os").annotate(n=Count("visit", distinct=True)).order_by("-n"), "os"
        ),
        "devices": _top(
            visits.values("device_type").annotate(n=Count("id")).order_by("-n"), "device_type"
        ),
        "entry_referrers": _top(
            views.filter(~Q(referrer_route=""), ~Q(referrer_route=F("route")))
            .values("referrer_route")
            .annotate(n=Count("id"))
            .order_by("-n"),
            "referrer_route",
        ),
        "paths": common_paths(views),
    }


def common_paths(views: Any) -> list[dict[str, Any]]:
    """The most common first steps of visits, e.g. / → /login → /account."""
    steps: dict[int, list[str]] = {}
    for visit_id, route in views.order_by("visit_id", "at").values_list("visit_id", "route"):
        path = steps.setdefault(visit_id, [])
        if len(path) < PATH_STEPS and (not path or path[-1] != route):
            path.append(route)
    counter = Counter(" → ".join(path) for path in steps.values() if len(path) > 1)
    return [{"label": label, "count": n} for label, n in counter.most_common(TOP)]
