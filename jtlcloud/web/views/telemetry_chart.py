"""The chart page, the series it loads as JSON, and the CSV export form."""

from __future__ import annotations

import time as clock
from collections import Counter
from datetime import datetime, time, timedelta
from uuid import UUID

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_GET

from jtlcloud.installations.access import Need
from jtlcloud.installations.access_log import record_access
from jtlcloud.installations.models import AccessKind
from jtlcloud.telemetry.export import export_response
from jtlcloud.telemetry.models import Channel
from jtlcloud.telemetry.queries import channels_of, raw_kept_since, series
from jtlcloud.telemetry.ranges import RangeError, parse_range
from jtlcloud.web.views.telemetry import (
    current_user,
    open_installation,
    page_context,
    record_repeated_access,
    zone_of,
)

MAX_CHART_CHANNELS = 8


@login_required
@require_GET
def chart(request: HttpRequest, code: UUID) -> HttpResponse:
    access = open_installation(request, code)
    installation = access.installation
    record_access(request, current_user(request), access, AccessKind.CHART, "chart page")
    channels = list(channels_of(installation))
    wanted = request.GET.getlist("channel") or default_channels(channels)
    config = {
        "seriesUrl": f"/installations/{installation.code}/chart/series",
        "timeZone": installation.time_zone,
        "channels": [
            {"name": channel.name, "unit": channel.unit, "selected": channel.name in wanted}
            for channel in channels
        ],
        "maxChannels": MAX_CHART_CHANNELS,
    }
    return render(
        request,
        "telemetry/chart.html",
        page_context(access, "chart", config=config),
    )


def default_channels(channels: list[Channel]) -> list[str]:
    """Up to three channels of the most common unit: comparable on one axis."""
    units = Counter(channel.unit for channel in channels)
    if not units:
        return []
    unit = units.most_common(1)[0][0]
    return [channel.name for channel in channels if channel.unit == unit][:3]


@login_required
@require_GET
def chart_series(request: HttpRequest, code: UUID) -> JsonResponse:
    """Several channels over one range, each at a resolution fitting the chart's width."""
    access = open_installation(request, code)
    started = clock.perf_counter()
    try:
        start, end = parse_range(request.GET.get("from"), request.GET.get("to"))
        points = int(request.GET.get("points", "1000"))
    except (RangeError, ValueError) as error:
        return JsonResponse({"error": "bad_request", "detail": str(error)}, status=400)
    names = request.GET.getlist("channel")[:MAX_CHART_CHANNELS]
    channels = [channel for channel in channels_of(access.installation) if channel.name in names]
    record_repeated_access(
        request,
        access,
        AccessKind.CHART,
        f"chart {start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC: " + ", ".join(names),
    )
    start_ms, end_ms = int(start.timestamp() * 1000), int(end.timestamp() * 1000)
    kept = raw_kept_since(access.installation)
    results = [series(channel, start_ms, end_ms, points, kept) for channel in channels]
    return JsonResponse(
        {
            "from": start_ms,
            "to": end_ms,
            "series": [
                {
                    "channel": result.channel.name,
                    "unit": result.channel.unit,
                    "resolution": result.resolution,
                    "rows": result.rows,
                }
                for result in results
            ],
            "ms": round((clock.perf_counter() - started) * 1000, 1),
        }
    )


class ExportForm(forms.Form):
    start = forms.DateField(
        label="From (day)", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label="To (day, inclusive)",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    channel = forms.MultipleChoiceField(
        label="Channels", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: object, channel_names: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["channel"].choices = [(name, name) for name in channel_names]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError("The first day must not be after the last.")
        return data


@login_required
@require_GET
def export(request: HttpRequest, code: UUID) -> HttpResponseBase:
    """The export form; with its fields filled in, the CSV file itself."""
    access = open_installation(request, code, Need.EXPORT)
    installation = access.installation
    names = [channel.name for channel in channels_of(installation)]
    zone = zone_of(installation)
    today = datetime.now(tz=zone).date()
    bound = "start" in request.GET
    form = ExportForm(
        request.GET if bound else None,
        channel_names=names,
        initial={"start": today - timedelta(days=7), "end": today, "channel": names},
    )
    if bound and form.is_valid():
        start = datetime.combine(form.cleaned_data["start"], time.min, tzinfo=zone)
        end = datetime.combine(form.cleaned_data["end"], time.min, tzinfo=zone) + timedelta(days=1)
        return export_response(
            request, current_user(request), access, form.cleaned_data["channel"], start, end
        )
    return render(
        request,
        "telemetry/export.html",
        page_context(access, "export", form=form),
        status=400 if bound else 200,
    )
