"""The end of the contract: the review (what was achieved, lessons, feedback to the provider), decommissioning
steps, and outcomes tracked beyond the contract. Visible to whoever sees the contract.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from commissioning.models import Outcome
from core.tenancy import TenantManager
from monitoring.scope import ContractChild
from partners.models import User
from procurement.award.models import Contract


class ReviewStatus(models.TextChoices):
    OPEN = "open", "In progress"
    FEEDBACK_GIVEN = "feedback_given", "Feedback given"
    CLOSED = "closed", "Closed"


DEFAULT_DECOMMISSIONING_STEPS = (
    "Tell service users and referrers when the service ends, and where to go instead",
    "Agree the transfer or secure deletion of service users' records",
    "Reconcile the final payment with every partner's share",
    "Return or transfer equipment and premises funded by the contract",
    "Publish the end of the contract",
)


class EndReview(ContractChild):
    """The end-of-contract review: what was achieved, lessons, feedback to the provider (required before
    closing), decommissioning steps, and whether outcomes are tracked beyond the contract."""

    contract = models.OneToOneField(Contract, on_delete=models.PROTECT, related_name="end_review")
    status = models.CharField(max_length=15, choices=ReviewStatus.choices, default=ReviewStatus.OPEN)
    summary = models.TextField("What the contract achieved", blank=True)
    lessons = models.TextField("Lessons for future commissioning", blank=True)
    feedback = models.TextField("Feedback to the provider", blank=True)
    feedback_given_at = models.DateTimeField(null=True, blank=True)
    feedback_given_by_name = models.CharField(max_length=200, blank=True)
    track_outcomes = models.BooleanField("Track outcomes after the contract ends", default=False)
    started_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager["EndReview"](via="contract")

    def __str__(self) -> str:
        return f"End of contract review: {self.contract.title}"


class DecommissioningStep(models.Model):
    review = models.ForeignKey(EndReview, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=300)
    owner_name = models.CharField("Owner", max_length=200, blank=True)
    due_on = models.DateField(null=True, blank=True)
    done_on = models.DateField(null=True, blank=True)
    not_needed = models.BooleanField(default=False)
    note = models.TextField(blank=True)

    objects = TenantManager["DecommissioningStep"](via="review")

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(not_needed=False) | ~Q(note=""), name="decommissioning_step_not_needed_says_why"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_settled(self) -> bool:
        return self.done_on is not None or self.not_needed


class OutcomeFollowUp(ContractChild):
    """Tracking an outcome beyond the contract's life (for example a follow-up survey a year on)."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="outcome_follow_ups")
    outcome = models.ForeignKey(Outcome, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    measure = models.CharField(max_length=300, help_text="What will be checked, and how")
    due_on = models.DateField()
    finding = models.TextField(blank=True)
    recorded_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["OutcomeFollowUp"](via="contract")

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.measure
