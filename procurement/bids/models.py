"""Bids (sealed until the deadline), their answers, prices, partners, attachments and submitted versions, and
the provider's profile that bids draw on.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from core.files import PrivateFileField
from core.money import MoneyField
from core.tenancy import TenantManager, nothing
from partners.models import Organisation, User
from procurement.tenders.models import Lot, OwnOrganisation, Question, Stage, Tender, lead_q, on_panel_q

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
        unsealed_q(prefix) & (lead_q(organisation, tender) | on_panel_q(organisation, tender))
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


class SocialValueKind(models.TextChoices):
    LOCAL_JOBS = "local_jobs", "Local jobs"
    APPRENTICESHIPS = "apprenticeships", "Apprenticeships"
    VOLUNTEERING_HOURS = "volunteering_hours", "Volunteering hours"
    MONEY_REINVESTED = "money_reinvested", "Money reinvested locally"
    OTHER = "other", "Other"


# The unit a commitment of each kind is usually counted in (the bidder may say otherwise).
SOCIAL_VALUE_UNITS = {
    SocialValueKind.LOCAL_JOBS: "jobs",
    SocialValueKind.APPRENTICESHIPS: "apprenticeships",
    SocialValueKind.VOLUNTEERING_HOURS: "hours",
    SocialValueKind.MONEY_REINVESTED: "£",
    SocialValueKind.OTHER: "",
}
SOCIAL_VALUE_MAX_TARGET = 1_000_000_000  # per year: far above any real promise, well inside the column


class BidSocialValue(BidChild):
    """A social value commitment a bid makes (seed 004): a kind, a target per year with its unit, and what it means.
    Part of the working copy (the bidder's alone) and of the sealed submitted version; the winning bid's
    commitments become contract KPIs in monitoring."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="social_value")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=20, choices=SocialValueKind.choices)
    description = models.CharField("What you commit to", max_length=300)
    target = models.DecimalField(
        "Target per year",
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(SOCIAL_VALUE_MAX_TARGET)],
    )
    unit = models.CharField(max_length=40, help_text="For example jobs, hours or £")

    objects = TenantManager["BidSocialValue"]()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target__gte=0) & Q(target__lte=SOCIAL_VALUE_MAX_TARGET), name="bid_social_value_bounded"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.target} {self.unit} a year"


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

    objects = TenantManager["BidVersion"](via="bid")  # visible exactly when its bid is

    class Meta:
        ordering = ["bid", "number"]
        constraints = [models.UniqueConstraint(fields=["bid", "number"], name="bid_version_number_unique")]

    def __str__(self) -> str:
        return f"Version {self.number} of {self.bid}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise RuntimeError("A submitted version cannot be changed")
        super().save(*args, **kwargs)
