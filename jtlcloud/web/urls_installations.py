"""URLs of the installations pages.

Every URL that addresses one installation names it ``code``; the isolation
matrix (tests/access/test_isolation_matrix.py) finds them by that name.
"""

from django.urls import URLPattern, URLResolver, path

from jtlcloud.web.views import installations as views
from jtlcloud.web.views import installations_access as owner
from jtlcloud.web.views import installations_staff as staff

urlpatterns: list[URLPattern | URLResolver] = [
    path("installations", views.installation_list, name="installation-list"),
    path("installations/new", views.installation_new, name="installation-new"),
    path("installations/request-access", views.request_access, name="request-access"),
    path(
        "access-requests/<uuid:access_request>/withdraw",
        views.access_request_withdraw,
        name="access-request-withdraw",
    ),
    path(
        "organisations/<uuid:organisation>/second-factor",
        views.organisation_second_factor,
        name="organisation-second-factor",
    ),
    path("installations/<str:code>/terms", views.installation_terms, name="installation-terms"),
    path(
        "installations/<str:code>/settings",
        views.installation_settings,
        name="installation-settings",
    ),
    path("installations/<str:code>/access", owner.installation_access, name="installation-access"),
    path("installations/<str:code>/access/log", owner.access_log, name="installation-access-log"),
    path("installations/<str:code>/keys", owner.key_create, name="installation-key-create"),
    path(
        "installations/<str:code>/keys/<slug:prefix>/revoke",
        owner.key_revoke,
        name="installation-key-revoke",
    ),
    path(
        "installations/<str:code>/request-code",
        owner.request_code_renew,
        name="installation-request-code",
    ),
    path("installations/<str:code>/grants/new", owner.grant_new, name="installation-grant-new"),
    path(
        "installations/<str:code>/grants/<str:grant>/revoke",
        owner.grant_revoke,
        name="installation-grant-revoke",
    ),
    path(
        "installations/<str:code>/requests/<str:access_request>/approve",
        owner.request_approve,
        name="installation-request-approve",
    ),
    path(
        "installations/<str:code>/requests/<str:access_request>/refuse",
        owner.request_refuse,
        name="installation-request-refuse",
    ),
    # Staff (officers) on misuse; support staff only read.
    path(
        "installations/<str:code>/grants/<str:grant>/suspend",
        staff.grant_suspend,
        name="installation-grant-suspend",
    ),
    path(
        "installations/<str:code>/grants/<str:grant>/reinstate",
        staff.grant_reinstate,
        name="installation-grant-reinstate",
    ),
    path("staff/installations", staff.staff_installations, name="staff-installations"),
    path("staff/users/<uuid:person>/suspend", staff.user_suspend, name="staff-user-suspend"),
    path("staff/users/<uuid:person>/reinstate", staff.user_reinstate, name="staff-user-reinstate"),
]
