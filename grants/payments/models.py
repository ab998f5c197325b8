"""Data: an accepted grant's funding shares, its payment schedule (instalments) and what each partner's money paid
of each instalment.

- ``GrantFundingShare``: each funding partner's share of the award, to the penny (the award split in proportion to
  the partners' confirmed contributions to the programme's commission); fixed when the schedule is first set.
- ``GrantInstalment``: an amount and a due date; the instalments of a grant add up exactly to the award. Paying one
  records the date and the payment reference, once.
- ``InstalmentPart``: what one partner's money paid of one paid instalment. Across a grant's instalments a partner's
  parts add up exactly to its share, and each instalment's parts to the instalment.

The grant is the accepted ``GrantApplication``; the schedule is seen by whoever sees the grant (the grantee, the
lead, the panel). A partner's part and share are also seen by that partner (its finance officer sees what its money
paid), even when it does not lead the programme.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from core.money import MoneyField, format_gbp
from core.tenancy import TenantManager, audience_of, nothing
from grants.applications.models import GrantApplication
from grants.programmes.models import MAX_PROGRAMME_BUDGET
from partners.models import Organisation, User

MAX_INSTALMENTS = 24
VISIBILITY = "a visibility rule reads the whole table it filters"


def _grant_visible(organisation: Organisation, application_ref: str) -> Q:
    return Q(
        Exists(
            GrantApplication.objects.unscoped(reason=VISIBILITY).filter(
                GrantApplication.tenant_filter(organisation), pk=OuterRef(application_ref)
            )
        )
    )


class GrantFundingShare(models.Model):
    """One funding partner's share of one grant's award."""

    application = models.ForeignKey(GrantApplication, on_delete=models.CASCADE, related_name="funding_shares")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    amount = MoneyField(validators=[MinValueValidator(0), MaxValueValidator(MAX_PROGRAMME_BUDGET)])
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["GrantFundingShare"]()

    class Meta:
        ordering = ["organisation__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "organisation"], name="grant_share_once_per_partner"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="grant_share_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {format_gbp(self.amount)}"

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        if organisation is None:
            return nothing()
        return Q(organisation=organisation) | _grant_visible(organisation, "application")

    def audit_audience(self) -> list[int]:
        return sorted(set(audience_of(self.application)) | {self.organisation_id})


class InstalmentStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    PAID = "paid", "Paid"


class GrantInstalment(models.Model):
    """One payment of a grant: how much, when it is due, and (once paid) when and under which reference."""

    application = models.ForeignKey(GrantApplication, on_delete=models.CASCADE, related_name="instalments")
    number = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(MAX_INSTALMENTS)])
    amount = MoneyField(validators=[MinValueValidator(0), MaxValueValidator(MAX_PROGRAMME_BUDGET)])
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=InstalmentStatus.choices, default=InstalmentStatus.SCHEDULED)
    paid_on = models.DateField(null=True, blank=True)
    reference = models.CharField(max_length=100, blank=True, help_text="The payment reference in the ledger")
    paid_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    paid_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["GrantInstalment"](via="application")  # seen exactly when the grant is

    class Meta:
        ordering = ["application", "number"]
        constraints = [
            models.UniqueConstraint(fields=["application", "number"], name="grant_instalment_number_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="grant_instalment_positive"),
            models.CheckConstraint(
                condition=~Q(status="paid") | (Q(paid_on__isnull=False) & ~Q(reference="")),
                name="grant_instalment_paid_has_date_and_reference",
            ),
        ]

    def __str__(self) -> str:
        return f"Instalment {self.number}: {format_gbp(self.amount)} due {self.due_on:%d %B %Y}"

    @property
    def is_paid(self) -> bool:
        return self.status == InstalmentStatus.PAID


class InstalmentPart(models.Model):
    """What one partner's money paid of one instalment."""

    instalment = models.ForeignKey(GrantInstalment, on_delete=models.CASCADE, related_name="parts")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    amount = MoneyField(validators=[MinValueValidator(0), MaxValueValidator(MAX_PROGRAMME_BUDGET)])

    objects = TenantManager["InstalmentPart"]()

    class Meta:
        ordering = ["instalment", "organisation__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["instalment", "organisation"], name="instalment_part_once_per_partner"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="instalment_part_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {format_gbp(self.amount)}"

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        if organisation is None:
            return nothing()
        return Q(organisation=organisation) | _grant_visible(organisation, "instalment__application")

    def audit_audience(self) -> list[int]:
        return sorted(set(audience_of(self.instalment.application)) | {self.organisation_id})
