"""Forms of the privacy pages."""

from __future__ import annotations

from django import forms

from jtlcloud.privacy.models import RequestKind, RequestStatus

RIGHTS_KINDS = [(k, label) for k, label in RequestKind.choices if k != RequestKind.COMPLAINT]


class RightsRequestForm(forms.Form):
    kind = forms.ChoiceField(label="What do you ask for?", choices=RIGHTS_KINDS)
    details = forms.CharField(
        label="Details",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="For a correction, say what is wrong and what it should be.",
    )


class ComplaintForm(forms.Form):
    name = forms.CharField(label="Your name", max_length=150)
    email = forms.EmailField(label="Your email address", max_length=254)
    details = forms.CharField(
        label="Your complaint",
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="What happened, when, and what you would like us to do.",
    )


class RequestUpdateForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=RequestStatus.choices)
    response = forms.CharField(
        label="Answer to the requester",
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="They see this under “Your requests”.",
    )
    staff_notes = forms.CharField(
        label="Internal notes",
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PolicyForm(forms.Form):
    body_markdown = forms.CharField(
        label="Policy text (Markdown)", widget=forms.Textarea(attrs={"rows": 18}), max_length=200000
    )
    effective_date = forms.DateField(
        label="Effective date", widget=forms.DateInput(attrs={"type": "date"})
    )
    change_summary = forms.CharField(
        label="Summary of the changes",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown at the top of the policy, in the notice and in the email.",
    )


class DisclosureForm(forms.Form):
    subject_email = forms.EmailField(
        label="Whose data (email address of the account)",
        required=False,
        help_text="Leave empty if the person has no account; then name them below.",
    )
    subject_label = forms.CharField(label="Person, if not a user", required=False, max_length=300)
    data_description = forms.CharField(
        label="What data was disclosed", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    recipient = forms.CharField(label="Recipient", max_length=300)
    legal_basis = forms.CharField(
        label="Legal basis",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text="The law, order or proceedings that require the disclosure.",
    )
    approver_email = forms.EmailField(label="Approving officer (email)")
    disclosed_on = forms.DateField(
        label="Date of disclosure", widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not data.get("subject_email") and not data.get("subject_label"):
            raise forms.ValidationError("Name the person whose data was disclosed.")
        return data


class DateRangeForm(forms.Form):
    start = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
