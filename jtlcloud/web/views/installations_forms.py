"""Forms of the installation pages. Only declared fields are read: extra fields change nothing."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from django import forms

from jtlcloud.accounts.models import Organisation, normalise_email
from jtlcloud.installations.grants import EXPIRY_PRESETS
from jtlcloud.installations.models import AccessKind, GrantRole
from jtlcloud.web.forms import _no_control_characters


def _clean_text(value: str) -> str:
    """Free text of several lines: tabs and line breaks are fine, other control characters
    (a NUL would even break PostgreSQL) are refused."""
    value = value.strip()
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\r\t" for ch in value):
        raise forms.ValidationError("Please use letters, digits, spaces and punctuation only.")
    return value


@cache
def _time_zones() -> list[tuple[str, str]]:
    names = sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/"))
    return [(name, name.replace("_", " ")) for name in ["UTC", *names]]


class InstallationForm(forms.Form):
    owner = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        empty_label=None,
        label="Owner organisation",
        to_field_name="code",
    )
    name = forms.CharField(max_length=200)
    site_address = forms.CharField(
        max_length=1000,
        required=False,
        label="Site address",
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
    )
    time_zone = forms.ChoiceField(
        label="Time zone", initial="Europe/London", help_text="The clock on site."
    )
    description = forms.CharField(
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, owners: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = _time_zones()  # type: ignore[attr-defined]
        if owners is None:
            del self.fields["owner"]
        else:
            self.fields["owner"].queryset = owners  # type: ignore[attr-defined]

    def clean_name(self) -> str:
        return _no_control_characters(self.cleaned_data["name"])

    def clean_site_address(self) -> str:
        return _clean_text(self.cleaned_data["site_address"])

    def clean_description(self) -> str:
        return _clean_text(self.cleaned_data["description"])


class KeyForm(forms.Form):
    label = forms.CharField(
        max_length=100,
        required=False,
        label="Label",
        help_text="Where the key is used, e.g. “Boiler-room gateway”.",
    )

    def clean_label(self) -> str:
        return _no_control_characters(self.cleaned_data["label"])


class GrantForm(forms.Form):
    grantee_kind = forms.ChoiceField(
        label="Give access to",
        choices=[("person", "A person, by email"), ("organisation", "An organisation")],
        widget=forms.RadioSelect,
        initial="person",
    )
    email = forms.EmailField(
        max_length=254,
        required=False,
        label="Their email address",
        help_text="If they have no account yet, we email them an invitation to register.",
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label="Organisation",
        to_field_name="code",
        help_text=(
            "Every member of it gets access. Listed are the organisations you already work "
            "with; for another one, give one of its people access by email, or ask them to "
            "request access with your request code."
        ),
    )
    scope = forms.ChoiceField(
        label="Installations",
        choices=[("one", "This installation"), ("all", "All our installations")],
        widget=forms.RadioSelect,
        initial="one",
    )
    role = forms.ChoiceField(
        choices=GrantRole.choices,
        widget=forms.RadioSelect,
        initial=GrantRole.VIEWER,
        help_text="Viewers see the data. Technicians also export it and manage alert rules.",
    )
    expiry = forms.ChoiceField(
        label="Access ends", choices=EXPIRY_PRESETS, initial="visit", widget=forms.RadioSelect
    )
    expires_at = forms.DateTimeField(
        required=False,
        label="End date and time (site time)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    reference = forms.CharField(
        max_length=200,
        required=False,
        label="Purpose or reference",
        help_text="E.g. a job number. Shown to the grantee and carried into their exports.",
    )

    def __init__(self, *args: Any, organisations: Any, fixed_person: bool = False, **kw: Any):
        super().__init__(*args, **kw)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        if fixed_person:
            # Approving a request: the grantee is the requester (or their organisation).
            for name in ("grantee_kind", "email", "organisation", "scope"):
                del self.fields[name]

    def clean_reference(self) -> str:
        return _no_control_characters(self.cleaned_data["reference"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind = cleaned.get("grantee_kind")
        if kind == "person" and not cleaned.get("email") and "email" not in self.errors:
            self.add_error("email", "Enter the email address of the person.")
        if kind == "organisation" and not cleaned.get("organisation"):
            self.add_error("organisation", "Choose the organisation.")
        if cleaned.get("email"):
            cleaned["email"] = normalise_email(cleaned["email"])
        if cleaned.get("expiry") == "custom" and not cleaned.get("expires_at"):
            self.add_error("expires_at", "Enter when the access ends.")
        return cleaned


class ApproveForm(GrantForm):
    to_organisation = forms.BooleanField(
        required=False, label="Give access to their whole organisation instead"
    )

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, fixed_person=True, **kw)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=500, label="Reason", widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_reason(self) -> str:
        return _clean_text(self.cleaned_data["reason"])


class RequestAccessForm(forms.Form):
    request_code = forms.CharField(
        max_length=20,
        label="Request code",
        help_text="The installation's owner gives you this code, e.g. K7QM-2XPA-R9.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    message = forms.CharField(
        max_length=1000,
        required=False,
        label="Message to the owner",
        help_text="Who you are and why you need access, e.g. the job you are booked for.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean_request_code(self) -> str:
        return _no_control_characters(self.cleaned_data["request_code"])

    def clean_message(self) -> str:
        return _clean_text(self.cleaned_data["message"])


class LogFilterForm(forms.Form):
    person = forms.ChoiceField(required=False, label="Person")
    kind = forms.ChoiceField(
        required=False, label="Kind", choices=[("", "All kinds"), *AccessKind.choices]
    )
    since = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        required=False, label="Until", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, people: list[str], **kw: Any) -> None:
        super().__init__(*args, **kw)
        choices = [("", "Everyone"), *[(p, p) for p in people]]
        self.fields["person"].choices = choices  # type: ignore[attr-defined]


def naive_local(value: datetime | None) -> datetime | None:
    """A datetime-local input's value carries no zone: the grant code reads it as site time."""
    return value.replace(tzinfo=None) if value is not None else None
