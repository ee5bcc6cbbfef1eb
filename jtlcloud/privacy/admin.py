"""Admin: operators may publish their own policy text here (as a new version, never an edit)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from jtlcloud.audit.services import record_event
from jtlcloud.privacy.models import PolicyVersion
from jtlcloud.privacy.policy import forget_current_policy, next_number


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    list_display = ["number", "effective_date", "published_at", "change_summary"]
    fields = ["body_markdown", "effective_date", "change_summary"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A published version is never edited: publish a new one instead.
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: PolicyVersion, form: Any, change: bool) -> None:
        if change:
            return
        obj.number = next_number()
        obj.published_by = request.user if request.user.is_authenticated else None
        super().save_model(request, obj, form, change)
        record_event(
            "privacy.policy_published",
            actor=obj.published_by,
            request=request,
            target=f"policy:v{obj.number}",
            data={"number": obj.number, "effective_date": obj.effective_date.isoformat()},
        )
        forget_current_policy()
