"""Installation data pages: the list with status, the dashboard, the event log."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from jtlcloud.accounts.models import User
from jtlcloud.installations.access import Access, Need, access_installation, visible_installations
from jtlcloud.installations.access_log import record_access
from jtlcloud.installations.models import AccessKind, Installation
from jtlcloud.telemetry.models import Channel, Severity
from jtlcloud.telemetry.queries import channels_of, event_page, is_online


def current_user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # noqa: S101 - login_required guarantees it
    return request.user


def zone_of(installation: Installation) -> ZoneInfo:
    try:
        return ZoneInfo(installation.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def open_installation(request: HttpRequest, code: UUID, need: str = Need.VIEW) -> Access:
    """The access decision for this request; Http404 if the user may not see it now."""
    return access_installation(current_user(request), code, need)


def page_context(access: Access, tab: str, **extra: object) -> dict[str, object]:
    """What every installation data page shows in its header."""
    allows = getattr(access, "allows", None)  # decisions know the role's rights
    return {
        "installation": access.installation,
        "access": access,
        "online": is_online(access.installation),
        "can_export": True if allows is None else bool(allows(Need.EXPORT)),
        "tab": tab,
        **extra,
    }


def record_repeated_access(
    request: HttpRequest, access: Access, kind: str, detail: str, every_seconds: int = 60
) -> None:
    """Log a self-refreshing read (live chart, live dashboard) at most once a minute.

    A live chart asks for data every 10 s; logging each would bury the owner's
    access log in identical rows. The first read of each minute is logged.
    """
    user = current_user(request)
    if cache.add(f"jtl-access-seen:{user.pk}:{access.installation.pk}:{kind}", 1, every_seconds):
        record_access(request, user, access, kind, detail)


def latest_at(channel: Channel) -> datetime | None:
    if channel.last_ts is None:
        return None
    return datetime.fromtimestamp(channel.last_ts / 1000, tz=UTC)


@login_required
@require_GET
def installation_list(request: HttpRequest) -> HttpResponse:
    installations = list(
        visible_installations(current_user(request)).select_related("owner").order_by("name")
    )
    rows = [(installation, is_online(installation)) for installation in installations]
    online = sum(1 for _installation, up in rows if up)
    return render(
        request,
        "telemetry/list.html",
        {"rows": rows, "online_count": online, "offline_count": len(rows) - online},
    )


@login_required
@require_GET
def dashboard(request: HttpRequest, code: UUID) -> HttpResponse:
    access = open_installation(request, code)
    installation = access.installation
    if request.headers.get("HX-Request"):  # the page refreshes itself every 30 s
        record_repeated_access(request, access, AccessKind.DASHBOARD, "dashboard (live)")
    else:
        record_access(request, current_user(request), access, AccessKind.DASHBOARD, "dashboard")
    channels = [(channel, latest_at(channel)) for channel in channels_of(installation)]
    recent = event_page(installation, limit=8).events
    alarms = [event for event in recent if event.severity in {"alarm", "critical"}]
    return render(
        request,
        "telemetry/dashboard.html",
        page_context(
            access, "dashboard", channels=channels, events=recent, alarm_count=len(alarms)
        ),
    )


class EventFilterForm(forms.Form):
    severity = forms.MultipleChoiceField(
        choices=Severity.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    start = forms.DateField(
        label="From (day)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label="To (day, inclusive)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    cursor = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)


def day_start(day: date | None, zone: ZoneInfo) -> datetime | None:
    if day is None:
        return None
    return datetime.combine(day, time.min, tzinfo=zone)


@login_required
@require_GET
def events(request: HttpRequest, code: UUID) -> HttpResponse:
    access = open_installation(request, code)
    installation = access.installation
    form = EventFilterForm(request.GET or None)
    page = None
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        status = 200
        data = form.cleaned_data if form.is_bound else {}
        zone = zone_of(installation)
        end = day_start(data.get("end"), zone)
        record_access(request, current_user(request), access, AccessKind.EVENTS, "event log")
        page = event_page(
            installation,
            severities=data.get("severity") or None,
            start=day_start(data.get("start"), zone),
            end=end + timedelta(days=1) if end else None,
            cursor=data.get("cursor") or None,
            limit=50,
        )
    query = request.GET.copy()
    query.pop("cursor", None)
    return render(
        request,
        "telemetry/events.html",
        page_context(
            access,
            "events",
            form=form,
            page=page,
            filters=query.urlencode(),
            paged=bool(request.GET.get("cursor")),
        ),
        status=status,
    )
