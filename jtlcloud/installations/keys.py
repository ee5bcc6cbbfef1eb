"""Finding the installation an ingest request comes from by its key."""

from __future__ import annotations

from django.utils import timezone

from jtlcloud.installations.models import Installation, InstallationKey
from jtlcloud.lib.secrets import matches, split_prefix

KEY_KIND = "jtlk"


def installation_for_key(raw_key: str) -> Installation | None:
    """The installation of a valid, unrevoked key; None for anything else."""
    prefix = split_prefix(KEY_KIND, raw_key.strip())
    if prefix is None:
        return None
    key = (
        InstallationKey.objects.select_related("installation")
        .filter(prefix=prefix, revoked_at__isnull=True)
        .first()
    )
    if key is None or not matches(raw_key.strip(), key.key_hash):
        return None
    now = timezone.now()
    # Recording every use would write on every ingest; a minute's precision is enough.
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 60:
        InstallationKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key.installation
