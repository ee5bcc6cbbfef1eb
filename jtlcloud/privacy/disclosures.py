"""The disclosures register (policy 5): disclosures required by law or legal proceedings.

Officers only. Each entry names the data, the recipient, the legal basis, the
approving officer and the date; the export bundle is a ZIP with the register
entry, the disclosed person's data as JSON and a manifest of SHA-256 sums.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import secrets
import zipfile

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from jtlcloud.accounts.models import User
from jtlcloud.audit.services import record_event
from jtlcloud.privacy.models import Disclosure
from jtlcloud.privacy.personal_data import as_json_document

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _reference() -> str:
    while True:
        reference = f"DIS-{timezone.now().year}-" + "".join(
            secrets.choice(_ALPHABET) for _ in range(6)
        )
        if not Disclosure.objects.filter(reference=reference).exists():
            return reference


def record_disclosure(
    request: HttpRequest,
    actor: User,
    *,
    subject: User | None,
    subject_label: str,
    data_description: str,
    recipient: str,
    legal_basis: str,
    approver: User,
    disclosed_on: dt.date,
) -> Disclosure:
    with transaction.atomic():
        disclosure = Disclosure.objects.create(
            reference=_reference(),
            subject=subject,
            subject_label=subject.email if subject else subject_label,
            data_description=data_description,
            recipient=recipient,
            legal_basis=legal_basis,
            approver=approver,
            approver_label=approver.email,
            disclosed_on=disclosed_on,
            recorded_by_label=actor.email,
        )
        record_event(
            "privacy.disclosure_recorded",
            actor=actor,
            request=request,
            subject=subject,
            target=f"disclosure:{disclosure.reference}",
            data={"recipient": recipient, "approver_id": approver.pk},
        )
    return disclosure


def _register_entry(disclosure: Disclosure) -> dict[str, str]:
    return {
        "reference": disclosure.reference,
        "subject": disclosure.subject_label,
        "data": disclosure.data_description,
        "recipient": disclosure.recipient,
        "legal_basis": disclosure.legal_basis,
        "approved_by": disclosure.approver_label,
        "disclosed_on": disclosure.disclosed_on.isoformat(),
        "recorded_by": disclosure.recorded_by_label,
        "recorded_at": disclosure.created_at.isoformat(),
    }


def export_bundle(request: HttpRequest, actor: User, disclosure: Disclosure) -> bytes:
    """The ZIP handed to the recipient; generating it is itself audited."""
    files: dict[str, bytes] = {
        "disclosure.json": json.dumps(_register_entry(disclosure), indent=2).encode(),
    }
    if disclosure.subject is not None:
        files["personal-data.json"] = json.dumps(
            as_json_document(disclosure.subject), indent=2, default=str
        ).encode()
    readme = (
        f"JTL Cloud disclosure {disclosure.reference}\n\n"
        f"Made to {disclosure.recipient} on {disclosure.disclosed_on:%d %B %Y} under: "
        f"{disclosure.legal_basis}\nApproved by {disclosure.approver_label}.\n"
        "manifest.txt lists the SHA-256 of every file in this bundle.\n"
    )
    files["README.txt"] = readme.encode()
    manifest = "".join(
        f"{hashlib.sha256(content).hexdigest()}  {name}\n"
        for name, content in sorted(files.items())
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
        archive.writestr("manifest.txt", manifest)
    record_event(
        "privacy.disclosure_exported",
        actor=actor,
        request=request,
        subject=disclosure.subject,
        target=f"disclosure:{disclosure.reference}",
    )
    return buffer.getvalue()
