"""Data: a grant round's decision (the ranked list and the per-application recommendations, decided by the board
or, below the programme's delegated threshold, by the lead's named officer) and the letters it sends (an offer
with conditions, or a decline with feedback).

The outcome itself lands on the application (``GrantApplication.decision``, ``amount_awarded``, ``offered_at``,
``accepted_at``, ... through ``grants.decisions.workflows.OUTCOME_WORKFLOW``), which later stages read.
"""

from __future__ import annotations

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from commissioning.models import JointCommission
from core.money import MoneyField
from core.tenancy import TenantManager, nothing
from grants.applications.models import DecisionRoute, GrantApplication
from grants.programmes.models import MAX_PROGRAMME_BUDGET, GrantProgramme
from partners.models import Organisation, User


def commission_visible_q(organisation: Organisation, commission_ref: str) -> Q:
    """Rows whose commission (``commission_ref``) ``organisation`` may see: the lead, the accountable body, partners."""
    return Q(
        Exists(
            JointCommission.objects.unscoped(reason="a visibility rule reads the whole table it filters").filter(
                JointCommission.tenant_filter(organisation), pk=OuterRef(commission_ref)
            )
        )
    )


class DecisionStatus(models.TextChoices):
    DRAFT = "draft", "Being prepared"
    WITH_BOARD = "with_board", "With the board"
    APPROVED = "approved", "Decided"
    REJECTED = "rejected", "Returned by the board"


class GrantDecision(models.Model):
    """The round's decision: who is recommended a grant, for how much and on what conditions, and who is not (with
    feedback). At or above the programme's delegated threshold (the total recommended) the board decides; below it
    the officer the lead names decides. The partners of the programme see it; applicants never do."""

    programme = models.OneToOneField(GrantProgramme, on_delete=models.PROTECT, related_name="decision_paper")
    status = models.CharField(max_length=12, choices=DecisionStatus.choices, default=DecisionStatus.DRAFT)
    officer = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The lead's officer who decides under delegation (below the threshold)",
    )
    accept_by = models.DateField(help_text="Offers not accepted by the end of this day lapse")
    summary = models.TextField(max_length=10_000, blank=True, help_text="The recommendation in a few sentences")
    route = models.CharField(max_length=10, choices=DecisionRoute.choices, blank=True, default="")
    ranking = models.JSONField(default=list, blank=True)  # the ranked list as decided (snapshot)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_by_name = models.CharField(max_length=200, blank=True)
    board_name = models.CharField(max_length=200, blank=True)
    board_decision_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager["GrantDecision"]()

    class Meta:
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return f"{self.programme}: decision"

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        if organisation is None:
            return nothing()
        return commission_visible_q(organisation, "programme__commission")

    def audit_audience(self) -> list[int]:
        return sorted(set(self.programme.commission.audit_audience()))


class GrantRecommendation(models.Model):
    """One application's line in the decision: fund it (an amount and conditions) or not (feedback)."""

    decision = models.ForeignKey(GrantDecision, on_delete=models.CASCADE, related_name="recommendations")
    application = models.ForeignKey(GrantApplication, on_delete=models.PROTECT, related_name="recommendations")
    fund = models.BooleanField()
    amount = MoneyField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(MAX_PROGRAMME_BUDGET)]
    )
    conditions = models.TextField(max_length=10_000, blank=True)
    feedback = models.TextField(max_length=10_000, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager["GrantRecommendation"](via="decision")

    class Meta:
        ordering = ["decision", "application__organisation__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "application"], name="grant_recommendation_once"),
            models.CheckConstraint(
                condition=Q(fund=False) | Q(amount__gt=0), name="grant_recommendation_funded_amount"
            ),
        ]

    def __str__(self) -> str:
        return f"{'Fund' if self.fund else 'Do not fund'}: {self.application_id}"


class LetterKind(models.TextChoices):
    OFFER = "offer", "Offer of grant"
    DECLINE = "decline", "Decline with feedback"


class GrantLetter(models.Model):
    """The letter an applicant receives after the decision: an offer with its conditions and acceptance date, or a
    decline with the panel's feedback and their scores. Read by the applicant and the programme's partners."""

    application = models.OneToOneField(GrantApplication, on_delete=models.PROTECT, related_name="letter")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=10, choices=LetterKind.choices)
    content = models.JSONField(default=dict)
    accept_by = models.DateField(null=True, blank=True)
    sent_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["GrantLetter"]()

    class Meta:
        ordering = ["sent_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(kind="offer") | Q(accept_by__isnull=False), name="grant_offer_dated")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.application.organisation}"

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        if organisation is None:
            return nothing()
        return Q(application__organisation=organisation) | commission_visible_q(
            organisation, "application__programme__commission"
        )

    def audit_audience(self) -> list[int]:
        return sorted({self.application.organisation_id, *self.application.programme.commission.audit_audience()})


class GrantOutcome(GrantApplication):
    """A decided application seen for its outcome (offer, acceptance, decline): the API's offers resource."""

    class Meta:
        proxy = True
        verbose_name = "grant outcome"

    objects = TenantManager["GrantOutcome"]()
