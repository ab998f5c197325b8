"""Data: every change to a contribution's amount, kept (never an overwrite).

An indicative figure changes at once, its old value kept here (``kind=change``, ``status=applied``). A confirmed or
transferred figure changes only through a variation (``kind=variation``): proposed with a reason and the new figure,
it stays ``pending`` -- the old figure standing in every total -- until a commissioner or finance officer of the
contributing partner re-confirms it (``applied``), or it is withdrawn."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from commissioning.commissions.models import Contribution
from core.money import MoneyField, format_gbp
from core.tenancy import TenantManager
from partners.models import User


class ChangeKind(models.TextChoices):
    CHANGE = "change", "Indicative amount changed"
    VARIATION = "variation", "Variation"


class ChangeStatus(models.TextChoices):
    PENDING = "pending", "Awaiting re-confirmation"
    APPLIED = "applied", "Applied"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ContributionChange(models.Model):
    """One change to one contribution's amount: old, new, who, when, why."""

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=10, choices=ChangeKind.choices)
    status = models.CharField(max_length=10, choices=ChangeStatus.choices, default=ChangeStatus.APPLIED)
    old_amount = MoneyField(validators=[MinValueValidator(0)])
    new_amount = MoneyField(validators=[MinValueValidator(0)])
    reason = models.TextField(max_length=1000, blank=True)
    proposed_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    proposed_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager["ContributionChange"](via="contribution")  # visible exactly when its contribution is

    class Meta:
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contribution"], condition=Q(status="pending"), name="contribution_one_pending_variation"
            ),
            models.CheckConstraint(
                condition=Q(old_amount__gte=0, new_amount__gte=0), name="contribution_change_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(kind="variation") | Q(status="applied"), name="contribution_change_only_variations_wait"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {format_gbp(self.old_amount)} to {format_gbp(self.new_amount)}"

    @property
    def is_pending(self) -> bool:
        return self.status == ChangeStatus.PENDING

    # The figures follow the contribution's reading rules (core.audit): participants see that a variation moved,
    # only those who may read the contribution see how much.
    audit_sensitive_fields = ("amount", "from", "to")

    def audit_repr(self) -> str:
        return f"{self.contribution.audit_repr()}: {self.get_kind_display().lower()}"

    def audit_restricted_readers(self) -> list[str]:
        return self.contribution.audit_restricted_readers()
