"""Forms of the account pages. Only declared fields are read: extra POST fields change nothing."""

from __future__ import annotations

import unicodedata
from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password

from jtlcloud.accounts.models import User, normalise_email
from jtlcloud.accounts.pin_rules import PIN_MAX_LENGTH


def _no_control_characters(value: str) -> str:
    value = value.strip()
    if any(unicodedata.category(ch).startswith("C") for ch in value):
        raise forms.ValidationError("Please use letters, digits, spaces and punctuation only.")
    return value


NEW_PIN_HELP = (
    "At least 8 characters: letters, digits, spaces or anything else. "
    "Not a date, a run such as 12345678, or your name."
)


def _pin_field(label: str, autocomplete: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        max_length=PIN_MAX_LENGTH,
        help_text=help_text,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


class NewPinMixin(forms.Form):
    """Two PIN fields, checked against the PIN rules for the given person."""

    pin = _pin_field("PIN", "new-password", NEW_PIN_HELP)
    pin_again = _pin_field("PIN again", "new-password")

    def pin_owner(self) -> User:
        raise NotImplementedError

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        pin, again = cleaned.get("pin"), cleaned.get("pin_again")
        if pin and again and pin != again:
            self.add_error("pin_again", "The two PINs differ.")
        elif pin:
            try:
                validate_password(pin, user=self.pin_owner())
            except forms.ValidationError as error:
                self.add_error("pin", error)
        return cleaned


class RegisterForm(NewPinMixin):
    name = forms.CharField(max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(
        max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    company = forms.CharField(
        max_length=200, widget=forms.TextInput(attrs={"autocomplete": "organization"})
    )
    field_order = ["name", "email", "company", "pin", "pin_again"]

    def clean_name(self) -> str:
        return _no_control_characters(self.cleaned_data["name"])

    def clean_company(self) -> str:
        return _no_control_characters(self.cleaned_data["company"])

    def clean_email(self) -> str:
        return normalise_email(self.cleaned_data["email"])

    def pin_owner(self) -> User:
        data = self.cleaned_data
        return User(email=data.get("email", ""), name=data.get("name", ""))


class LoginForm(forms.Form):
    email = forms.EmailField(
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    pin = _pin_field("PIN", "current-password")

    def focus_pin(self) -> None:
        """After a refused PIN the email is filled in again: start typing at the PIN."""
        self.fields["email"].widget.attrs.pop("autofocus", None)
        self.fields["pin"].widget.attrs["autofocus"] = True


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class ProfileForm(forms.Form):
    name = forms.CharField(max_length=150)
    company = forms.CharField(max_length=200)

    def clean_name(self) -> str:
        return _no_control_characters(self.cleaned_data["name"])

    def clean_company(self) -> str:
        return _no_control_characters(self.cleaned_data["company"])


class CurrentPinMixin(forms.Form):
    """Re-authentication: the person proves the PIN before a sensitive change."""

    current_pin = _pin_field("Current PIN", "current-password")

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_current_pin(self) -> str:
        pin = self.cleaned_data["current_pin"]
        if not self.user.check_password(pin):
            raise forms.ValidationError("That is not your current PIN.")
        return pin


class PinChangeForm(CurrentPinMixin, NewPinMixin):
    field_order = ["current_pin", "pin", "pin_again"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pin"].label = "New PIN"
        self.fields["pin_again"].label = "New PIN again"

    def pin_owner(self) -> User:
        return self.user

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("pin") and cleaned.get("pin") == cleaned.get("current_pin"):
            self.add_error("pin", "The new PIN must differ from the current one.")
        return cleaned


class EmailChangeForm(CurrentPinMixin):
    new_email = forms.EmailField(label="New email address", max_length=254)
    field_order = ["new_email", "current_pin"]

    def clean_new_email(self) -> str:
        email = normalise_email(self.cleaned_data["new_email"])
        if email == self.user.email:
            raise forms.ValidationError("This is already your email address.")
        return email


class PinResetRequestForm(forms.Form):
    email = forms.EmailField(max_length=254)


class PinResetForm(NewPinMixin):
    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def pin_owner(self) -> User:
        return self.user


class ConfirmPinForm(CurrentPinMixin):
    """Only the current PIN, for actions such as removing the second factor."""
