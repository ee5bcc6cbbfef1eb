"""Argon2id for PINs with its cost taken from settings (tests run it cheaper)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher


class PinHasher(Argon2PasswordHasher):
    """Django's Argon2 hasher, same algorithm name, cost from ``JTL_ARGON2_*``."""

    @property
    def time_cost(self) -> int:  # type: ignore[override]
        return int(settings.JTL_ARGON2_TIME_COST)

    @property
    def memory_cost(self) -> int:  # type: ignore[override]
        return int(settings.JTL_ARGON2_MEMORY_KIB)

    @property
    def parallelism(self) -> int:  # type: ignore[override]
        return int(settings.JTL_ARGON2_PARALLELISM)
