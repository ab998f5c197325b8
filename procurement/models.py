"""Tendering: opportunities, evaluation methods, sealed bids, evaluation panels, award, standstill and contracts.

Visibility (the tenant filters below):

- A tender, its documents, lots and evaluation method are visible to the commission's lead and partners (and to the
  organisations of its evaluators) from the start, and to everyone -- the anonymous public included -- once it is
  published.
- A bid is **sealed**: its organisation always sees it; the tender's lead and the organisations of its evaluators see
  it only once its stage's deadline has passed (``deadline <= now``, compared in SQL with the server's clock, so a
  queryset built a second before the deadline still hides it) and only if it was submitted. Drafts and withdrawn bids
  are never seen outside the bidder. The bidder's working copy (answers, price lines, partners) is never seen
  outside the bidder at all: others read the submitted version (``BidVersion``), an immutable snapshot.
- "At the deadline" means closed: a bid must be submitted strictly before the deadline, and it is unsealed at it.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from commissioning.commissions.models import JointCommission
from commissioning.service_map.models import Outcome, ServiceArea
from core.files import PrivateFileField
from core.money import MoneyField
from core.tenancy import TenantManager, nothing
from partners.models import Organisation, User

# ---------------------------------------------------------------------------------------------------------------
# Visibility helpers
# ---------------------------------------------------------------------------------------------------------------


def _commission_visible(organisation: Organisation, commission_ref: str) -> Q:
    return Q(
        Exists(
            JointCommission._base_manager.filter(
                JointCommission.tenant_filter(organisation), pk=OuterRef(commission_ref)
            )
        )
    )


def _on_panel(organisation: Organisation, tender_ref: str) -> Q:
    return Q(Exists(Evaluator._base_manager.filter(tender=OuterRef(tender_ref), organisation=organisation)))


def _tender_visible(organisation: Organisation | None, prefix: str) -> Q:
    """Rows whose tender (``prefix`` is the path to it, "" for the tender itself) ``organisation`` may see."""
    p = f"{prefix}__" if prefix else ""
    published = Q(**{f"{p}published_at__isnull": False})
    if organisation is None:
        return published
    return published | _commission_visible(organisation, f"{p}commission") | _on_panel(organisation, prefix or "pk")


def _lead_q(organisation: Organisation, tender_ref: str) -> Q:
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
    specification = models.TextField(help_text="What the provider must do and achieve")
    procedure = models.CharField(max_length=12, choices=Procedure.choices, default=Procedure.OPEN)
    eligibility = models.CharField(max_length=15, choices=Eligibility.choices, default=Eligibility.THIRD_SECTOR)
    estimated_annual_value = MoneyField(validators=[MinValueValidator(0)])
    term_years = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(10)])
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
        ids.update(Evaluator._base_manager.filter(tender=self).values_list("organisation_id", flat=True))
        return sorted(ids)

    # Moderated scores are the lead's and the panel's (as ``ModeratedScore``): the partners see that moderation
    # happened, not which bid scored what (core.audit).
    audit_sensitive_fields = ("bid", "score", "passed")

    def audit_restricted_readers(self) -> list[str]:
        panel = Evaluator._base_manager.filter(tender=self).values_list("organisation_id", flat=True)
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


class TenderChild(models.Model):
    """Part of a tender's definition: visible exactly when the tender is."""

    class Meta:
        abstract = True

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        return _tender_visible(organisation, "tender")

    def audit_audience(self) -> list[int]:
        return self.tender.audit_audience()  # type: ignore[attr-defined, no-any-return]


class Lot(TenderChild):
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="lots")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    estimated_annual_value = MoneyField(validators=[MinValueValidator(0)])

    objects = TenantManager["Lot"]()

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["tender", "number"], name="lot_number_unique")]

    def __str__(self) -> str:
        return f"Lot {self.number}: {self.title}"


class TenderDocument(TenderChild):
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=200)
    file = PrivateFileField()
    original_filename = models.CharField(max_length=255)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    added_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager["TenderDocument"]()

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


class EvaluationMethod(TenderChild):
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

    objects = TenantManager["EvaluationMethod"]()

    def __str__(self) -> str:
        return f"Evaluation method for {self.tender}"

    @property
    def is_frozen(self) -> bool:
        return self.status != MethodStatus.DRAFT

    @property
    def max_score(self) -> int:
        return max((int(row["score"]) for row in self.scale), default=0)


class MethodChild(models.Model):
    class Meta:
        abstract = True

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        return _tender_visible(organisation, "method__tender")

    def audit_audience(self) -> list[int]:
        return self.method.tender.audit_audience()  # type: ignore[attr-defined, no-any-return]


class Criterion(MethodChild):
    method = models.ForeignKey(EvaluationMethod, on_delete=models.CASCADE, related_name="criteria")
    kind = models.CharField(max_length=15, choices=CriterionKind.choices)
    name = models.CharField(max_length=200)
    weight = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)], help_text="Per cent of the total")
    position = models.PositiveSmallIntegerField(default=0)

    objects = TenantManager["Criterion"]()

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.CheckConstraint(condition=Q(weight__lte=100), name="criterion_weight_percent")]

    def __str__(self) -> str:
        return f"{self.name} ({self.weight}%)"


class Question(MethodChild):
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

    objects = TenantManager["Question"]()

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
        return published | Q(organisation=organisation) | _lead_q(organisation, "tender")

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


class ServiceAreaFollow(OwnOrganisation):
    """A provider's person follows a service area and is told when a new opportunity in it is published."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    service_area = models.ForeignKey(ServiceArea, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["ServiceAreaFollow"]()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "user", "service_area"], name="follow_once")]

    def __str__(self) -> str:
        return f"{self.user} follows {self.service_area}"


# ---------------------------------------------------------------------------------------------------------------
# The provider's profile: facts reused in every bid
# ---------------------------------------------------------------------------------------------------------------


class ProfileDocumentKind(models.TextChoices):
    SAFEGUARDING = "safeguarding", "Safeguarding policy"
    EQUALITY = "equality", "Equality and diversity policy"
    HEALTH_SAFETY = "health_safety", "Health and safety policy"
    DATA_PROTECTION = "data_protection", "Data protection policy"
    INSURANCE = "insurance", "Insurance certificate"
    ACCOUNTS = "accounts", "Latest annual accounts"
    OTHER = "other", "Other"


class ProviderProfile(OwnOrganisation):
    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="provider_profile")
    annual_income = MoneyField(null=True, blank=True, validators=[MinValueValidator(0)])
    accounts_year_end = models.DateField(null=True, blank=True)
    staff_count = models.PositiveIntegerField(null=True, blank=True)
    volunteer_count = models.PositiveIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager["ProviderProfile"]()

    def __str__(self) -> str:
        return f"Profile of {self.organisation}"


class ProfileDocument(OwnOrganisation):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=ProfileDocumentKind.choices)
    title = models.CharField(max_length=200, blank=True)
    file = PrivateFileField()
    original_filename = models.CharField(max_length=255)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager["ProfileDocument"]()

    class Meta:
        ordering = ["kind", "-uploaded_at"]

    def __str__(self) -> str:
        return self.title or self.get_kind_display()


# ---------------------------------------------------------------------------------------------------------------
# Bids (sealed)
# ---------------------------------------------------------------------------------------------------------------


class BidStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    WITHDRAWN = "withdrawn", "Withdrawn"
    SHORTLISTED = "shortlisted", "Shortlisted"
    REJECTED = "rejected", "Not shortlisted"
    SUCCESSFUL = "successful", "Successful"
    UNSUCCESSFUL = "unsuccessful", "Unsuccessful"


# Bids that were submitted and not withdrawn: the ones a lead may read once the deadline has passed.
RECEIVED = (
    BidStatus.SUBMITTED,
    BidStatus.SHORTLISTED,
    BidStatus.REJECTED,
    BidStatus.SUCCESSFUL,
    BidStatus.UNSUCCESSFUL,
)


def unsealed_q(prefix: str = "", *, now: Any = None) -> Q:
    """Bids (``prefix`` is the path to the bid) whose stage's deadline has passed and which were received.

    ``now`` is the server's clock, taken when the queryset is built; the comparison itself runs in SQL.
    """
    p = f"{prefix}__" if prefix else ""
    now = now or timezone.now()
    return Q(**{f"{p}status__in": RECEIVED}) & (
        Q(**{f"{p}stage": Stage.FULL, f"{p}tender__submission_deadline__lte": now})
        | Q(**{f"{p}stage": Stage.EOI, f"{p}tender__eoi_deadline__lte": now})
    )


def _bid_visible(organisation: Organisation | None, prefix: str) -> Q:
    """The one sealing rule: the bidder always; the lead and the panel's organisations once unsealed."""
    if organisation is None:
        return nothing()
    p = f"{prefix}__" if prefix else ""
    tender = f"{p}tender"
    return Q(**{f"{p}organisation": organisation}) | (
        unsealed_q(prefix) & (_lead_q(organisation, tender) | _on_panel(organisation, tender))
    )


class Bid(models.Model):
    """A provider's bid (or expression of interest) for a tender. The fields here, the answers, price lines and
    partners are the bidder's working copy; what was submitted is the latest ``BidVersion``."""

    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="bids")
    # Addressed in URLs and the API by a random id, so nothing about bidding volume leaks (the pk stays internal).
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="bids")
    stage = models.CharField(max_length=4, choices=Stage.choices, default=Stage.FULL)
    lot = models.ForeignKey(Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="bids")
    status = models.CharField(max_length=15, choices=BidStatus.choices, default=BidStatus.DRAFT)
    summary = models.TextField("Summary of your bid", blank=True)
    is_consortium = models.BooleanField(default=False)
    current_version = models.ForeignKey(
        "BidVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    outcome_reason = models.TextField(blank=True, help_text="Why it was not shortlisted, or the award feedback")
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager["Bid"]()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "organisation", "stage", "lot"],
                name="bid_one_per_stage_lot",
                nulls_distinct=False,
            ),
        ]
        indexes = [models.Index(fields=["tender", "stage", "status"])]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_stage_display().lower()} for {self.tender}"

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        return _bid_visible(organisation, "")

    # Sealed means sealed in the audit trail too: what a bid holds is for the bidder alone (core.audit).
    audit_sensitive_fields = ("summary", "price", "annual_price", "file", "sha256", "reason")

    def audit_restricted_readers(self) -> list[str]:
        return [str(self.organisation_id)]

    def audit_audience(self) -> list[int]:
        """Before the deadline only the bidder may read a bid's history (so the audit trail cannot reveal that it
        exists); afterwards the lead too."""
        ids = {self.organisation_id}
        deadline = self.tender.deadline_for(self.stage)
        if self.status in RECEIVED and deadline is not None and timezone.now() >= deadline:
            ids.add(self.tender.commission.lead_id)
        return sorted(ids)

    @property
    def deadline(self) -> Any:
        return self.tender.deadline_for(self.stage)


class BidChild(models.Model):
    """Part of a bid's working copy: only the bidder ever sees it."""

    class Meta:
        abstract = True

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        if organisation is None:
            return nothing()
        return Q(bid__organisation=organisation)

    def audit_audience(self) -> list[int]:
        return [self.bid.organisation_id]  # type: ignore[attr-defined]


class BidAnswer(BidChild):
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager["BidAnswer"]()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bid", "question"], name="bid_answer_once")]

    def __str__(self) -> str:
        return f"Answer to {self.question_id} in {self.bid_id}"


class PriceCategory(models.TextChoices):
    STAFF = "staff", "Direct staff costs"
    VOLUNTEERS = "volunteers", "Volunteer costs and expenses"
    PREMISES = "premises", "Premises"
    DELIVERY = "delivery", "Equipment, materials and delivery costs"
    OVERHEADS = "overheads", "Management and overheads (full cost recovery)"
    OTHER = "other", "Other costs"


class BidPriceLine(BidChild):
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="price_lines")
    category = models.CharField(max_length=12, choices=PriceCategory.choices)
    description = models.CharField(max_length=300, blank=True)
    annual_amount = MoneyField(validators=[MinValueValidator(0)])

    objects = TenantManager["BidPriceLine"]()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["bid", "category"], name="bid_price_line_once"),
            models.CheckConstraint(condition=Q(annual_amount__gte=0), name="bid_price_line_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.annual_amount}"


class BidPartnerKind(models.TextChoices):
    CONSORTIUM = "consortium", "Consortium member"
    SUBCONTRACTOR = "subcontractor", "Subcontractor"


class BidPartner(BidChild):
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="partners")
    # Addressed in URLs and the API by a random id, so nothing about bidding volume leaks (the pk stays internal).
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=15, choices=BidPartnerKind.choices)
    name = models.CharField(max_length=200)
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    charity_number = models.CharField(max_length=20, blank=True)
    company_number = models.CharField(max_length=20, blank=True)
    role = models.CharField("What they will do", max_length=300)
    share_percent = models.PositiveSmallIntegerField(
        "Share of the work (%)", null=True, blank=True, validators=[MaxValueValidator(100)]
    )

    objects = TenantManager["BidPartner"]()

    class Meta:
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display().lower()})"


class BidAttachment(models.Model):
    """A file attached to a bid (uploaded, or reused from the organisation's profile). Never deleted while a
    submitted version refers to it: removing it from the draft only marks it removed."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="attachments")
    # Addressed in URLs and the API by a random id, so nothing about bidding volume leaks (the pk stays internal).
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=200)
    file = PrivateFileField()
    original_filename = models.CharField(max_length=255)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    from_profile = models.ForeignKey(
        ProfileDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager["BidAttachment"]()

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        """The bidder's own files; others only once the bid is unsealed, and only files in the submitted version."""
        if organisation is None:
            return nothing()
        in_submitted = Q(
            Exists(
                BidVersion.attachments.through.objects.filter(
                    bidversion_id=OuterRef("bid__current_version_id"), bidattachment_id=OuterRef("pk")
                )
            )
        )
        return Q(bid__organisation=organisation) | (_bid_visible(organisation, "bid") & in_submitted)

    def audit_audience(self) -> list[int]:
        return self.bid.audit_audience()


class BidVersion(models.Model):
    """One submission: an immutable snapshot of what was submitted, with the server's timestamp and the SHA-256 of
    its canonical content (answers, price, partners, profile facts and every file's hash). Resubmitting adds a
    version; the bid points at the latest."""

    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="versions")
    # Addressed in URLs and the API by a random id, so nothing about bidding volume leaks (the pk stays internal).
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.PositiveIntegerField()
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    content = models.JSONField()
    sha256 = models.CharField(max_length=64)
    annual_price = MoneyField(null=True, blank=True)
    attachments = models.ManyToManyField(BidAttachment, blank=True, related_name="versions")

    objects = TenantManager["BidVersion"]()

    class Meta:
        ordering = ["bid", "number"]
        constraints = [models.UniqueConstraint(fields=["bid", "number"], name="bid_version_number_unique")]

    def __str__(self) -> str:
        return f"Version {self.number} of {self.bid}"

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        return _bid_visible(organisation, "bid")

    def audit_audience(self) -> list[int]:
        return self.bid.audit_audience()

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise RuntimeError("A submitted version cannot be changed")
        super().save(*args, **kwargs)


# ---------------------------------------------------------------------------------------------------------------
# Evaluation
# ---------------------------------------------------------------------------------------------------------------


class Evaluator(models.Model):
    """A panel member for one tender: an officer of a partner organisation or a third-sector representative. They
    declare their interests before seeing any bid; the lead decides on each declared conflict."""

    class Declaration(models.TextChoices):
        PENDING = "pending", "Not yet declared"
        NONE = "none", "No interest"
        INTEREST = "interest", "Interest declared"

    class ConflictDecision(models.TextChoices):
        NONE = "", "No decision needed"
        EXCLUDE = "exclude", "Excluded from the evaluation"
        MITIGATE = "mitigate", "Allowed, with mitigation"

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="evaluators")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    role_title = models.CharField(max_length=200, blank=True)
    is_third_sector_rep = models.BooleanField(default=False)
    declaration = models.CharField(max_length=10, choices=Declaration.choices, default=Declaration.PENDING)
    interest = models.TextField(blank=True)
    declared_at = models.DateTimeField(null=True, blank=True)
    conflict_decision = models.CharField(max_length=10, choices=ConflictDecision.choices, blank=True, default="")
    mitigation = models.TextField(blank=True)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    added_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["Evaluator"]()

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "user"], name="evaluator_once_per_tender"),
            models.CheckConstraint(
                condition=~Q(declaration="interest") | ~Q(interest=""), name="evaluator_interest_described"
            ),
            models.CheckConstraint(
                condition=~Q(conflict_decision="mitigate") | ~Q(mitigation=""), name="evaluator_mitigation_described"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.organisation})"

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        if organisation is None:
            return nothing()
        return Q(organisation=organisation) | _commission_visible(organisation, "tender__commission")

    def audit_audience(self) -> list[int]:
        return sorted({self.organisation_id, *self.tender.commission.audit_audience()})

    @property
    def is_cleared(self) -> bool:
        """May see the bids: declared, and any declared interest decided and not excluded."""
        if self.declaration == self.Declaration.NONE:
            return True
        return (
            self.declaration == self.Declaration.INTEREST and self.conflict_decision == self.ConflictDecision.MITIGATE
        )

    @property
    def is_excluded(self) -> bool:
        return self.conflict_decision == self.ConflictDecision.EXCLUDE

    @property
    def awaiting_decision(self) -> bool:
        return self.declaration == self.Declaration.INTEREST and not self.conflict_decision

    @property
    def conflict_summary(self) -> str:
        if self.declaration == self.Declaration.PENDING:
            return "Not yet declared"
        if self.declaration == self.Declaration.NONE:
            return "No action needed"
        if self.is_excluded:
            return "Excluded from the evaluation"
        if self.conflict_decision == self.ConflictDecision.MITIGATE:
            return f"Allowed with mitigation: {self.mitigation}"
        return "Waiting for the lead's decision"


def _scoresheet_visible(organisation: Organisation, prefix: str) -> Q:
    p = f"{prefix}__" if prefix else ""
    return Q(**{f"{p}evaluator__organisation": organisation}) | Q(
        **{f"{p}submitted_at__isnull": False, f"{p}evaluator__tender__commission__lead": organisation}
    )


class ScoreSheet(models.Model):
    """One evaluator's scores for one bid. Private to the evaluator until they submit it (views check the person;
    the organisation filter keeps the lead out until then)."""

    evaluator = models.ForeignKey(Evaluator, on_delete=models.CASCADE, related_name="sheets")
    # Addressed in URLs and the API by a random id, so nothing about bidding volume leaks (the pk stays internal).
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="sheets")
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["ScoreSheet"]()

    class Meta:
        ordering = ["bid__organisation__name", "id"]
        constraints = [models.UniqueConstraint(fields=["evaluator", "bid"], name="scoresheet_once")]

    def __str__(self) -> str:
        return f"{self.evaluator.user}'s scores for {self.bid.organisation}"

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        if organisation is None:
            return nothing()
        return _scoresheet_visible(organisation, "") & unsealed_q("bid")

    def audit_audience(self) -> list[int]:
        return sorted({self.evaluator.organisation_id, self.evaluator.tender.commission.lead_id})


class Score(models.Model):
    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="scores")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)
    justification = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager["Score"]()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sheet", "question"], name="score_once")]

    def __str__(self) -> str:
        return f"Score on {self.question_id}: {self.score}"

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        if organisation is None:
            return nothing()
        return _scoresheet_visible(organisation, "sheet") & unsealed_q("sheet__bid")

    def audit_audience(self) -> list[int]:
        return self.sheet.audit_audience()


class ModeratedScore(models.Model):
    """The panel's agreed score for one bid on one question, with a note; weighted totals come from these."""

    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="moderated_scores")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)
    note = models.TextField()
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["ModeratedScore"]()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bid", "question"], name="moderated_score_once")]

    def __str__(self) -> str:
        return f"Moderated score on {self.question_id}: {self.score}"

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        if organisation is None:
            return nothing()
        return unsealed_q("bid") & (_lead_q(organisation, "bid__tender") | _on_panel(organisation, "bid__tender"))

    def audit_audience(self) -> list[int]:
        return [self.bid.tender.commission.lead_id]


# ---------------------------------------------------------------------------------------------------------------
# Award
# ---------------------------------------------------------------------------------------------------------------


class RecommendationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Waiting for approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class AwardRecommendation(models.Model):
    """The panel's recommendation: the ranking (a snapshot), the recommended bid for each lot (or the tender), its
    annual value and the per-partner split. Approved by the board where there is one, else by the lead."""

    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="recommendations")
    status = models.CharField(max_length=10, choices=RecommendationStatus.choices, default=RecommendationStatus.DRAFT)
    ranking = models.JSONField(default=list, help_text="The ranked bids with weighted scores, as recommended")
    rationale = models.TextField(blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by_name = models.CharField(max_length=200, blank=True)
    approval_route = models.CharField(max_length=100, blank=True)
    board_decision_id = models.PositiveBigIntegerField(null=True, blank=True)

    objects = TenantManager["AwardRecommendation"]()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Award recommendation for {self.tender}"

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        if organisation is None:
            return nothing()
        return _commission_visible(organisation, "tender__commission") | _on_panel(organisation, "tender")

    def audit_audience(self) -> list[int]:
        return self.tender.audit_audience()


class AwardLine(models.Model):
    """One recommended award: a bid (for a lot, or the whole tender) at an annual value, with each partner's share
    of each financial year (``shares``: [{organisation_id, organisation, financial_year, amount}])."""

    recommendation = models.ForeignKey(AwardRecommendation, on_delete=models.CASCADE, related_name="lines")
    lot = models.ForeignKey(Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="+")
    annual_value = MoneyField(validators=[MinValueValidator(0)])
    shares = models.JSONField(default=list)

    objects = TenantManager["AwardLine"]()

    class Meta:
        ordering = ["lot__number", "id"]

    def __str__(self) -> str:
        return f"Award line {self.pk}: {self.annual_value}"

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        if organisation is None:
            return nothing()
        return _commission_visible(organisation, "recommendation__tender__commission") | _on_panel(
            organisation, "recommendation__tender"
        )

    def audit_audience(self) -> list[int]:
        return self.recommendation.audit_audience()


class AwardLetter(models.Model):
    """The letter each bidder receives after approval: successful or not, with their own scores and the winning
    bid's relative advantages."""

    bid = models.OneToOneField(Bid, on_delete=models.PROTECT, related_name="letter")
    successful = models.BooleanField()
    content = models.JSONField()
    sent_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["AwardLetter"]()

    class Meta:
        ordering = ["-successful", "bid__organisation__name"]

    def __str__(self) -> str:
        return f"Award letter for bid {self.bid_id}"

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        if organisation is None:
            return nothing()
        return Q(bid__organisation=organisation) | _lead_q(organisation, "bid__tender")

    def audit_audience(self) -> list[int]:
        return sorted({self.bid.organisation_id, self.bid.tender.commission.lead_id})


# ---------------------------------------------------------------------------------------------------------------
# Contracts
# ---------------------------------------------------------------------------------------------------------------


class Contract(models.Model):
    """The signed contract: provider, value per year, each partner's share of each year (reconciling to the
    commission's contributions to the penny), start and end, documents, signed date. Awarded contracts are
    published (transparency): the public sees the contract's headline, not its documents or split."""

    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="contracts")
    commission = models.ForeignKey(JointCommission, on_delete=models.PROTECT, related_name="contracts")
    award_line = models.OneToOneField(AwardLine, on_delete=models.PROTECT, related_name="contract")
    lot = models.ForeignKey(Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="contracts_held")
    title = models.CharField(max_length=200)
    reference = models.CharField(max_length=60, blank=True)
    annual_value = MoneyField(validators=[MinValueValidator(0)])
    start_date = models.DateField()
    end_date = models.DateField()
    signed_on = models.DateField()
    signed_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["Contract"]()

    class Meta:
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gt=models.F("start_date")), name="contract_dates"),
        ]

    def __str__(self) -> str:
        return f"{self.title}: {self.provider}"

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        if organisation is None:
            return Q(pk__isnull=False)  # published headline (views show only the headline to the public)
        return Q(provider=organisation) | _commission_visible(organisation, "commission")

    def audit_audience(self) -> list[int]:
        return sorted({self.provider_id, *self.commission.audit_audience()})

    @property
    def total_value(self) -> Decimal:
        return sum((s.amount for s in self.shares.all()), Decimal("0"))


class ContractShare(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="shares")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    financial_year = models.PositiveSmallIntegerField()
    amount = MoneyField(validators=[MinValueValidator(0)])

    objects = TenantManager["ContractShare"]()

    class Meta:
        ordering = ["financial_year", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "organisation", "financial_year"], name="contract_share_once"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="contract_share_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.financial_year}: {self.amount}"

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        if organisation is None:
            return nothing()
        return Q(contract__provider=organisation) | _commission_visible(organisation, "contract__commission")

    def audit_audience(self) -> list[int]:
        return self.contract.audit_audience()


class ContractDocument(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=200)
    file = PrivateFileField()
    original_filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    added_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["ContractDocument"]()

    class Meta:
        ordering = ["added_at", "id"]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        if organisation is None:
            return nothing()
        return Q(contract__provider=organisation) | _commission_visible(organisation, "contract__commission")

    def audit_audience(self) -> list[int]:
        return self.contract.audit_audience()
