"""KPIs, agreed collaboratively before award.

KPIs are drafted on a ``KpiSet`` that belongs to the joint commission (optionally to one lot of its tender), are
agreed by the partners there, and apply to every contract awarded for that commission (or lot): a lot's own set wins
over the commission-wide one. Nothing is copied at award, so the record of who agreed what, and when, stays with
the KPIs the contract is monitored on.

Visible to whoever sees the joint commission; once agreed, the KPIs (not the comments) are also visible to the
provider of a contract awarded under them.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from commissioning.models import JointCommission, Outcome
from core.tenancy import TenantManager, nothing
from monitoring import periods, rag
from monitoring.scope import commission_visible
from partners.models import Organisation, User
from procurement.award.models import Contract
from procurement.tenders.models import Lot


class Unit(models.TextChoices):
    COUNT = "count", "Count"
    PERCENTAGE = "percentage", "Percentage"
    MONEY = "money", "Money (£)"
    YES_NO = "yes_no", "Yes or no"


class Frequency(models.TextChoices):
    MONTHLY = periods.MONTHLY, "Monthly"
    QUARTERLY = periods.QUARTERLY, "Quarterly"
    ANNUAL = periods.ANNUAL, "Annual"


class Direction(models.TextChoices):
    HIGHER = rag.HIGHER, "Higher is better"
    LOWER = rag.LOWER, "Lower is better"


class KpiSetStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    CONSULTATION = "consultation", "With partners for agreement"
    AGREED = "agreed", "Agreed"


def _default_reminder_days() -> list[int]:
    return [7, 1]


def _kpi_set_visible(organisation: Organisation, prefix: str) -> Q:
    """A KPI set (``prefix`` is the path to it): whoever sees the commission; and, once agreed, the provider of a
    contract it applies to (the commission's, for a commission-wide set; the lot's, for a lot's own set)."""
    p = f"{prefix}__" if prefix else ""
    # The unfiltered table a row filter is built on (as in core.tenancy.row_filter), not a way around one.
    held = Contract._base_manager.filter(commission=OuterRef(f"{p}commission"), provider=organisation)
    awarded_to = (Q(**{f"{p}lot__isnull": True}) & Q(Exists(held))) | Q(Exists(held.filter(lot=OuterRef(f"{p}lot"))))
    return commission_visible(organisation, f"{p}commission") | (Q(**{f"{p}status": KpiSetStatus.AGREED}) & awarded_to)


class KpiSet(models.Model):
    """The KPIs for a joint commission (or one lot of its tender), drafted by the lead and agreed by every partner
    before award. ``version`` goes up whenever the lead reopens it: agreements count for the current version only."""

    commission = models.ForeignKey(JointCommission, on_delete=models.PROTECT, related_name="kpi_sets")
    lot = models.ForeignKey(
        Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="+", help_text="Leave empty for every lot"
    )
    title = models.CharField(max_length=200)
    return_frequency = models.CharField(
        "How often the provider sends a return",
        max_length=10,
        choices=Frequency.choices,
        default=Frequency.QUARTERLY,
    )
    return_due_days = models.PositiveSmallIntegerField(
        "Days after each period ends that the return is due",
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    reminder_days = ArrayField(
        models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(60)]),
        default=_default_reminder_days,
        help_text="Days before a return is due when the provider is reminded",
    )
    status = models.CharField(max_length=15, choices=KpiSetStatus.choices, default=KpiSetStatus.DRAFT)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    shared_at = models.DateTimeField(null=True, blank=True)
    agreed_at = models.DateTimeField(null=True, blank=True)
    agreed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    agreed_by_name = models.CharField(max_length=200, blank=True)

    objects = TenantManager["KpiSet"]()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["commission", "lot"], name="kpi_set_one_per_lot", nulls_distinct=False),
            models.CheckConstraint(condition=~Q(reminder_days=[]), name="kpi_set_has_reminder_days"),
        ]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        if organisation is None:
            return nothing()
        return _kpi_set_visible(organisation, "")

    def audit_audience(self) -> list[int]:
        ids = set(self.commission.audit_audience())
        ids.update(
            Contract.objects.unscoped(reason="the providers of the set's contracts read its history")
            .filter(commission_id=self.commission_id)
            .values_list("provider_id", flat=True)
        )
        return sorted(ids)

    @property
    def is_draft(self) -> bool:
        return self.status == KpiSetStatus.DRAFT

    @property
    def is_agreed(self) -> bool:
        return self.status == KpiSetStatus.AGREED


class Kpi(models.Model):
    """One key performance indicator: what is measured, the target each period, and how it is judged."""

    kpi_set = models.ForeignKey(KpiSet, on_delete=models.CASCADE, related_name="kpis")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=200)
    definition = models.TextField(help_text="Exactly what is counted, and how")
    unit = models.CharField(max_length=12, choices=Unit.choices, default=Unit.COUNT)
    target = models.DecimalField(max_digits=14, decimal_places=2, help_text="The target for each period")
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.QUARTERLY)
    direction = models.CharField(max_length=6, choices=Direction.choices, default=Direction.HIGHER)
    green_threshold = models.DecimalField(max_digits=14, decimal_places=2, help_text="Green at or better than this")
    red_threshold = models.DecimalField(
        max_digits=14, decimal_places=2, help_text="Red when worse than this; amber in between"
    )
    outcome = models.ForeignKey(
        Outcome,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="kpis",
        help_text="The outcome in the partnership's framework it evidences",
    )
    evidence_required = models.TextField(blank=True, help_text="What the provider must attach to evidence it")
    payment_linked = models.BooleanField("Payment depends on it", default=False)
    # Social value (seed 004): a KPI made from a commitment in the winning bid applies to that contract only.
    social_value_kind = models.CharField(
        max_length=20, blank=True, help_text="The kind of social value commitment it monitors (empty: not one)"
    )
    contract = models.ForeignKey(
        Contract,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Only this contract reports on it (a commitment its bid made); empty: every contract of the set",
    )
    social_value_unit = models.CharField(max_length=40, blank=True, help_text="What the promise counts: jobs, hours, £")
    source = models.CharField(max_length=64, blank=True, help_text="The bid commitment it was made from")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager["Kpi"](via="kpi_set")

    @property
    def is_social_value(self) -> bool:
        return bool(self.social_value_kind)

    def applies_to(self, contract_id: int) -> bool:
        return self.contract_id is None or self.contract_id == contract_id

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(direction="higher") & Q(red_threshold__lte=models.F("green_threshold")))
                | (Q(direction="lower") & Q(red_threshold__gte=models.F("green_threshold"))),
                name="kpi_thresholds_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(unit="percentage")
                | (
                    Q(target__gte=0, target__lte=100, green_threshold__gte=0, green_threshold__lte=100)
                    & Q(red_threshold__gte=0, red_threshold__lte=100)
                ),
                name="kpi_percentages_in_range",
            ),
            models.UniqueConstraint(
                fields=["contract", "source"], condition=~Q(source=""), name="kpi_one_per_commitment"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def rag_of(self, actual: Decimal | None) -> str:
        return rag.rag_for(actual=actual, direction=self.direction, green=self.green_threshold, red=self.red_threshold)


class KpiSetResponse(models.Model):
    """A partner's comment on, or agreement to, a version of the KPIs: who, for which organisation, when."""

    class Kind(models.TextChoices):
        COMMENT = "comment", "Comment"
        AGREE = "agree", "Agreed"

    kpi_set = models.ForeignKey(KpiSet, on_delete=models.CASCADE, related_name="responses")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    text = models.TextField(blank=True)
    version = models.PositiveIntegerField()
    by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    by_name = models.CharField(max_length=200)
    at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["KpiSetResponse"]()

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind="agree") | ~Q(text=""), name="kpi_response_comment_has_text"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_kind_display().lower()} (version {self.version})"

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        if organisation is None:
            return nothing()
        return commission_visible(organisation, "kpi_set__commission")

    def audit_audience(self) -> list[int]:
        return self.kpi_set.commission.audit_audience()
