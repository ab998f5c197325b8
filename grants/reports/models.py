"""Data: the end-of-grant report (light monitoring): what the grant achieved, what was spent and a case study,
written by the grantee, accepted (or returned with a reason) by the lead; once accepted, the grant can be closed.

Seen exactly when the grant is (the grantee, the lead, the panel)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.money import MoneyField
from core.tenancy import TenantManager
from grants.applications.models import GrantApplication
from grants.programmes.models import MAX_PROGRAMME_BUDGET
from partners.models import User

MAX_OUTCOMES = 5000
MAX_CASE_STUDY = 5000
MAX_SPEND_NOTES = 3000


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned for changes"
    ACCEPTED = "accepted", "Accepted"


class GrantReport(models.Model):
    """One grant's end-of-grant report."""

    application = models.OneToOneField(GrantApplication, on_delete=models.CASCADE, related_name="end_report")
    outcomes = models.TextField(
        max_length=MAX_OUTCOMES, blank=True, help_text="What the grant achieved, against what you said it would"
    )
    spend = MoneyField(
        "Amount spent",
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_PROGRAMME_BUDGET)],
    )
    spend_notes = models.TextField(
        max_length=MAX_SPEND_NOTES, blank=True, help_text="What the money was spent on; any underspend and why"
    )
    case_study = models.TextField(
        max_length=MAX_CASE_STUDY, blank=True, help_text="One person's or group's story of what changed for them"
    )
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    return_reason = models.TextField(max_length=2000, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager["GrantReport"](via="application")  # seen exactly when the grant is

    class Meta:
        ordering = ["-updated_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(spend__isnull=True) | Q(spend__gte=0), name="grant_report_spend"),
        ]

    def __str__(self) -> str:
        return f"End-of-grant report: {self.application}"

    @property
    def is_editable(self) -> bool:
        return self.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)
