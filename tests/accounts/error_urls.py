"""The site's URLs plus one view that fails, to see the 500 page a visitor would get."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("SELECT secret FROM settings WHERE path='/srv/jtlcloud/settings.py'")


urlpatterns = [path("boom", boom), path("", include("jtlcloud.urls"))]

handler400 = "jtlcloud.web.views.errors.bad_request"
handler403 = "jtlcloud.web.views.errors.forbidden"
handler404 = "jtlcloud.web.views.errors.not_found"
handler500 = "jtlcloud.web.views.errors.server_error"
