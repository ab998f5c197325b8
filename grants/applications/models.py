"""Data: an organisation's application to a grant programme (sealed until the closing time, exactly as bids are),
its answers (the applicant's working copy), and the submitted versions with the receipt hash.

The sealing rule is one Q (``_application_visible``): the applicant always; the programme's lead and assessors'
organisations only once the programme's closing time has passed on the server's clock, and only applications that
were received. Nobody else, staff and superusers included: every page, API, report and file reads through the tenant
manager, and the admin shows no application (``partners.admin.ADMIN_PAGES``).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.money import MoneyField
from core.tenancy import TenantManager, nothing
from grants.programmes.models import (
    MAX_PROGRAMME_BUDGET,
    ApplicationQuestion,
    GrantProgramme,
    programme_assessor_q,
    programme_lead_q,
)
from partners.models import Organisation, User

MAX_PROJECT_SUMMARY = 2000


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    WITHDRAWN = "withdrawn", "Withdrawn"
    LATE = "late", "Refused: submitted after the closing time"
    INELIGIBLE = "ineligible", "Not eligible"
    UNSUCCESSFUL = "unsuccessful", "Unsuccessful"
    OFFERED = "offered", "Grant offered"
    ACCEPTED = "accepted", "Offer accepted"
    OFFER_DECLINED = "offer_declined", "Offer declined by the applicant"
    CLOSED = "closed", "Grant closed"


# Applications that were submitted in time and not withdrawn: what the lead and assessors may read once closed.
RECEIVED = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.INELIGIBLE,
    ApplicationStatus.UNSUCCESSFUL,
    ApplicationStatus.OFFERED,
    ApplicationStatus.ACCEPTED,
    ApplicationStatus.OFFER_DECLINED,
    ApplicationStatus.CLOSED,
)


class DecisionOutcome(models.TextChoices):
    NONE = "", "Not decided"
    AWARD = "award", "Award"
    REJECT = "reject", "Do not award"


class DecisionRoute(models.TextChoices):
    NONE = "", "Not decided"
    DELEGATED = "delegated", "Officer under delegation"
    BOARD = "board", "The board"


def unsealed_q(prefix: str = "", *, now: Any = None) -> Q:
    """Applications (``prefix`` is the path to the application) received and whose programme has closed.

    ``now`` is the server's clock, taken when the queryset is built; the comparison itself runs in SQL.
    """
    p = f"{prefix}__" if prefix else ""
    now = now or timezone.now()
    return Q(**{f"{p}status__in": RECEIVED, f"{p}programme__closes_at__lte": now})


def _application_visible(organisation: Organisation | None, prefix: str) -> Q:
    """The one sealing rule: the applicant always; the lead and the assessors' organisations once unsealed."""
    if organisation is None:
        return nothing()
    p = f"{prefix}__" if prefix else ""
    programme = f"{p}programme"
    return Q(**{f"{p}organisation": organisation}) | (
        unsealed_q(prefix) & (programme_lead_q(organisation, programme) | programme_assessor_q(organisation, programme))
    )


class GrantApplication(models.Model):
    """An organisation's application. Its fields and answers are the applicant's working copy; what was submitted
    is the latest ``ApplicationVersion`` (its SHA-256 is the receipt). The assessment, decision, offer and
    acceptance fields are filled in by the later stages."""

    programme = models.ForeignKey(GrantProgramme, on_delete=models.PROTECT, related_name="applications")
    # Addressed in URLs and the API by a random id, so nothing about application volume leaks.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="grant_applications")
    status = models.CharField(max_length=15, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT)
    project_title = models.CharField(max_length=200, blank=True)
    project_summary = models.TextField(max_length=MAX_PROJECT_SUMMARY, blank=True)
    amount_requested = MoneyField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(MAX_PROGRAMME_BUDGET)]
    )
    current_version = models.ForeignKey(
        "ApplicationVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    receipt_sha256 = models.CharField(max_length=64, blank=True)
    declaration_accepted = models.BooleanField(default=False)
    late_at = models.DateTimeField(null=True, blank=True, help_text="When a submission after closing was refused")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.TextField(max_length=2000, blank=True)
    # Assessment and decision (filled in by the assessment and decision stages)
    score = models.DecimalField(
        max_digits=6, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    decision = models.CharField(max_length=10, choices=DecisionOutcome.choices, blank=True, default="")
    decision_route = models.CharField(max_length=10, choices=DecisionRoute.choices, blank=True, default="")
    decision_reason = models.TextField(max_length=5000, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    amount_awarded = MoneyField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(MAX_PROGRAMME_BUDGET)]
    )
    # Offer, acceptance, decline
    offer_conditions = models.TextField(max_length=10_000, blank=True)
    offered_at = models.DateTimeField(null=True, blank=True)
    offered_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    declined_at = models.DateTimeField(null=True, blank=True)
    declined_reason = models.TextField(max_length=5000, blank=True)
    feedback = models.TextField(max_length=10_000, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager["GrantApplication"]()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "organisation"], name="grant_application_one_per_programme"),
            models.CheckConstraint(
                condition=Q(amount_requested__isnull=True) | Q(amount_requested__gte=0),
                name="grant_application_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(amount_awarded__isnull=True) | Q(amount_awarded__gte=0),
                name="grant_application_award_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["programme", "status"])]

    def __str__(self) -> str:
        return f"{self.organisation}: application to {self.programme}"

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        return _application_visible(organisation, "")

    # Sealed means sealed in the audit trail too: what an application holds is for the applicant alone (core.audit).
    audit_sensitive_fields = ("project_title", "amount_requested", "sha256", "reason", "answers")

    def audit_restricted_readers(self) -> list[str]:
        return [str(self.organisation_id)]

    def audit_audience(self) -> list[int]:
        """Before closing only the applicant may read an application's history (so the audit trail cannot reveal
        that it exists); afterwards the lead too."""
        ids = {self.organisation_id}
        if self.status in RECEIVED and self.programme.has_closed():
            ids.add(self.programme.commission.lead_id)
        return sorted(ids)

    @property
    def is_draft(self) -> bool:
        return self.status == ApplicationStatus.DRAFT

    @property
    def is_received(self) -> bool:
        return self.status in RECEIVED


class ApplicationAnswer(models.Model):
    """The applicant's working answer to one question: only the applicant ever sees it (others read the submitted
    version)."""

    application = models.ForeignKey(GrantApplication, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(ApplicationQuestion, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=50_000, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager["ApplicationAnswer"]()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "question"], name="grant_answer_once")]

    def __str__(self) -> str:
        return f"Answer to {self.question_id} in {self.application_id}"

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        if organisation is None:
            return nothing()
        return Q(application__organisation=organisation)

    def audit_audience(self) -> list[int]:
        return [self.application.organisation_id]


class ApplicationVersion(models.Model):
    """One submission: an immutable snapshot (answers, amount, the applicant's profile facts) with the server's
    timestamp and the SHA-256 of its canonical content: the receipt."""

    application = models.ForeignKey(GrantApplication, on_delete=models.PROTECT, related_name="versions")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.PositiveIntegerField()
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    content = models.JSONField()
    sha256 = models.CharField(max_length=64)
    amount_requested = MoneyField(null=True, blank=True)

    objects = TenantManager["ApplicationVersion"](via="application")  # visible exactly when its application is

    class Meta:
        ordering = ["application", "number"]
        constraints = [
            models.UniqueConstraint(fields=["application", "number"], name="grant_application_version_unique")
        ]

    def __str__(self) -> str:
        return f"Version {self.number} of {self.application}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise RuntimeError("A submitted version cannot be changed")
        super().save(*args, **kwargs)
