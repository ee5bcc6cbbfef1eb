"""Prefixed secrets: shown once, stored as a hash, found by their visible prefix.

A secret looks like ``jtlk_AbCd1234_<40 random characters>``. The prefix is
stored in clear to find the row; the whole secret is compared by SHA-256 in
constant time. Secrets have 240 bits of randomness, so a fast hash is enough.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

_PREFIX_LENGTH = 8


@dataclass(frozen=True)
class NewSecret:
    full: str
    prefix: str
    hashed: str


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret(kind: str) -> NewSecret:
    prefix = secrets.token_urlsafe(6)[:_PREFIX_LENGTH].replace("-", "x").replace("_", "y")
    full = f"{kind}_{prefix}_{secrets.token_urlsafe(30)}"
    return NewSecret(full=full, prefix=prefix, hashed=hash_secret(full))


def split_prefix(kind: str, secret: str) -> str | None:
    """The prefix of a secret of this kind, or None if it has another shape."""
    parts = secret.split("_", 2)
    if len(parts) != 3 or parts[0] != kind or len(parts[1]) != _PREFIX_LENGTH:
        return None
    return parts[1]


def matches(secret: str, hashed: str) -> bool:
    return hmac.compare_digest(hash_secret(secret), hashed)
