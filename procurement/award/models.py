"""The award recommendation and its lines, award letters, and contracts with their shares and documents."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from commissioning.models import JointCommission
from core.files import PrivateFileField
from core.money import MoneyField
from core.tenancy import TenantManager, nothing
from partners.models import Organisation, User
from procurement.bids.models import Bid
from procurement.tenders.models import Lot, Tender, commission_visible_q, lead_q, on_panel_q

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
        return commission_visible_q(organisation, "tender__commission") | on_panel_q(organisation, "tender")

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

    objects = TenantManager["AwardLine"](via="recommendation")  # visible exactly when its recommendation is

    class Meta:
        ordering = ["lot__number", "id"]

    def __str__(self) -> str:
        return f"Award line {self.pk}: {self.annual_value}"


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
        return Q(bid__organisation=organisation) | lead_q(organisation, "bid__tender")

    def audit_audience(self) -> list[int]:
        return sorted({self.bid.organisation_id, self.bid.tender.commission.lead_id})


# ---------------------------------------------------------------------------------------------------------------
# Contracts
# ---------------------------------------------------------------------------------------------------------------

REASON_LIMIT = 2000


class TerminationKind(models.TextChoices):
    EXPIRED = "expired", "Expired at the end of its term"
    EARLY_AGREEMENT = "early_agreement", "Ended early by agreement"
    EARLY_BREACH = "early_breach", "Terminated early for the provider's breach"
    EARLY_CONVENIENCE = "early_convenience", "Terminated early by the partners (no fault)"
    PROVIDER_CEASED = "provider_ceased", "Ended because the provider ceased to trade"


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
    terminated_on = models.DateField(null=True, blank=True)
    termination_kind = models.CharField(max_length=20, choices=TerminationKind.choices, blank=True)
    termination_reason = models.TextField(blank=True, validators=[MaxLengthValidator(REASON_LIMIT)])
    terminated_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = TenantManager["Contract"]()

    class Meta:
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gt=models.F("start_date")), name="contract_dates"),
            models.CheckConstraint(
                condition=(Q(terminated_on__isnull=True) & Q(termination_kind=""))
                | (Q(terminated_on__isnull=False) & ~Q(termination_kind="") & ~Q(termination_reason="")),
                name="contract_termination_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}: {self.provider}"

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        if organisation is None:
            return Q(pk__isnull=False)  # published headline (views show only the headline to the public)
        return Q(provider=organisation) | commission_visible_q(organisation, "commission")

    def audit_audience(self) -> list[int]:
        return sorted({self.provider_id, *self.commission.audit_audience()})

    @property
    def total_value(self) -> Decimal:
        """The value over the term as signed (every partner's share of every year)."""
        return sum((s.amount for s in self.shares.all()), Decimal("0"))

    @property
    def is_terminated(self) -> bool:
        return self.terminated_on is not None


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
        return Q(contract__provider=organisation) | commission_visible_q(organisation, "contract__commission")

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
        return Q(contract__provider=organisation) | commission_visible_q(organisation, "contract__commission")

    def audit_audience(self) -> list[int]:
        return self.contract.audit_audience()


class VariationKind(models.TextChoices):
    VALUE = "value", "A change to the value"
    TERM = "term", "A change to the term"
    SCOPE = "scope", "A change to the scope"


class ContractVariation(models.Model):
    """An agreed change to a signed contract (its value, term or scope), numbered in order. The value before and
    after are the contract's whole value; each partner's share of the change (``shares``) adds up to it to the
    penny."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="variations")
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=5, choices=VariationKind.choices)
    reason = models.TextField(validators=[MaxLengthValidator(REASON_LIMIT)])
    value_before = MoneyField(validators=[MinValueValidator(0)])
    value_after = MoneyField(validators=[MinValueValidator(0)])
    end_date_before = models.DateField()
    end_date_after = models.DateField()
    agreed_on = models.DateField()
    agreed_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    agreed_by_name = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["ContractVariation"]()

    class Meta:
        ordering = ["contract", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="contract_variation_number_once"),
            models.CheckConstraint(condition=Q(value_before__gte=0) & Q(value_after__gte=0), name="variation_values"),
        ]

    def __str__(self) -> str:
        return f"Variation {self.number} to {self.contract}"

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        # The public reads a variation through its contract change notice, never the record itself.
        if organisation is None:
            return nothing()
        return Q(contract__provider=organisation) | commission_visible_q(organisation, "contract__commission")

    def audit_audience(self) -> list[int]:
        return self.contract.audit_audience()

    @property
    def change(self) -> Decimal:
        return self.value_after - self.value_before


class VariationShare(models.Model):
    """One partner's share of a variation's change in value (negative for a reduction)."""

    variation = models.ForeignKey(ContractVariation, on_delete=models.CASCADE, related_name="shares")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    amount = MoneyField()

    objects = TenantManager["VariationShare"](via="variation")  # visible exactly when its variation is

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["variation", "organisation"], name="variation_share_once"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.amount}"
