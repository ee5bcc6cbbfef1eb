"""Privacy policy versions: publish, show, compare, and tell users about a change.

A version is never edited: a change is a new version, so every earlier text
stays at its own stable URL. Logged-in users who joined before the current
version was published see a notice until they dismiss it; users who opted in
get one neutral email with a one-click unsubscribe.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from pathlib import Path

import markdown
import nh3
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from jtlcloud.accounts.models import User
from jtlcloud.audit.services import record_event
from jtlcloud.privacy.models import PolicyVersion, PrivacyPreference

SAMPLE_POLICY = Path(__file__).parent / "policies" / "sample_policy_v1.md"
_CACHE_KEY = "privacy:current-policy"
_UNSUBSCRIBE_SALT = "privacy.policy-emails.unsubscribe"


def render_markdown(text: str) -> SafeString:
    """Markdown to HTML, then cleaned: an officer's typo can never put a script on the page."""
    html = markdown.markdown(text, extensions=["sane_lists"])
    return mark_safe(nh3.clean(html, link_rel="noopener noreferrer"))


def current_policy() -> PolicyVersion | None:
    """The newest version already in effect (or the first one, if none is yet)."""
    cached = cache.get(_CACHE_KEY)
    if cached is not None:
        return cached or None
    today = timezone.now().date()
    version = (
        PolicyVersion.objects.filter(effective_date__lte=today).order_by("-number").first()
        or PolicyVersion.objects.order_by("number").first()
    )
    # Cached briefly: the notice asks on every page; a new version clears it at once.
    cache.set(_CACHE_KEY, version or False, 300)
    return version


def forget_current_policy() -> None:
    cache.delete(_CACHE_KEY)


def next_number() -> int:
    last = PolicyVersion.objects.order_by("-number").values_list("number", flat=True).first()
    return (last or 0) + 1


def publish_policy(
    actor: User | None,
    *,
    body_markdown: str,
    effective_date: dt.date,
    change_summary: str,
    notify: bool = True,
) -> PolicyVersion:
    """Add a new version; users who asked for it are emailed once the transaction commits."""
    with transaction.atomic():
        version = PolicyVersion.objects.create(
            number=next_number(),
            body_markdown=body_markdown,
            effective_date=effective_date,
            change_summary=change_summary,
            published_by=actor,
        )
        record_event(
            "privacy.policy_published",
            actor=actor,
            target=f"policy:v{version.number}",
            data={"number": version.number, "effective_date": effective_date.isoformat()},
        )
        transaction.on_commit(forget_current_policy)
        if notify and version.number > 1:
            _email_subscribers(version)
    forget_current_policy()
    return version


def load_sample_policy() -> PolicyVersion:
    """The sample policy JTL Cloud ships, as version 1, if there is no version yet."""
    existing = PolicyVersion.objects.order_by("number").first()
    if existing is not None:
        return existing
    return publish_policy(
        None,
        body_markdown=SAMPLE_POLICY.read_text(encoding="utf-8"),
        effective_date=dt.date(2026, 1, 1),
        change_summary="First published version.",
        notify=False,
    )


def _email_subscribers(version: PolicyVersion) -> None:
    subscribers = User.objects.filter(is_active=True, privacy_preference__policy_emails=True).only(
        "email", "name", "code"
    )
    for user in subscribers:
        token = unsubscribe_token(user)
        unsubscribe_url = f"{settings.JTL_SITE_URL}/privacy/emails/unsubscribe/{token}"
        body = render_to_string(
            "emails/policy_changed.txt",
            {
                "user": user,
                "version": version,
                "site_url": settings.JTL_SITE_URL,
                "unsubscribe_url": unsubscribe_url,
            },
        )
        message = EmailMessage(
            subject="JTL Cloud has a new version of its privacy policy",
            body=body,
            to=[user.email],
            headers={
                "List-Unsubscribe": f"<{unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
        transaction.on_commit(message.send)


def unsubscribe_token(user: User) -> str:
    return signing.dumps({"u": str(user.code)}, salt=_UNSUBSCRIBE_SALT, compress=True)


def unsubscribe(token: str) -> User | None:
    """Stop policy emails for the user the token names; None if the token is not ours."""
    try:
        payload = signing.loads(token, salt=_UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    user = User.objects.filter(code=str(payload.get("u", ""))).first()
    if user is None:
        return None
    with transaction.atomic():
        PrivacyPreference.objects.update_or_create(user=user, defaults={"policy_emails": False})
        record_event("privacy.policy_emails_unsubscribed", subject=user)
    return user


# --- The notice ------------------------------------------------------------------------------


def notice_for(user: User) -> PolicyVersion | None:
    """The changed version this user has not yet acknowledged, if any."""
    version = current_policy()
    if version is None or version.number <= 1 or version.published_at <= user.date_joined:
        return None
    seen = (
        PrivacyPreference.objects.filter(user=user)
        .values_list("policy_seen_number", flat=True)
        .first()
    )
    if seen is not None and seen >= version.number:
        return None
    return version


def dismiss_notice(user: User, number: int) -> None:
    with transaction.atomic():
        pref, _ = PrivacyPreference.objects.select_for_update().get_or_create(user=user)
        if pref.policy_seen_number < number:
            pref.policy_seen_number = number
            pref.save(update_fields=["policy_seen_number"])


# --- Comparing versions ----------------------------------------------------------------------


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "added", "removed" or "gap"
    raw: str

    @property
    def heading(self) -> bool:
        return self.raw.startswith("#")

    @property
    def text(self) -> str:
        """The paragraph without Markdown heading marks (the diff shows plain text)."""
        return self.raw.lstrip("#").strip() if self.heading else self.raw


def diff_versions(old: PolicyVersion, new: PolicyVersion, context: int = 2) -> list[DiffLine]:
    """Paragraph-level differences with a little unchanged text around each change."""
    a = [p.strip() for p in old.body_markdown.split("\n\n") if p.strip()]
    b = [p.strip() for p in new.body_markdown.split("\n\n") if p.strip()]
    lines: list[DiffLine] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        if lines:
            lines.append(DiffLine("gap", "…"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines.extend(DiffLine("same", text) for text in a[i1:i2])
                continue
            lines.extend(DiffLine("removed", text) for text in a[i1:i2])
            lines.extend(DiffLine("added", text) for text in b[j1:j2])
    return lines
