"""Checking the audit trail's hash chain: which entry, if any, was altered or removed."""

from __future__ import annotations

from dataclasses import dataclass

from jtlcloud.audit.models import AuditEvent

REDACTION_KIND = "audit.redacted"


@dataclass(frozen=True)
class ChainProblem:
    event_id: int
    reason: str


def _redactions() -> dict[int, tuple[str, str]]:
    """Sanctioned rewrites (erasure): event id -> (original hash, hash after redaction)."""
    allowed: dict[int, tuple[str, str]] = {}
    for data in AuditEvent.objects.filter(kind=REDACTION_KIND).values_list("data", flat=True):
        for entry in (data or {}).get("entries", []):
            try:
                event_id, original, redacted = entry
            except (TypeError, ValueError):
                continue
            allowed[int(event_id)] = (str(original), str(redacted))
    return allowed


def verify_chain() -> tuple[int, ChainProblem | None]:
    """(entries checked, the first problem or None), walking the chain oldest first."""
    allowed = _redactions()
    previous_hash = ""
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        checked += 1
        if event.prev_hash != previous_hash:
            return checked, ChainProblem(
                event.pk,
                "its link to the previous entry is broken (an entry was removed or inserted)",
            )
        computed = event.compute_hash()
        sanctioned = allowed.get(event.pk) == (event.entry_hash, computed)
        if computed != event.entry_hash and not sanctioned:
            return checked, ChainProblem(event.pk, "its content does not match its hash")
        previous_hash = event.entry_hash
    return checked, None
