"""Data: a joint commission's risk register."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from commissioning.commissions.models import JointCommission
from core.tenancy import TenantManager
from partners.models import Organisation, User

SCALE = range(1, 6)


class Likelihood(models.IntegerChoices):
    RARE = 1, "1 Rare"
    UNLIKELY = 2, "2 Unlikely"
    POSSIBLE = 3, "3 Possible"
    LIKELY = 4, "4 Likely"
    ALMOST_CERTAIN = 5, "5 Almost certain"


class Impact(models.IntegerChoices):
    NEGLIGIBLE = 1, "1 Negligible"
    MINOR = 2, "2 Minor"
    MODERATE = 3, "3 Moderate"
    SIGNIFICANT = 4, "4 Significant"
    SEVERE = 5, "5 Severe"


class RiskStatus(models.TextChoices):
    OPEN = "open", "Open"
    MANAGED = "managed", "Managed"
    CLOSED = "closed", "Closed"


class Risk(models.Model):
    """One risk to a joint commission. ``score`` is likelihood x impact, computed by the database, never typed."""

    commission = models.ForeignKey(JointCommission, on_delete=models.CASCADE, related_name="risks")
    reference = models.PositiveSmallIntegerField(help_text="A, B, C ... in the order risks were added (1 = A)")
    description = models.CharField(max_length=500)
    likelihood = models.PositiveSmallIntegerField(
        choices=Likelihood.choices, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    impact = models.PositiveSmallIntegerField(
        choices=Impact.choices, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    score = models.GeneratedField(
        expression=F("likelihood") * F("impact"), output_field=models.PositiveSmallIntegerField(), db_persist=True
    )
    status = models.CharField(max_length=10, choices=RiskStatus.choices, default=RiskStatus.OPEN)
    owner = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    owner_organisation = models.ForeignKey(Organisation, null=True, on_delete=models.SET_NULL, related_name="+")
    countermeasure = models.TextField(max_length=2000, blank=True)
    review_date = models.DateField()
    # The review date a reminder was last sent for: one reminder per risk per review date, however often the
    # schedule runs.
    reminded_for = models.DateField(null=True, blank=True, editable=False)
    closed_reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager["Risk"](via="commission")  # visible exactly when its commission is

    class Meta:
        ordering = ["commission", "reference"]
        constraints = [
            models.CheckConstraint(condition=Q(likelihood__gte=1, likelihood__lte=5), name="risk_likelihood_1_to_5"),
            models.CheckConstraint(condition=Q(impact__gte=1, impact__lte=5), name="risk_impact_1_to_5"),
            models.UniqueConstraint(fields=["commission", "reference"], name="risk_reference_unique"),
        ]

    def __str__(self) -> str:
        return f"Risk {self.letter}: {self.description[:60]}"

    @property
    def letter(self) -> str:
        """A, B, ..., Z, AA, AB ... as the seed's register names its risks."""
        n, out = self.reference, ""
        while n > 0:
            n, r = divmod(n - 1, 26)
            out = chr(65 + r) + out
        return out or "?"

    @property
    def is_closed(self) -> bool:
        return self.status == RiskStatus.CLOSED
