"""Cross-cutting records: the audit trail and in-app notifications."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils import timezone

from core.tenancy import TenantManager, nothing


class AppendOnlyError(RuntimeError):
    pass


class AuditEvent(models.Model):
    """One state change: who, acting for which organisation, on what, from which state to which, when, why.

    Append-only: the model refuses updates and deletes, and a database trigger
    (migration 0002) refuses them from any other client too.
    """

    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=200)
    organisation = models.ForeignKey(
        settings.JOINTLY_ORGANISATION_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation_name = models.CharField(max_length=200, blank=True)
    visible_to = ArrayField(models.BigIntegerField(), default=list, help_text="Organisations that may read this")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=300)
    action = models.CharField(max_length=100)
    from_state = models.CharField(max_length=50, blank=True)
    to_state = models.CharField(max_length=50, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    # What only some readers may see (the model's ``audit_sensitive_fields``, its full name, the reason): shown
    # in place of the redacted ``data``/``object_repr``/``reason`` by ``core.audit.reveal`` to a reader matching
    # one of ``restricted_to`` ("<organisation id>" or "<organisation id>:<role>").
    restricted = models.JSONField(default=dict, blank=True)
    restricted_to = ArrayField(models.CharField(max_length=40), default=list, blank=True)

    objects = TenantManager["AuditEvent"]()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            GinIndex(fields=["visible_to"], name="audit_visible_to_gin"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_name}: {self.action} {self.object_repr}"

    @classmethod
    def tenant_filter(cls, organisation: Any | None) -> models.Q:
        if organisation is None:
            return nothing()
        return models.Q(visible_to__contains=[organisation.pk])

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise AppendOnlyError("Audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("Audit events cannot be deleted")

    @property
    def summary(self) -> str:
        """``tender.method_approved`` reads as "Tender: method approved"."""
        subject, _, verb = self.action.partition(".")
        words = (verb or subject).replace("_", " ")
        return f"{subject.replace('_', ' ').capitalize()}: {words}" if verb else words.capitalize()

    @property
    def is_state_change(self) -> bool:
        return bool(self.from_state or self.to_state)


class Notification(models.Model):
    """An in-app message to one person, mirrored by email.

    ``dedupe_key`` makes a reminder idempotent: retries, restarted workers and
    duplicate beats all try to insert the same key, and the unique constraint
    lets exactly one through.
    """

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    organisation = models.ForeignKey(
        settings.JOINTLY_ORGANISATION_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email = models.BooleanField(default=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # Sending is claimed (committed) before the email goes out, so a worker killed mid-send leaves a claim that
    # expires and is retried with the same idempotency key, never an unclaimed row that a second worker also sends.
    email_claim = models.CharField(max_length=36, blank=True)
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)

    objects = TenantManager["Notification"]()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.subject

    @classmethod
    def tenant_filter(cls, organisation: Any | None) -> models.Q:
        if organisation is None:
            return nothing()
        return models.Q(organisation=organisation) | models.Q(organisation__isnull=True)


class OutboxEntry(models.Model):
    """Background work recorded in the same transaction as the change that needs it (``core.outbox``).

    Published to Celery after commit and again by the dispatcher until the task reports it done, so a broker
    outage or a killed worker delays the work but never loses it. Not tenant data: only the system reads it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be published"
        PUBLISHED = "published", "Published, not yet done"
        DONE = "done", "Done"
        FAILED = "failed", "Given up"

    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    dedupe_key = models.CharField(max_length=200, null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    # When a published entry not yet done is published again (the task was lost: a killed worker, a flushed broker).
    republish_after = models.DateTimeField(null=True, blank=True)
    timeout = models.PositiveIntegerField(default=600, help_text="Seconds a published run may take before a retry")
    attempts = models.PositiveIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["status", "republish_after"], name="outbox_due")]
        constraints = [
            # One open entry per key: enqueueing the same work again while it is outstanding adds nothing.
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=models.Q(status__in=["pending", "published"]),
                name="outbox_open_dedupe_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.task_name} #{self.pk} ({self.status})"


class Lease(models.Model):
    """A time-limited claim on a long job (a board pack, a report PDF): while ``lease_expires_at`` is in the future
    one worker owns the job; once it passes (the worker died) anyone may take the job over (``core.leases``)."""

    key = models.CharField(max_length=200, unique=True)
    holder = models.CharField(max_length=36, blank=True)
    acquired_at = models.DateTimeField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key} until {self.lease_expires_at}"
