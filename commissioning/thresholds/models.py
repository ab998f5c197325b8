"""A partnership's own dated threshold tiers, and the ``Tier`` value every reader works with (local rows and the
statutory figures alike)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from commissioning.service_map.models import PartnershipScoped
from core.money import MoneyField, format_gbp
from core.tenancy import TenantManager
from partners.models import Partnership, User

# Bounds for every tier figure: no threshold is above £100m.
MAX_TIER_VALUE = Decimal("100000000.00")


class TierKind(models.TextChoices):
    SMALL_GRANTS = "small_grants", "Small grants (left as they are)"
    FRAMEWORK = "framework", "Framework threshold (quotations below it)"
    NOTIFIABLE = "notifiable", "Notifiable below-threshold contract (Procurement Act 2023, s.86-88)"
    STANDARD = "standard", "Procurement Act 2023 threshold: goods and services (sub-central authorities)"
    LIGHT_TOUCH = "light_touch", "Procurement Act 2023 threshold: light-touch services (Schedule 1)"
    WORKS = "works", "Procurement Act 2023 threshold: works"


LOCAL_KINDS = (TierKind.SMALL_GRANTS, TierKind.FRAMEWORK)
STATUTORY_KINDS = (TierKind.NOTIFIABLE, TierKind.STANDARD, TierKind.LIGHT_TOUCH, TierKind.WORKS)


@dataclass(frozen=True)
class Tier:
    """One figure in force: where a tier starts (a value equal to it is at the tier), incl. VAT."""

    kind: str
    value: Decimal
    effective_from: dt.date | None
    effective_to: dt.date | None
    note: str
    statutory: bool
    pk: int | None = None

    @property
    def label(self) -> str:
        return str(TierKind(self.kind).label)

    @property
    def figure(self) -> str:
        return format_gbp(self.value)

    def in_force(self, on: dt.date) -> bool:
        return (self.effective_from is None or self.effective_from <= on) and (
            self.effective_to is None or on <= self.effective_to
        )


class ThresholdTier(PartnershipScoped):
    """A partnership's own tier (small grants, framework) from ``effective_from`` to ``effective_to`` (inclusive;
    open-ended when blank). The statutory thresholds are not rows: they are law, shipped in ``statutory.py``."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="threshold_tiers")
    kind = models.CharField(max_length=15, choices=[(k.value, k.label) for k in LOCAL_KINDS])
    value = MoneyField(
        "Value including VAT",
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_TIER_VALUE)],
        help_text="The whole contract's value, including VAT, at which this tier starts",
    )
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager["ThresholdTier"]()

    class Meta:
        ordering = ["partnership_id", "kind", "effective_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from")),
                name="threshold_tier_dates_in_order",
            ),
            models.CheckConstraint(condition=Q(value__gt=0), name="threshold_tier_value_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {format_gbp(self.value)} from {self.effective_from:%d %B %Y}"

    def as_tier(self) -> Tier:
        return Tier(
            kind=self.kind,
            value=self.value,
            effective_from=self.effective_from,
            effective_to=self.effective_to,
            note=self.note,
            statutory=False,
            pk=self.pk,
        )
