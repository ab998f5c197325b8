"""Data: the grant programme (one round), its criteria, the application form's sections and questions, and its
assessors.

A programme belongs to a partnership and is the grant route of one joint commission: the partners' contributions to
that commission (``commissioning``: the same contribution model, financial years and reports) fund it. It is public
once it opens; before that only those who see its commission (and its assessors) do.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from commissioning.models import JointCommission, ServiceArea
from core import opportunities
from core.money import MoneyField
from core.tenancy import TenantManager
from partners.models import THIRD_SECTOR_KINDS, Organisation, OrganisationKind, Partnership, User

MAX_PROGRAMME_BUDGET = Decimal("100000000.00")  # £100m: far above any partnership's grant round
MAX_WORD_LIMIT = 5000
MAX_SCORE = 100

THIRD_SECTOR_CHOICES = [(k.value, k.label) for k in OrganisationKind if k in THIRD_SECTOR_KINDS]


class ProgrammeStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open for applications"
    CLOSED = "closed", "Closed to applications"
    ASSESSING = "assessing", "Being assessed"
    DECIDED = "decided", "Decided"
    CLOSED_OUT = "closed_out", "Closed out"
    CANCELLED = "cancelled", "Cancelled"


# States in which the public sees the programme (it has been opened at least once).
PUBLISHED_STATUSES = frozenset(
    {
        ProgrammeStatus.OPEN,
        ProgrammeStatus.CLOSED,
        ProgrammeStatus.ASSESSING,
        ProgrammeStatus.DECIDED,
        ProgrammeStatus.CLOSED_OUT,
    }
)


def _assessor_q(organisation: Organisation, programme_ref: str) -> Q:
    return Q(
        Exists(
            GrantAssessor.objects.unscoped(reason="a visibility rule reads the whole table it filters").filter(
                programme=OuterRef(programme_ref), organisation=organisation
            )
        )
    )


def programme_lead_q(organisation: Organisation, programme_ref: str) -> Q:
    """Rows whose programme (``programme_ref`` is the path to it) ``organisation`` leads."""
    return Q(**{f"{programme_ref}__commission__lead": organisation})


def programme_assessor_q(organisation: Organisation, programme_ref: str) -> Q:
    """Rows whose programme ``organisation`` assesses (one of its people is on the panel)."""
    return _assessor_q(organisation, programme_ref)


def _commission_visible(organisation: Organisation, commission_ref: str) -> Q:
    return Q(
        Exists(
            JointCommission.objects.unscoped(reason="a visibility rule reads the whole table it filters").filter(
                JointCommission.tenant_filter(organisation), pk=OuterRef(commission_ref)
            )
        )
    )


class GrantProgramme(models.Model):
    """A grant round: who may apply, for how much, judged how, and when."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="grant_programmes")
    commission = models.OneToOneField(
        JointCommission,
        on_delete=models.PROTECT,
        related_name="grant_programme",
        help_text="The joint commission whose partners' contributions fund the programme (its grant route)",
    )
    service_area = models.ForeignKey(ServiceArea, on_delete=models.PROTECT, related_name="grant_programmes")
    title = models.CharField(max_length=200)
    category = models.CharField(
        max_length=20,
        choices=opportunities.CATEGORIES,
        blank=True,
        help_text="The kind of service it funds, as providers follow it (core.opportunities.CATEGORIES)",
    )
    description = models.TextField(max_length=10_000, help_text="What the programme funds and why")
    # Eligibility
    eligible_kinds = ArrayField(
        models.CharField(max_length=30, choices=THIRD_SECTOR_CHOICES),
        size=len(THIRD_SECTOR_CHOICES),
        default=list,
        blank=True,
        help_text="The kinds of third-sector organisation that may apply (none chosen: any third-sector kind)",
    )
    area = models.CharField(
        max_length=200, blank=True, help_text="Where the work must happen, for example Lichfield District"
    )
    income_min = MoneyField("Smallest annual income", null=True, blank=True, validators=[MinValueValidator(0)])
    income_max = MoneyField("Largest annual income", null=True, blank=True, validators=[MinValueValidator(0)])
    # Money
    amount_min = MoneyField("Smallest grant", validators=[MinValueValidator(0)])
    amount_max = MoneyField("Largest grant", validators=[MinValueValidator(0)])
    total_budget = MoneyField(validators=[MinValueValidator(0), MaxValueValidator(MAX_PROGRAMME_BUDGET)])
    delegated_threshold = MoneyField(
        "Delegated decision threshold",
        validators=[MinValueValidator(0)],
        help_text="Below this an officer decides under delegation; at or above it the board decides",
    )
    # Dates
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField(help_text="Applications submitted after this are refused as late")
    decision_date = models.DateField(help_text="When applicants will hear")
    is_small_grants = models.BooleanField(
        default=False, help_text="A proportionate one-page application form (small grants)"
    )
    status = models.CharField(max_length=12, choices=ProgrammeStatus.choices, default=ProgrammeStatus.DRAFT)
    opened_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager["GrantProgramme"]()

    class Meta:
        ordering = ["closes_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="grant_programme_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(amount_min__gte=0) & Q(amount_max__gte=F("amount_min")),
                name="grant_programme_amount_range",
            ),
            models.CheckConstraint(
                condition=Q(total_budget__gte=0) & Q(total_budget__lte=MAX_PROGRAMME_BUDGET),
                name="grant_programme_budget_bounded",
            ),
            models.CheckConstraint(
                condition=Q(income_min__isnull=True) | Q(income_max__isnull=True) | Q(income_max__gte=F("income_min")),
                name="grant_programme_income_band",
            ),
            models.CheckConstraint(condition=Q(delegated_threshold__gte=0), name="grant_programme_threshold"),
        ]
        indexes = [models.Index(fields=["status", "closes_at"])]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        published = Q(opened_at__isnull=False)
        if organisation is None:
            return published
        return published | _commission_visible(organisation, "commission") | _assessor_q(organisation, "pk")

    def audit_audience(self) -> list[int]:
        return sorted(set(self.commission.audit_audience()))

    @property
    def lead_id(self) -> int:
        return int(self.commission.lead_id)

    @property
    def is_published(self) -> bool:
        return self.opened_at is not None

    def has_closed(self, now: Any = None) -> bool:
        """The server's clock against the closing time: the one test of whether applications are unsealed."""
        return (now or timezone.now()) >= self.closes_at

    def is_accepting(self, now: Any = None) -> bool:
        now = now or timezone.now()
        return self.status == ProgrammeStatus.OPEN and self.opens_at <= now < self.closes_at

    def eligible_kind_labels(self) -> list[str]:
        labels = dict(THIRD_SECTOR_CHOICES)
        return [str(labels.get(k, k)) for k in self.eligible_kinds]


class GrantCriterion(models.Model):
    """What assessors score applications against, with its weight (per cent) and the top score."""

    programme = models.ForeignKey(GrantProgramme, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(max_length=200)
    guidance = models.TextField(max_length=5000, blank=True)
    weight = models.PositiveSmallIntegerField(
        help_text="Per cent; the criteria's weights add up to 100",
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    max_score = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(1), MaxValueValidator(MAX_SCORE)]
    )
    position = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(1000)])

    objects = TenantManager["GrantCriterion"](via="programme")

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=1, weight__lte=100), name="grant_criterion_weight_percent"),
            models.CheckConstraint(
                condition=Q(max_score__gte=1, max_score__lte=MAX_SCORE), name="grant_criterion_max_score"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.weight}%)"


class ApplicationSection(models.Model):
    """A part of the application form, saved on its own so an applicant can come back to it."""

    programme = models.ForeignKey(GrantProgramme, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(max_length=200)
    guidance = models.TextField(max_length=5000, blank=True)
    position = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(1000)])

    objects = TenantManager["ApplicationSection"](via="programme")

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class ApplicationQuestion(models.Model):
    """One question of the form, with the most words an answer may have and the criterion it informs."""

    section = models.ForeignKey(ApplicationSection, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(max_length=500)
    guidance = models.TextField(max_length=5000, blank=True)
    word_limit = models.PositiveIntegerField(
        default=300, validators=[MinValueValidator(1), MaxValueValidator(MAX_WORD_LIMIT)]
    )
    required = models.BooleanField(default=True)
    criterion = models.ForeignKey(
        GrantCriterion, null=True, blank=True, on_delete=models.SET_NULL, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(1000)])

    objects = TenantManager["ApplicationQuestion"](via="section")

    class Meta:
        ordering = ["section__position", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(word_limit__gte=1, word_limit__lte=MAX_WORD_LIMIT), name="grant_question_word_limit"
            ),
        ]

    def __str__(self) -> str:
        return self.text


class GrantAssessor(models.Model):
    """A person on the programme's assessment panel (from the lead or a partner). Assessors read applications once
    the programme has closed, after declaring any interest (``declared_at``; ``conflicted`` excludes them from
    an application named in ``conflict_detail``: the assessment stage fills these in)."""

    programme = models.ForeignKey(GrantProgramme, on_delete=models.CASCADE, related_name="assessors")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="grant_assessments")
    added_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)
    declared_at = models.DateTimeField(null=True, blank=True)
    has_interest = models.BooleanField(default=False)
    interest_detail = models.TextField(max_length=2000, blank=True)

    objects = TenantManager["GrantAssessor"](via="programme")

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [models.UniqueConstraint(fields=["programme", "user"], name="grant_assessor_once")]

    def __str__(self) -> str:
        return f"{self.user} on {self.programme}"
