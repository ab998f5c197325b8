"""Data: the partnership agreement each partner signs to delegate to the lead."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone

from commissioning.commissions.models import JointCommission
from core.files import PrivateFileField
from core.tenancy import TenantManager
from partners.models import Organisation, User


class DelegationScope(models.TextChoices):
    PROCUREMENT = "procurement", "Procurement"
    CONTRACT_MANAGEMENT = "contract_management", "Contract management"
    PERFORMANCE_MANAGEMENT = "performance_management", "Performance management"


class PartnershipAgreement(models.Model):
    """A partner's signed agreement delegating to the lead commissioner, for the commission's term."""

    commission = models.ForeignKey(JointCommission, on_delete=models.CASCADE, related_name="agreements")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="delegation_agreements")
    scopes = ArrayField(models.CharField(max_length=30, choices=DelegationScope.choices))
    signed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    signatory_name = models.CharField(max_length=150)
    signatory_authority = models.CharField(
        max_length=300, help_text="The signatory's post and the authority they sign under"
    )
    signed_on = models.DateField()
    valid_from = models.DateField()
    valid_until = models.DateField()
    document = PrivateFileField()
    original_filename = models.CharField(max_length=255)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["PartnershipAgreement"](via="commission")  # visible exactly when its commission is

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["commission", "organisation"], name="agreement_one_per_partner"),
            models.CheckConstraint(condition=~Q(scopes=[]), name="agreement_delegates_something"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} delegates to the lead of {self.commission}"

    def scope_labels(self) -> list[str]:
        labels = dict(DelegationScope.choices)
        return [str(labels.get(s, s)) for s in self.scopes]
