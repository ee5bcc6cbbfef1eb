"""What makes a PIN acceptable (NIST SP 800-63B: length and a blocklist, no composition rules).

Each validator names the reason, so the person choosing the PIN learns what to change.
"""

from __future__ import annotations

import re
from datetime import date
from itertools import pairwise
from typing import Any

from django.core.exceptions import ValidationError

from jtlcloud.accounts.hashers import normalise_pin

PIN_MIN_LENGTH = 8
PIN_MAX_LENGTH = 128

_KEYBOARD_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")
_DATE_SEPARATORS = re.compile(r"[./\-\s]")


class PinLengthValidator:
    def validate(self, pin: str, user: Any = None) -> None:
        pin = normalise_pin(pin)  # judged as stored: full-width digits are plain digits
        if len(pin) < PIN_MIN_LENGTH:
            raise ValidationError(
                f"Your PIN must have at least {PIN_MIN_LENGTH} characters.", code="pin_too_short"
            )
        if len(pin) > PIN_MAX_LENGTH:
            raise ValidationError(
                f"Your PIN can have at most {PIN_MAX_LENGTH} characters.", code="pin_too_long"
            )

    def get_help_text(self) -> str:
        return (
            f"At least {PIN_MIN_LENGTH} characters: digits, letters or anything else, "
            f"up to {PIN_MAX_LENGTH}."
        )


class PinPatternValidator:
    """Refuses PINs that are guessed first: repeats, runs, keyboard rows and dates."""

    def validate(self, pin: str, user: Any = None) -> None:
        pin = normalise_pin(pin)  # judged as stored: full-width digits are plain digits
        lowered = pin.lower()
        if _is_repetition(lowered):
            raise ValidationError(
                "This PIN repeats the same few characters; choose one that does not.",
                code="pin_repeated",
            )
        if _is_sequence(lowered):
            raise ValidationError(
                "This PIN is a simple run such as 12345678 or 87654321.", code="pin_sequential"
            )
        if any(lowered in row or lowered in row[::-1] for row in _KEYBOARD_ROWS):
            raise ValidationError("This PIN follows a row of the keyboard.", code="pin_keyboard")
        if _is_date(lowered):
            raise ValidationError(
                "This PIN looks like a date, which is easy to guess.", code="pin_date"
            )

    def get_help_text(self) -> str:
        return "Not a repeat, a run, a keyboard row or a date."


class PinPersonalValidator:
    """Refuses PINs built from the user's own email address or name."""

    def validate(self, pin: str, user: Any = None) -> None:
        pin = normalise_pin(pin)  # judged as stored: full-width digits are plain digits
        if user is None:
            return
        lowered = pin.lower()
        email = (getattr(user, "email", "") or "").lower()
        local = email.split("@")[0]
        words = re.split(r"[\s.\-_+@]+", f"{getattr(user, 'name', '') or ''} {local}".lower())
        personal = {w for w in words if len(w) >= 4} | ({local} if len(local) >= 3 else set())
        if email and (lowered in email or any(part in lowered for part in personal)):
            raise ValidationError(
                "This PIN contains your name or email address.", code="pin_personal"
            )

    def get_help_text(self) -> str:
        return "Not your name or email address."


def _is_repetition(pin: str) -> bool:
    for size in range(1, len(pin) // 2 + 1):
        unit = pin[:size]
        if (unit * (len(pin) // size + 1))[: len(pin)] == pin:
            return True
    return False


def _is_sequence(pin: str) -> bool:
    steps = {ord(b) - ord(a) for a, b in pairwise(pin)}
    return len(steps) == 1 and steps.pop() in {1, -1}


def _is_date(pin: str) -> bool:
    digits = _DATE_SEPARATORS.sub("", pin)
    if not digits.isdigit() or len(digits) not in {6, 8}:
        return False
    if len(digits) == 6:
        layouts = [(digits[4:], digits[2:4], digits[:2]), (digits[:2], digits[2:4], digits[4:])]
        candidates = [("20" + y, m, d) for y, m, d in layouts] + [
            ("19" + y, m, d) for y, m, d in layouts
        ]
    else:
        candidates = [
            (digits[:4], digits[4:6], digits[6:]),  # YYYYMMDD
            (digits[4:], digits[2:4], digits[:2]),  # DDMMYYYY
            (digits[4:], digits[:2], digits[2:4]),  # MMDDYYYY
        ]
    for year, month, day in candidates:
        try:
            parsed = date(int(year), int(month), int(day))
        except ValueError:
            continue
        if 1900 <= parsed.year <= 2100:
            return True
    return False
