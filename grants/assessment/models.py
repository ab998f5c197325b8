"""Data: the panel's declared interests (per application, with the type of interest), score sheets with a score and
comment per criterion, and the moderated (agreed) score per application and criterion.

The panel itself is ``grants.programmes.models.GrantAssessor`` (named by the lead after closing). An assessor with a
declared interest in an application is excluded from scoring that application, and from reading its sheet.
"""

from __future__ import annotations

import uuid

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.tenancy import TenantManager, nothing
from grants.applications.models import GrantApplication
from grants.programmes.models import (
    MAX_SCORE,
    GrantAssessor,
    GrantCriterion,
    programme_assessor_q,
    programme_lead_q,
)
from partners.models import Organisation, User


class InterestKind(models.TextChoices):
    FINANCIAL = "financial", "Financial: money or benefit from the applicant"
    ROLE = "role", "A role with the applicant: trustee, director, employee or volunteer"
    PERSONAL = "personal", "Personal: a family member or close friend is involved"
    PROFESSIONAL = "professional", "Professional: I advise, fund or work closely with the applicant"
    OTHER = "other", "Other"


class AssessorInterest(models.Model):
    """An interest an assessor declares in one application. It excludes them from scoring that application."""

    assessor = models.ForeignKey(GrantAssessor, on_delete=models.CASCADE, related_name="interests")
    application = models.ForeignKey(GrantApplication, on_delete=models.PROTECT, related_name="assessor_interests")
    kind = models.CharField("Type of interest", max_length=20, choices=InterestKind.choices)
    detail = models.TextField(max_length=2000)
    declared_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["AssessorInterest"](via="assessor")

    class Meta:
        ordering = ["declared_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assessor", "application"], name="grant_interest_once"),
            models.CheckConstraint(condition=~Q(detail=""), name="grant_interest_described"),
        ]

    def __str__(self) -> str:
        return f"{self.assessor.user}: {self.get_kind_display()}"


def _sheet_visible(organisation: Organisation, prefix: str) -> Q:
    p = f"{prefix}__" if prefix else ""
    return Q(**{f"{p}assessor__organisation": organisation}) | (
        Q(**{f"{p}submitted_at__isnull": False}) & programme_lead_q(organisation, f"{p}assessor__programme")
    )


class AssessmentSheet(models.Model):
    """One assessor's scores for one application: private to the assessor's organisation until submitted, then
    read by the programme's lead too. Addressed by ``public_id``."""

    assessor = models.ForeignKey(GrantAssessor, on_delete=models.CASCADE, related_name="sheets")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(GrantApplication, on_delete=models.PROTECT, related_name="assessment_sheets")
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["AssessmentSheet"]()

    class Meta:
        ordering = ["application_id", "id"]
        constraints = [models.UniqueConstraint(fields=["assessor", "application"], name="grant_sheet_once")]

    def __str__(self) -> str:
        return f"{self.assessor.user}'s scores"

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        if organisation is None:
            return nothing()
        return _sheet_visible(organisation, "")

    def audit_audience(self) -> list[int]:
        return sorted({self.assessor.organisation_id, self.assessor.programme.lead_id})


class AssessmentScore(models.Model):
    sheet = models.ForeignKey(AssessmentSheet, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(GrantCriterion, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(MAX_SCORE)])
    comment = models.TextField(max_length=5000, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager["AssessmentScore"](via="sheet")

    class Meta:
        ordering = ["criterion__position", "criterion_id"]
        constraints = [models.UniqueConstraint(fields=["sheet", "criterion"], name="grant_score_once")]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"


class ModeratedGrantScore(models.Model):
    """The panel's agreed score for one application on one criterion, with a note; the ranking comes from these."""

    application = models.ForeignKey(GrantApplication, on_delete=models.PROTECT, related_name="moderated_scores")
    criterion = models.ForeignKey(GrantCriterion, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(validators=[MaxValueValidator(MAX_SCORE)])
    note = models.TextField(max_length=5000)
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["ModeratedGrantScore"]()

    class Meta:
        ordering = ["application_id", "criterion__position", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "criterion"], name="grant_moderated_once"),
            models.CheckConstraint(condition=~Q(note=""), name="grant_moderated_note"),
        ]

    def __str__(self) -> str:
        return f"Agreed {self.criterion}: {self.score}"

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        if organisation is None:
            return nothing()
        return programme_lead_q(organisation, "application__programme") | programme_assessor_q(
            organisation, "application__programme"
        )

    def audit_audience(self) -> list[int]:
        return [self.application.programme.lead_id]
