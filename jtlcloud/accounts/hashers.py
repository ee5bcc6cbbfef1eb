"""Argon2id for PINs with its cost taken from settings (tests run it cheaper)."""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher


def normalise_pin(pin: str) -> str:
    """NFKC, as NIST SP 800-63B advises: "é" typed as one character or as e + accent,
    or a full-width digit from a phone keyboard, is the same PIN."""
    return unicodedata.normalize("NFKC", pin)


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

    def encode(self, password: str, salt: str) -> str:
        return super().encode(normalise_pin(password), salt)

    def verify(self, password: str, encoded: str) -> bool:
        return super().verify(normalise_pin(password), encoded)

    def harden_runtime(self, password: str, encoded: str) -> None:
        super().harden_runtime(normalise_pin(password), encoded)
