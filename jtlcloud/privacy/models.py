"""Policy versions, visit analytics, data-subject requests, complaints and disclosures."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

# --- Policy versions ---------------------------------------------------------------------


class PolicyVersion(models.Model):
    """One published version of the privacy policy. Versions are never edited, only added."""

    number = models.PositiveIntegerField(unique=True)
    body_markdown = models.TextField()
    effective_date = models.DateField()
    change_summary = models.TextField()
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"Privacy policy version {self.number} ({self.effective_date:%d %B %Y})"


class PrivacyPreference(models.Model):
    """A user's privacy choices; a missing row means the defaults (recorded, no emails)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="privacy_preference"
    )
    analytics_objected_at = models.DateTimeField(null=True, blank=True)
    policy_emails = models.BooleanField(default=False)
    policy_seen_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"privacy preferences of user #{self.user_id}"


# --- Visit analytics ----------------------------------------------------------------------


class Visit(models.Model):
    """Consecutive page views of one device with no gap longer than the visit gap."""

    device_id = models.CharField(max_length=32, db_index=True)
    # No database constraint: rows are written in batches after the response, by which
    # time the user may be gone; the ORM still deletes them with the account.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        db_constraint=False,
        related_name="+",
    )
    started_at = models.DateTimeField(db_index=True)
    last_at = models.DateTimeField()
    page_count = models.PositiveIntegerField(default=0)
    browser = models.CharField(max_length=64, blank=True)
    os = models.CharField(max_length=64, blank=True)
    device_type = models.CharField(max_length=16, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["device_id", "last_at"], name="visit_device_last")]

    def __str__(self) -> str:
        return f"visit {self.pk} from {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def seconds(self) -> int:
        return int((self.last_at - self.started_at).total_seconds())


class PageView(models.Model):
    """One page served: the URL pattern, never the path itself (no tokens, no query strings)."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="views")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        db_constraint=False,
        related_name="+",
    )
    at = models.DateTimeField(db_index=True)
    route = models.CharField(max_length=200)
    status = models.PositiveSmallIntegerField()
    referrer_route = models.CharField(max_length=200, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    device_id = models.CharField(max_length=32)
    browser = models.CharField(max_length=64, blank=True)
    browser_version = models.CharField(max_length=32, blank=True)
    os = models.CharField(max_length=64, blank=True)
    os_version = models.CharField(max_length=32, blank=True)
    device_type = models.CharField(max_length=16, blank=True)

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.route} {self.status}"


class DeviceObjection(models.Model):
    """An anonymous visitor's objection: the device identifier changes daily, and so does this."""

    device_id = models.CharField(max_length=32, unique=True)
    day = models.DateField()

    def __str__(self) -> str:
        return f"objection of device {self.device_id[:6]}… on {self.day}"


# --- Rights requests and complaints --------------------------------------------------------


class RequestKind(models.TextChoices):
    ACCESS = "access", "Access to my data"
    CORRECTION = "correction", "Correction of my data"
    ERASURE = "erasure", "Erasure of my account and data"
    OBJECTION = "objection", "Objection to processing"
    COMPLAINT = "complaint", "Complaint"


class RequestStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    REJECTED = "rejected", "Refused"


CLOSED_STATUSES = (RequestStatus.DONE, RequestStatus.REJECTED)


class PrivacyRequest(models.Model):
    """A rights request (due in one month) or a complaint (acknowledged within 30 days)."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=24, unique=True)
    kind = models.CharField(max_length=16, choices=RequestKind.choices)
    status = models.CharField(
        max_length=16, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="privacy_requests",
    )
    # What we know of who asked, kept so the request is still answerable (and provable) later.
    requester_name = models.CharField(max_length=150)
    requester_email = models.EmailField(max_length=254)
    details = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    staff_notes = models.TextField(blank=True)
    response = models.TextField(blank=True)

    class Meta:
        ordering = ["due_at"]

    def __str__(self) -> str:
        return f"{self.reference} {self.get_kind_display()}"

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_at < timezone.now()


# --- Disclosures ---------------------------------------------------------------------------


class Disclosure(models.Model):
    """A disclosure required by law or for legal proceedings (policy 5). Officers only."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=24, unique=True)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject_label = models.CharField(max_length=320)
    data_description = models.TextField()
    recipient = models.CharField(max_length=300)
    legal_basis = models.TextField()
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approver_label = models.CharField(max_length=320)
    disclosed_on = models.DateField()
    recorded_by_label = models.CharField(max_length=320)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-disclosed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.reference} to {self.recipient}"
