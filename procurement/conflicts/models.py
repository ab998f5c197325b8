"""The conflicts assessment and the people it lists (Procurement Act 2023 s.81-83)."""

from __future__ import annotations

from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.tenancy import TenantManager, nothing
from partners.models import Organisation, User
from procurement.tenders.models import Tender, commission_visible_q

TEXT_LIMIT = 2000


class AssessmentStage(models.TextChoices):
    TENDER = "tender", "Before the tender notice"
    AWARD = "award", "Before the award"


class ConflictsAssessment(models.Model):
    """One version of a tender's conflicts assessment at a stage. Once signed it never changes: a review is a new
    version that ``supersedes`` the old one (the award review supersedes the tender assessment)."""

    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="conflicts_assessments")
    stage = models.CharField(max_length=10, choices=AssessmentStage.choices)
    version = models.PositiveSmallIntegerField(default=1)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    signed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    signed_by_name = models.CharField(max_length=200, blank=True)
    signed_role = models.CharField("Role of the person signing", max_length=200, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["ConflictsAssessment"]()

    class Meta:
        ordering = ["tender", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "version"], name="conflicts_assessment_version_once"),
            models.CheckConstraint(
                condition=Q(signed_at__isnull=True) | (Q(signed_by__isnull=False) & ~Q(signed_role="")),
                name="conflicts_assessment_signed_by_named_person",
            ),
        ]

    def __str__(self) -> str:
        return f"Conflicts assessment v{self.version} ({self.get_stage_display().lower()}) for {self.tender}"

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        if organisation is None:
            return nothing()
        return commission_visible_q(organisation, "tender__commission")

    def audit_audience(self) -> list[int]:
        return self.tender.commission.audit_audience()

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


class Capacity(models.TextChoices):
    LEAD_OFFICER = "lead_officer", "Lead officer"
    EVALUATOR = "evaluator", "Evaluator"
    BOARD_MEMBER = "board_member", "Board member"
    OTHER = "other", "Other person acting"


class Source(models.TextChoices):
    """Where the person's declaration is read from: the evaluation panel, the board, or recorded here."""

    PANEL = "panel", "The evaluation panel's declaration"
    BOARD = "board", "The board's declaration"
    HERE = "here", "Recorded in this assessment"


class DeclarationState(models.TextChoices):
    PENDING = "pending", "Not yet declared"
    NONE = "none", "No interest"
    INTEREST = "interest", "Interest declared"


class Step(models.TextChoices):
    NOT_RECORDED = "", "No steps recorded"
    EXCLUDED = "excluded", "Excluded from the procurement"
    MITIGATED = "mitigated", "Mitigated"
    NONE_NEEDED = "none_needed", "No steps needed"


class AssessmentEntry(models.Model):
    """A person acting in the procurement, their declaration and, for a conflict, the steps taken."""

    assessment = models.ForeignKey(ConflictsAssessment, on_delete=models.CASCADE, related_name="entries")
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    person_name = models.CharField(max_length=200)
    organisation_name = models.CharField(max_length=200, blank=True)
    role_title = models.CharField(max_length=200, blank=True)
    capacity = models.CharField(max_length=15, choices=Capacity.choices)
    source = models.CharField(max_length=6, choices=Source.choices, default=Source.HERE)
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    declaration = models.CharField(max_length=10, choices=DeclarationState.choices, default=DeclarationState.PENDING)
    interest = models.TextField(blank=True, validators=[MaxLengthValidator(TEXT_LIMIT)])
    step = models.CharField(max_length=12, choices=Step.choices, blank=True, default="")
    step_detail = models.TextField("Mitigation or reason", blank=True, validators=[MaxLengthValidator(TEXT_LIMIT)])
    step_from_source = models.BooleanField(default=False, help_text="The panel's or the board's decision")

    objects = TenantManager["AssessmentEntry"](via="assessment")

    class Meta:
        ordering = ["capacity", "person_name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(declaration="interest") | ~Q(interest=""), name="conflicts_entry_interest_described"
            ),
            models.CheckConstraint(
                condition=Q(step__in=["", "excluded"]) | ~Q(step_detail=""), name="conflicts_entry_step_explained"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_name} ({self.get_capacity_display().lower()})"

    @property
    def is_conflict(self) -> bool:
        return self.declaration == DeclarationState.INTEREST

    @property
    def from_source(self) -> bool:
        return self.source != Source.HERE
