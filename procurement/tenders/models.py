"""The tender and what the lead sets up before bids arrive: lots, documents, the evaluation method with its
criteria and questions, clarifications, and providers' interest in tenders and service areas.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from commissioning.models import JointCommission, Outcome, ServiceArea
from core.files import PrivateFileField
from core.money import MoneyField
from core.opportunities import CATEGORIES
from core.tenancy import TenantManager, nothing
from partners.models import Organisation, User
from procurement.tenders.cpv import MAX_CODES, is_known

MAX_CONTRACT_VALUE = Decimal("1000000000.00")  # £1bn: no joint commission's contract is bigger


def validate_cpv_code(value: str) -> None:
    if not is_known(value):
        raise ValidationError(f"{value} is not a CPV code Jointly knows: choose one from the list", code="cpv")


# ---------------------------------------------------------------------------------------------------------------
# Visibility helpers
# ---------------------------------------------------------------------------------------------------------------


def commission_visible_q(organisation: Organisation, commission_ref: str) -> Q:
    return Q(
        Exists(
            JointCommission.objects.unscoped(reason="a visibility rule reads the whole table it filters").filter(
                JointCommission.tenant_filter(organisation), pk=OuterRef(commission_ref)
            )
        )
    )


def _panel() -> Any:
    """The evaluation panel's model. It belongs to ``procurement.evaluation``, which builds on this package, so it is
    reached through the tender's reverse relation rather than imported."""
    return Tender._meta.get_field("evaluators").related_model


def on_panel_q(organisation: Organisation, tender_ref: str) -> Q:
    return Q(
        Exists(
            _panel()
            .objects.unscoped(reason="a visibility rule reads the whole table it filters")
            .filter(tender=OuterRef(tender_ref), organisation=organisation)
        )
    )


def _tender_visible(organisation: Organisation | None, prefix: str) -> Q:
    """Rows whose tender (``prefix`` is the path to it, "" for the tender itself) ``organisation`` may see."""
    p = f"{prefix}__" if prefix else ""
    published = Q(**{f"{p}published_at__isnull": False})
    if organisation is None:
        return published
    return published | commission_visible_q(organisation, f"{p}commission") | on_panel_q(organisation, prefix or "pk")


def lead_q(organisation: Organisation, tender_ref: str) -> Q:
    return Q(**{f"{tender_ref}__commission__lead": organisation})


class TenderStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    METHOD_APPROVED = "method_approved", "Evaluation method approved"
    PUBLISHED = "published", "Published"
    CLARIFICATIONS_CLOSED = "clarifications_closed", "Clarifications closed"
    CLOSED_FOR_BIDS = "closed_for_bids", "Closed for bids"
    EVALUATION = "evaluation", "Evaluation"
    RECOMMENDED = "recommended", "Award recommended"
    APPROVED = "approved", "Award approved"
    STANDSTILL = "standstill", "Standstill"
    AWARDED = "awarded", "Awarded"
    CANCELLED = "cancelled", "Cancelled"


OPEN_FOR_BIDS = (TenderStatus.PUBLISHED, TenderStatus.CLARIFICATIONS_CLOSED)


class Procedure(models.TextChoices):
    OPEN = "open", "Open, single stage"
    TWO_STAGE = "two_stage", "Two stage: expression of interest, then a full bid by invitation"
    GRANT = "grant", "Grant round"


class Eligibility(models.TextChoices):
    THIRD_SECTOR = "third_sector", "Third sector only"
    OPEN = "open", "Open to any provider"


class Stage(models.TextChoices):
    EOI = "eoi", "Expression of interest"
    FULL = "full", "Full bid"


# ---------------------------------------------------------------------------------------------------------------
# Tenders
# ---------------------------------------------------------------------------------------------------------------


class Tender(models.Model):
    """An opportunity: what a joint commission buys, how bids are judged, and when they are due."""

    commission = models.ForeignKey(JointCommission, on_delete=models.PROTECT, related_name="tenders")
    reference = models.CharField(max_length=40, blank=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(help_text="Two or three sentences for the opportunities list")
    category = models.CharField(
        max_length=40, blank=True, choices=CATEGORIES, help_text="Providers following this category are alerted"
    )
    specification = models.TextField(help_text="What the provider must do and achieve")
    procedure = models.CharField(max_length=12, choices=Procedure.choices, default=Procedure.OPEN)
    eligibility = models.CharField(max_length=15, choices=Eligibility.choices, default=Eligibility.THIRD_SECTOR)
    estimated_annual_value = MoneyField(validators=[MinValueValidator(0)])
    term_years = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(10)])
    # The legal regime (Procurement Act 2023): procurement.tenders.regime reads these with the partnership's tiers.
    is_light_touch = models.BooleanField(
        "Light-touch contract",
        default=False,
        help_text="Schedule 1 light-touch services: most health, social and community services",
    )
    estimated_value_inc_vat = MoneyField(
        "Estimated value including VAT",
        default=Decimal("0.00"),
        validators=[MinValueValidator(0), MaxValueValidator(MAX_CONTRACT_VALUE)],
        help_text="The whole contract's estimated value over its term, including VAT",
    )
    cpv_codes = ArrayField(
        models.CharField(max_length=10, validators=[validate_cpv_code]),
        default=list,
        blank=True,
        size=MAX_CODES,
        help_text="Common Procurement Vocabulary codes, for example 85312000-9",
    )
    clarification_deadline = models.DateTimeField()
    eoi_deadline = models.DateTimeField(
        "Expression of interest deadline", null=True, blank=True, help_text="Two-stage tenders only"
    )
    submission_deadline = models.DateTimeField("Bid deadline")
    outcomes = models.ManyToManyField(Outcome, blank=True, related_name="tenders")
    allow_third_sector_evaluators = models.BooleanField(
        "Third-sector representatives may sit on the panel", default=False
    )
    standstill_days = models.PositiveSmallIntegerField(
        "Standstill (working days)", default=8, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    stage = models.CharField(max_length=4, choices=Stage.choices, default=Stage.FULL)
    status = models.CharField(max_length=25, choices=TenderStatus.choices, default=TenderStatus.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    letters_sent_on = models.DateField(null=True, blank=True)
    standstill_ends_on = models.DateField(null=True, blank=True)
    cancelled_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager["Tender"]()

    class Meta:
        ordering = ["submission_deadline", "id"]
        permissions = [("evaluate_tender", "Evaluate the bids for this tender (a panel member)")]
        indexes = [
            models.Index(fields=["status", "submission_deadline"]),
            models.Index(fields=["published_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(clarification_deadline__lte=models.F("submission_deadline")),
                name="tender_clarifications_close_before_bids",
            ),
            models.CheckConstraint(
                condition=Q(eoi_deadline__isnull=True) | Q(eoi_deadline__lt=models.F("submission_deadline")),
                name="tender_eoi_before_bids",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        return _tender_visible(organisation, "")

    def audit_audience(self) -> list[int]:
        ids = set(self.commission.audit_audience())
        ids.update(
            _panel()
            .objects.unscoped(reason="a visibility rule reads the whole table it filters")
            .filter(tender=self)
            .values_list("organisation_id", flat=True)
        )
        return sorted(ids)

    # Moderated scores are the lead's and the panel's (as ``ModeratedScore``): the partners see that moderation
    # happened, not which bid scored what (core.audit).
    audit_sensitive_fields = ("bid", "score", "passed")

    def audit_restricted_readers(self) -> list[str]:
        panel = (
            _panel()
            .objects.unscoped(reason="a visibility rule reads the whole table it filters")
            .filter(tender=self)
            .values_list("organisation_id", flat=True)
        )
        return sorted({str(self.commission.lead_id), *(str(org) for org in panel)})

    @property
    def is_two_stage(self) -> bool:
        return self.procedure == Procedure.TWO_STAGE

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def deadline_for(self, stage: str) -> Any:
        return self.eoi_deadline if stage == Stage.EOI else self.submission_deadline

    @property
    def current_deadline(self) -> Any:
        return self.deadline_for(self.stage)

    def is_open_for(self, stage: str, now: Any = None) -> bool:
        now = now or timezone.now()
        deadline = self.deadline_for(stage)
        return self.status in OPEN_FOR_BIDS and deadline is not None and now < deadline and self.stage == stage

    def bids_unsealed(self, now: Any = None) -> bool:
        return (now or timezone.now()) >= self.submission_deadline

    @property
    def service_area(self) -> ServiceArea:
        return self.commission.service_area

    @property
    def is_grant(self) -> bool:
        return self.procedure == Procedure.GRANT


class Lot(models.Model):
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="lots")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    estimated_annual_value = MoneyField(validators=[MinValueValidator(0)])

    objects = TenantManager["Lot"](via="tender")  # visible exactly when its tender is

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["tender", "number"], name="lot_number_unique")]

    def __str__(self) -> str:
        return f"Lot {self.number}: {self.title}"


class TenderDocument(models.Model):
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=200)
    file = PrivateFileField()
    original_filename = models.CharField(max_length=255)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    added_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager["TenderDocument"](via="tender")  # visible exactly when its tender is

    class Meta:
        ordering = ["added_at", "id"]

    def __str__(self) -> str:
        return self.title


# ---------------------------------------------------------------------------------------------------------------
# The evaluation method
# ---------------------------------------------------------------------------------------------------------------


class CriterionKind(models.TextChoices):
    QUALITY = "quality", "Quality"
    PRICE = "price", "Price"
    SOCIAL_VALUE = "social_value", "Social value"
    LOCAL_BENEFIT = "local_benefit", "Local benefit"


class PriceFormula(models.TextChoices):
    LOWEST_RATIO = "lowest_ratio", "Lowest price ÷ bid price × weight"
    DIFFERENCE = "difference", "(1 − (bid price − lowest price) ÷ lowest price) × weight, never below 0"


class MethodStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Waiting for the board"
    APPROVED = "approved", "Approved"


def default_scale() -> list[dict[str, Any]]:
    return [
        {"score": 0, "descriptor": "No answer, or the answer does not address the question"},
        {"score": 1, "descriptor": "Very poor: major gaps and significant concerns"},
        {"score": 2, "descriptor": "Poor: some gaps and concerns"},
        {"score": 3, "descriptor": "Satisfactory: meets the requirement"},
        {"score": 4, "descriptor": "Good: meets the requirement with some added value"},
        {"score": 5, "descriptor": "Excellent: exceeds the requirement with clear evidence"},
    ]


class EvaluationMethod(models.Model):
    """How bids are judged: weighted criteria, questions with word limits and a scoring scale, pass/fail questions
    and a price formula. Approved (by the board where there is one, else by the lead) before publication; frozen
    once approved."""

    tender = models.OneToOneField(Tender, on_delete=models.CASCADE, related_name="method")
    scale = models.JSONField(default=default_scale, help_text="[{score, descriptor}] from 0 to the maximum")
    price_formula = models.CharField(max_length=15, choices=PriceFormula.choices, default=PriceFormula.LOWEST_RATIO)
    status = models.CharField(max_length=10, choices=MethodStatus.choices, default=MethodStatus.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by_name = models.CharField(max_length=200, blank=True)
    approval_route = models.CharField(max_length=100, blank=True, help_text="The board, or the lead commissioner")
    board_decision_id = models.PositiveBigIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager["EvaluationMethod"](via="tender")  # visible exactly when its tender is

    def __str__(self) -> str:
        return f"Evaluation method for {self.tender}"

    @property
    def is_frozen(self) -> bool:
        return self.status != MethodStatus.DRAFT

    @property
    def max_score(self) -> int:
        return max((int(row["score"]) for row in self.scale), default=0)


class Criterion(models.Model):
    method = models.ForeignKey(EvaluationMethod, on_delete=models.CASCADE, related_name="criteria")
    kind = models.CharField(max_length=15, choices=CriterionKind.choices)
    name = models.CharField(max_length=200)
    weight = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)], help_text="Per cent of the total")
    position = models.PositiveSmallIntegerField(default=0)

    objects = TenantManager["Criterion"](via="method")  # visible exactly when its method is

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.CheckConstraint(condition=Q(weight__lte=100), name="criterion_weight_percent")]

    def __str__(self) -> str:
        return f"{self.name} ({self.weight}%)"


class Question(models.Model):
    method = models.ForeignKey(EvaluationMethod, on_delete=models.CASCADE, related_name="questions")
    criterion = models.ForeignKey(
        Criterion,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="questions",
        help_text="Scored questions belong to a criterion; pass/fail and expression-of-interest questions need not",
    )
    stage = models.CharField(max_length=4, choices=Stage.choices, default=Stage.FULL)
    number = models.PositiveSmallIntegerField(default=1)
    text = models.TextField()
    guidance = models.TextField(blank=True)
    word_limit = models.PositiveIntegerField(default=500, validators=[MinValueValidator(10)])
    weight = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1)], help_text="Its share of the criterion, relative to the others"
    )
    pass_fail = models.BooleanField(default=False)

    objects = TenantManager["Question"](via="method")  # visible exactly when its method is

    class Meta:
        ordering = ["stage", "number", "id"]

    def __str__(self) -> str:
        return f"Q{self.number}. {self.text[:80]}"

    @property
    def is_scored(self) -> bool:
        return not self.pass_fail and self.stage == Stage.FULL and self.criterion_id is not None


# ---------------------------------------------------------------------------------------------------------------
# Clarifications, interest and follows
# ---------------------------------------------------------------------------------------------------------------


class Clarification(models.Model):
    """A bidder's private question; the lead's answer is published to every bidder without naming who asked."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="clarifications")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    asked_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    question = models.TextField()
    asked_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(blank=True)
    published_question = models.TextField(
        blank=True, help_text="The question as published: reworded if needed so that it does not identify the asker"
    )
    answered_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager["Clarification"]()

    class Meta:
        ordering = ["asked_at", "id"]

    def __str__(self) -> str:
        return f"Clarification on {self.tender}"

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        published = Q(published_at__isnull=False, tender__published_at__isnull=False)
        if organisation is None:
            return published
        return published | Q(organisation=organisation) | lead_q(organisation, "tender")

    def audit_audience(self) -> list[int]:
        return sorted({self.organisation_id, self.tender.commission.lead_id})


class OwnOrganisation(models.Model):
    """Rows only their own organisation ever sees."""

    class Meta:
        abstract = True

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        if organisation is None:
            return nothing()
        return Q(organisation=organisation)

    def audit_audience(self) -> list[int]:
        return [self.organisation_id]  # type: ignore[attr-defined]


class TenderInterest(OwnOrganisation):
    """A provider's interest in a tender (registered, asked a question or started a bid): told of every change.
    Seen only by the provider itself: the lead never learns who is interested."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="interests")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["TenderInterest"]()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tender", "organisation"], name="interest_once")]

    def __str__(self) -> str:
        return f"{self.organisation} is interested in {self.tender}"
