"""URLs of the telemetry pages: status list, dashboard, chart, events, export; API tokens."""

from django.urls import URLPattern, URLResolver, path

from jtlcloud.web.views import telemetry, telemetry_chart, tokens

urlpatterns: list[URLPattern | URLResolver] = [
    path("data", telemetry.installation_list, name="telemetry-list"),
    path("installations/<uuid:code>/dashboard", telemetry.dashboard, name="installation-dashboard"),
    path("installations/<uuid:code>/chart", telemetry_chart.chart, name="installation-chart"),
    path(
        "installations/<uuid:code>/chart/series",
        telemetry_chart.chart_series,
        name="installation-chart-series",
    ),
    path("installations/<uuid:code>/events", telemetry.events, name="installation-events"),
    path("installations/<uuid:code>/export", telemetry_chart.export, name="installation-export"),
    path("account/tokens", tokens.create_token, name="api-token-create"),
    path("account/tokens/<uuid:code>/revoke", tokens.revoke_token, name="api-token-revoke"),
]
