"""URLs of the HTML pages of accounts and the public pages."""

from django.urls import include, path

from jtlcloud.web.views import account, auth, pages

urlpatterns = [
    path("", pages.home, name="home"),
    path("privacy", pages.privacy, name="privacy"),
    path("cookies", pages.cookies, name="cookies"),
    path("contact", pages.contact, name="contact"),
    path("health", pages.health, name="health"),
    path("register", auth.register, name="register"),
    path("verify/<str:token>", auth.verify_email, name="verify-email"),
    path("login", auth.login, name="login"),
    path("login/second-factor", auth.login_second_factor, name="login-second-factor"),
    path("logout", auth.logout, name="logout"),
    path("pin/reset", auth.pin_reset_request, name="pin-reset"),
    path("pin/reset/<str:token>", auth.pin_reset_confirm, name="pin-reset-confirm"),
    path("account", account.account, name="account"),
    path("account/pin", account.pin_change, name="pin-change"),
    path("account/email", account.email_change, name="email-change"),
    path("account/email/confirm/<str:token>", account.email_change_confirm, name="email-confirm"),
    path("account/two-factor", account.two_factor, name="two-factor"),
    path("account/two-factor/recovery", account.two_factor_recovery, name="two-factor-recovery"),
    path("account/two-factor/remove", account.two_factor_remove, name="two-factor-remove"),
    # Each area adds its pages in its own module.
    path("", include("jtlcloud.web.urls_installations")),
    path("", include("jtlcloud.web.urls_telemetry")),
    path("", include("jtlcloud.web.urls_privacy")),
    path("", include("jtlcloud.web.urls_alerts")),
]
