"""URLs of the alerts pages: an installation's rules and subscriptions; the email unsubscribe."""

from django.urls import URLPattern, URLResolver, path

from jtlcloud.web.views import alerts

urlpatterns: list[URLPattern | URLResolver] = [
    path("installations/<uuid:code>/alerts", alerts.rules, name="installation-alerts"),
    path("installations/<uuid:code>/alerts/new", alerts.rule_new, name="installation-alert-new"),
    path(
        "installations/<uuid:code>/alerts/<uuid:rule>/edit",
        alerts.rule_edit,
        name="installation-alert-edit",
    ),
    path(
        "installations/<uuid:code>/alerts/<uuid:rule>/delete",
        alerts.rule_delete,
        name="installation-alert-delete",
    ),
    path(
        "installations/<uuid:code>/alerts/<uuid:rule>/subscription",
        alerts.subscription,
        name="installation-alert-subscription",
    ),
    path("alerts/unsubscribe/<str:token>", alerts.unsubscribe, name="alert-unsubscribe"),
]
