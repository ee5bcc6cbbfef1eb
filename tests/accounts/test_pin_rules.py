"""PIN rules (SECURITY.md check 11): length, a blocklist with reasons, Argon2id."""

import pytest

from jtlcloud.accounts.models import User

pytestmark = pytest.mark.django_db

EMAIL = "jo.bloggs@fitters.example"


def _register(client, pin, *, name="Jo Bloggs", email=EMAIL):
    return client.post(
        "/register",
        {"name": name, "email": email, "company": "Fitters", "pin": pin, "pin_again": pin},
    )


@pytest.mark.parametrize(
    ("pin", "reason"),
    [
        ("12345678", "simple run"),
        ("87654321", "simple run"),
        ("00000000", "repeats the same few characters"),
        ("11111111", "repeats the same few characters"),
        ("abababab", "repeats the same few characters"),
        ("qwertyui", "row of the keyboard"),
        ("20240131", "looks like a date"),
        ("31012024", "looks like a date"),
        ("31/01/2024", "looks like a date"),
        ("1234567", "at least 8 characters"),
        ("kettle", "at least 8 characters"),
        ("jo.bloggs", "your name or email address"),
        ("bloggs-2024-x", "your name or email address"),
        ("password", "too common"),
    ],
)
def test_a_weak_pin_is_refused_with_its_reason(client, pin, reason):
    response = _register(client, pin)
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert not User.objects.exists()


def test_the_reason_is_tied_to_the_pin_field_for_screen_readers(client):
    html = _register(client, "12345678").content.decode()
    assert 'id="id_pin_error"' in html
    assert 'aria-describedby="id_pin_error"' in html or 'aria-invalid="true"' in html


def test_a_pin_of_exactly_eight_digits_that_is_not_a_pattern_is_accepted(client, mailbox):
    assert _register(client, "73914062").status_code == 200
    assert User.objects.filter(email=EMAIL).exists()


def test_a_64_character_pin_is_accepted_and_works_at_login(client, mailbox):
    pin = "correct horse battery staple " * 2 + "abcdef"
    pin = pin[:64]
    assert len(pin) == 64
    assert _register(client, pin).status_code == 200
    user = User.objects.get(email=EMAIL)
    user.email_verified_at = user.date_joined
    user.save()
    assert client.post("/login", {"email": EMAIL, "pin": pin}).status_code == 302


def test_spaces_and_any_characters_count_as_they_are(client, mailbox):
    pin = "  pâté & ümlaut  "
    assert _register(client, pin).status_code == 200
    user = User.objects.get(email=EMAIL)
    assert user.check_password(pin)
    assert not user.check_password(pin.strip())


def test_no_composition_rules_a_long_all_lower_case_phrase_is_fine(client, mailbox):
    assert _register(client, "plum tree by the garage").status_code == 200


def test_pins_are_hashed_with_argon2id(client, mailbox):
    _register(client, "plum tree by the garage")
    stored = User.objects.get(email=EMAIL).password
    assert stored.startswith("argon2$argon2id$")
    assert "plum" not in stored


def test_production_cost_is_what_settings_say(settings):
    from jtlcloud.accounts.hashers import PinHasher

    settings.JTL_ARGON2_MEMORY_KIB = 65536
    settings.JTL_ARGON2_TIME_COST = 3
    settings.JTL_ARGON2_PARALLELISM = 2
    encoded = PinHasher().encode("plum tree by the garage", PinHasher().salt())
    assert "$m=65536,t=3,p=2$" in encoded


def test_a_pin_typed_in_another_unicode_form_still_works(client, mailbox):
    import unicodedata

    composed = unicodedata.normalize("NFC", "café-olé-42")
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    assert _register(client, composed).status_code == 200
    User.objects.filter(email=EMAIL).update(email_verified_at="2026-01-01T00:00:00Z")
    assert client.post("/login", {"email": EMAIL, "pin": decomposed}).status_code == 302


def test_full_width_digits_from_a_phone_keyboard_are_the_same_digits(client, mailbox):
    assert _register(client, "73914062").status_code == 200
    User.objects.filter(email=EMAIL).update(email_verified_at="2026-01-01T00:00:00Z")
    full_width = "".join(chr(0xFF10 + int(d)) for d in "73914062")
    assert client.post("/login", {"email": EMAIL, "pin": full_width}).status_code == 302


def test_a_weak_pin_in_full_width_digits_is_still_weak(client):
    full_width = "".join(chr(0xFF10 + int(d)) for d in "12345678")
    response = _register(client, full_width)
    assert response.status_code == 400
    assert b"simple run" in response.content
