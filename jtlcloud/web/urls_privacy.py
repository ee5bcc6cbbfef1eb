"""URLs of the privacy pages: the policy, analytics, your data, requests, complaints, staff."""

from django.urls import URLPattern, URLResolver, path

from jtlcloud.web.views import privacy, privacy_staff

urlpatterns: list[URLPattern | URLResolver] = [
    path("privacy/history", privacy.policy_history, name="privacy-history"),
    path("privacy/v<int:number>", privacy.policy_version, name="privacy-version"),
    path("privacy/diff", privacy.policy_diff, name="privacy-diff"),
    path("privacy/analytics", privacy.analytics, name="privacy-analytics"),
    path("privacy/notice/dismiss", privacy.notice_dismiss, name="privacy-notice-dismiss"),
    path(
        "privacy/emails/unsubscribe/<str:token>",
        privacy.policy_emails_unsubscribe,
        name="privacy-unsubscribe",
    ),
    path("account/privacy", privacy.settings_page, name="privacy-settings"),
    path("account/data", privacy.your_data, name="your-data"),
    path("account/data.json", privacy.your_data_json, name="your-data-json"),
    path("account/requests/new", privacy.request_new, name="privacy-request-new"),
    path("contact/complaint", privacy.complaint, name="complaint"),
    # Staff
    path("staff", privacy_staff.index, name="staff"),
    path("staff/analytics", privacy_staff.analytics, name="staff-analytics"),
    path("staff/analytics/data", privacy_staff.analytics_data, name="staff-analytics-data"),
    path("staff/requests", privacy_staff.requests_list, name="staff-requests"),
    path("staff/requests/<uuid:code>", privacy_staff.request_detail, name="staff-request"),
    path(
        "staff/requests/<uuid:code>/erase", privacy_staff.request_erase, name="staff-request-erase"
    ),
    path("staff/people", privacy_staff.people, name="staff-people"),
    path("staff/people/<uuid:code>", privacy_staff.person_data, name="staff-person"),
    path("staff/audit", privacy_staff.audit_trail, name="staff-audit"),
    path("staff/disclosures", privacy_staff.disclosures_list, name="staff-disclosures"),
    path("staff/disclosures/new", privacy_staff.disclosure_new, name="staff-disclosure-new"),
    path("staff/disclosures/<uuid:code>", privacy_staff.disclosure_detail, name="staff-disclosure"),
    path(
        "staff/disclosures/<uuid:code>/bundle",
        privacy_staff.disclosure_bundle,
        name="staff-disclosure-bundle",
    ),
    path("staff/policy", privacy_staff.policy_publish, name="staff-policy"),
]
