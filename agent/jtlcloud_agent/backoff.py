"""Exponential backoff with jitter, so that many agents coming back after an outage spread out."""

from __future__ import annotations

import email.utils
import random
import time


class Backoff:
    def __init__(self, initial: float, maximum: float) -> None:
        self.initial = initial
        self.maximum = maximum
        self.failures = 0

    def next_delay(self) -> float:
        ceiling = min(self.maximum, self.initial * float(2 ** min(self.failures, 32)))
        self.failures += 1
        # "Equal jitter": at least half the nominal delay, so a failing server is never hammered.
        return ceiling / 2 + random.uniform(0, ceiling / 2)  # noqa: S311 - not cryptographic

    def reset(self) -> None:
        self.failures = 0


def retry_after_seconds(header: str | None) -> float | None:
    """Retry-After is either delta-seconds or an HTTP date."""
    if not header:
        return None
    header = header.strip()
    try:
        return max(0.0, float(header))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
