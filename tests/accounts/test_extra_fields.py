"""Extra form fields (check 18): only declared fields are read, whatever else is posted."""

import pytest

from jtlcloud.accounts.models import Membership, User
from tests.conftest import GOOD_PIN, log_in

pytestmark = pytest.mark.django_db

EXTRA = {
    "is_staff": "on",
    "is_superuser": "on",
    "staff_role": "officer",
    "email_verified_at": "2020-01-01T00:00:00Z",
    "email_verified": "on",
    "is_active": "on",
    "password": "argon2$forged",
    "code": "00000000-0000-0000-0000-000000000000",
    "role": "admin",
}


def _flags(user):
    user.refresh_from_db()
    return (user.staff_role, user.is_superuser, user.is_active, user.email_verified_at, user.code)


def test_registration_ignores_extra_fields(client, mailbox, owner):
    client.post(
        "/register",
        {
            "name": "Mallory",
            "email": "mallory@evil.example",
            "company": "Evil",
            "pin": "river-stone-42",
            "pin_again": "river-stone-42",
            "id": owner.pk,
            "user": owner.pk,
            **EXTRA,
        },
    )
    user = User.objects.get(email="mallory@evil.example")
    assert user.staff_role == "" and not user.is_superuser
    assert user.email_verified_at is None
    assert str(user.code) != EXTRA["code"]
    assert not Membership.objects.filter(user=user).exists()
    assert User.objects.get(pk=owner.pk).name == "Olivia Owner"


def test_the_profile_form_ignores_extra_fields_and_other_users_ids(client, owner, outsider):
    log_in(client, outsider)
    before = _flags(outsider)
    owner_before = _flags(owner)
    response = client.post(
        "/account",
        {
            "name": "Eve",
            "company": "Elsewhere",
            "id": owner.pk,
            "pk": owner.pk,
            "user": owner.pk,
            "user_id": owner.pk,
            "email": owner.email,
            **EXTRA,
        },
    )
    assert response.status_code == 302
    assert _flags(outsider) == before
    assert _flags(owner) == owner_before
    assert User.objects.get(pk=owner.pk).name == "Olivia Owner"
    assert User.objects.get(pk=outsider.pk).email == "eve@elsewhere.example"
    assert not Membership.objects.filter(user=outsider).exists()


def test_the_pin_change_form_cannot_change_someone_elses_pin(client, owner, outsider, mailbox):
    log_in(client, outsider)
    client.post(
        "/account/pin",
        {
            "current_pin": GOOD_PIN,
            "pin": "green-lantern-17",
            "pin_again": "green-lantern-17",
            "user": owner.pk,
            "email": owner.email,
            **EXTRA,
        },
    )
    assert User.objects.get(pk=owner.pk).check_password(GOOD_PIN)
    assert User.objects.get(pk=outsider.pk).check_password("green-lantern-17")
    assert _flags(outsider)[0] == ""


def test_the_email_change_form_cannot_target_another_user(client, owner, outsider, mailbox):
    log_in(client, outsider)
    client.post(
        "/account/email",
        {"new_email": "eve2@elsewhere.example", "current_pin": GOOD_PIN, "user": owner.pk, **EXTRA},
    )
    mailbox.wait_for(2)
    assert owner.email not in mailbox.recipients
    link = mailbox.link(mailbox.to("eve2@elsewhere.example")[0], "/account/email/confirm/")
    client.post(link)
    assert User.objects.get(pk=owner.pk).email == "owner@northwind.example"
    assert User.objects.get(pk=outsider.pk).email == "eve2@elsewhere.example"


def test_the_login_form_ignores_a_posted_user_id(client, owner, outsider):
    client.post(
        "/login", {"email": outsider.email, "pin": GOOD_PIN, "user": owner.pk, "id": owner.pk}
    )
    assert client.session["_auth_user_id"] == str(outsider.pk)
