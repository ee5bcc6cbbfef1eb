"""Mounts the web pages, the v1 API and the staff admin."""

from django.contrib import admin
from django.urls import include, path

from jtlcloud.api.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("jtlcloud.web.urls")),
]

handler400 = "jtlcloud.web.views.errors.bad_request"
handler403 = "jtlcloud.web.views.errors.forbidden"
handler404 = "jtlcloud.web.views.errors.not_found"
handler500 = "jtlcloud.web.views.errors.server_error"
