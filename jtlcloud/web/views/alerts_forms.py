"""The alert rule form. Only declared fields are read; the fields of other kinds are ignored."""

from __future__ import annotations

import math
from typing import Any

from django import forms

from jtlcloud.alerts.models import Comparison, RuleKind
from jtlcloud.telemetry.batch import CHANNEL_RE, MAX_ABS_VALUE
from jtlcloud.telemetry.models import Severity
from jtlcloud.web.forms import _no_control_characters

# A week: longer silences are better noticed by a person than by a rule.
MAX_OFFLINE_MINUTES = 7 * 24 * 60


class RuleForm(forms.Form):
    name = forms.CharField(
        max_length=100, help_text="What the email and the list call it, e.g. “Flow too hot”."
    )
    kind = forms.ChoiceField(
        label="Notify when", choices=RuleKind.choices, widget=forms.RadioSelect
    )
    channel = forms.CharField(
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"list": "alert-channels", "autocomplete": "off"}),
    )
    comparison = forms.ChoiceField(
        label="Goes", choices=[("", "—"), *Comparison.choices], required=False
    )
    threshold = forms.FloatField(label="Limit", required=False)
    offline_minutes = forms.IntegerField(
        label="Minutes without data",
        required=False,
        min_value=1,
        max_value=MAX_OFFLINE_MINUTES,
    )
    min_severity = forms.ChoiceField(
        label="Severity or worse",
        choices=[("", "—"), *Severity.choices],
        required=False,
    )

    def clean_name(self) -> str:
        return _no_control_characters(self.cleaned_data["name"])

    def clean_channel(self) -> str:
        value = self.cleaned_data["channel"].strip()
        if value and not CHANNEL_RE.fullmatch(value):
            raise forms.ValidationError("Not a channel name: letters, digits and _ . : / - only.")
        return value

    def clean_threshold(self) -> float | None:
        value = self.cleaned_data["threshold"]
        if value is not None and (not math.isfinite(value) or abs(value) > MAX_ABS_VALUE):
            raise forms.ValidationError("Please give a finite number.")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        needed: dict[str, tuple[str, ...]] = {
            RuleKind.THRESHOLD: ("channel", "comparison", "threshold"),
            RuleKind.OFFLINE: ("offline_minutes",),
            RuleKind.EVENT: ("min_severity",),
        }
        for field in needed.get(str(kind), ()):
            if field not in self.errors and data.get(field) in (None, ""):
                self.add_error(field, "Needed for this kind of rule.")
        return data


class NewRuleForm(RuleForm):
    subscribe = forms.BooleanField(
        label="Email me when this rule fires or clears",
        required=False,
        initial=False,
        help_text="Nobody is emailed unless they subscribe, you included.",
    )


class SubscriptionForm(forms.Form):
    subscribe = forms.TypedChoiceField(
        choices=[("1", "subscribe"), ("0", "unsubscribe")], coerce=lambda v: v == "1"
    )
