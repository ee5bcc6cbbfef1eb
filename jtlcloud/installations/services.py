"""Changes to installations, their keys, owners' security settings and data-use acceptance.

Each function is one transaction that records its audit event. Grants and
access requests live in ``grants.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from jtlcloud.accounts.models import Organisation, User
from jtlcloud.audit.services import record_event
from jtlcloud.installations.access import DATA_USE_TERMS_VERSION
from jtlcloud.installations.keys import KEY_KIND
from jtlcloud.installations.models import (
    DataUseAcknowledgement,
    Installation,
    InstallationKey,
    new_request_code,
)
from jtlcloud.lib.secrets import new_secret

INSTALLATION_FIELDS = ("name", "site_address", "time_zone", "description")


def _target(installation: Installation) -> str:
    return f"installation:{installation.code}"


def create_installation(
    actor: User,
    owner: Organisation,
    *,
    name: str,
    site_address: str = "",
    time_zone: str = "Europe/London",
    description: str = "",
    request: HttpRequest | None = None,
) -> Installation:
    """A new installation of ``owner``; the caller checked ``actor`` may create one for it."""
    with transaction.atomic():
        installation = Installation.objects.create(
            owner=owner,
            name=name,
            site_address=site_address,
            time_zone=time_zone,
            description=description,
        )
        record_event(
            "installation.created",
            actor=actor,
            request=request,
            target=_target(installation),
            data={"owner": owner.name, "name": name, "by_staff": actor.is_staff},
        )
    return installation


def update_installation(
    actor: User, installation: Installation, request: HttpRequest | None = None, **values: str
) -> list[str]:
    """Change the descriptive fields; the names of those that changed."""
    changed = [
        f for f in INSTALLATION_FIELDS if f in values and getattr(installation, f) != values[f]
    ]
    if not changed:
        return []
    with transaction.atomic():
        before = {f: getattr(installation, f) for f in changed}
        for field in changed:
            setattr(installation, field, values[field])
        installation.save(update_fields=changed)
        record_event(
            "installation.updated",
            actor=actor,
            request=request,
            target=_target(installation),
            data={"fields": changed, "before": before},
        )
    return changed


@dataclass(frozen=True)
class CreatedKey:
    key: InstallationKey
    raw: str  # shown to the owner once, never stored


def create_installation_key(
    actor: User, installation: Installation, label: str = "", request: HttpRequest | None = None
) -> CreatedKey:
    secret = new_secret(KEY_KIND)
    with transaction.atomic():
        key = InstallationKey.objects.create(
            installation=installation,
            label=label,
            prefix=secret.prefix,
            key_hash=secret.hashed,
            created_by=actor,
        )
        record_event(
            "installation_key.created",
            actor=actor,
            request=request,
            target=_target(installation),
            data={"prefix": key.prefix, "label": label},
        )
    return CreatedKey(key=key, raw=secret.full)


def revoke_installation_key(
    actor: User, key: InstallationKey, request: HttpRequest | None = None
) -> bool:
    """Revoke at once; False if it was already revoked. The row stays, for the record."""
    with transaction.atomic():
        updated = InstallationKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if updated:
            record_event(
                "installation_key.revoked",
                actor=actor,
                request=request,
                target=_target(key.installation),
                data={"prefix": key.prefix, "label": key.label},
            )
    return bool(updated)


def renew_request_code(
    actor: User, installation: Installation, request: HttpRequest | None = None
) -> str:
    """A new request code: the old one stops working for new requests."""
    with transaction.atomic():
        installation.request_code = new_request_code()
        installation.save(update_fields=["request_code"])
        record_event(
            "installation.request_code_renewed",
            actor=actor,
            request=request,
            target=_target(installation),
        )
    return installation.request_code


def set_second_factor_requirement(
    actor: User, organisation: Organisation, required: bool, request: HttpRequest | None = None
) -> None:
    with transaction.atomic():
        organisation.require_second_factor = required
        organisation.save(update_fields=["require_second_factor"])
        record_event(
            "organisation.second_factor_requirement",
            actor=actor,
            request=request,
            target=f"organisation:{organisation.code}",
            data={"required": required},
        )


def accept_data_use_terms(
    actor: User, installation: Installation, request: HttpRequest | None = None
) -> None:
    """Record that ``actor`` accepted the current terms for the installation's owner."""
    with transaction.atomic():
        _, created = DataUseAcknowledgement.objects.get_or_create(
            user=actor, owner=installation.owner, version=DATA_USE_TERMS_VERSION
        )
        if created:
            record_event(
                "data_use_terms.accepted",
                actor=actor,
                request=request,
                subject=actor,
                target=f"organisation:{installation.owner.code}",
                data={"version": DATA_USE_TERMS_VERSION, "owner": installation.owner.name},
            )
