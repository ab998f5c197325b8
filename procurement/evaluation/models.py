"""The evaluation panel (evaluators and their declared interests), score sheets, scores and moderated scores."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.tenancy import TenantManager, nothing
from partners.models import Organisation, User
from procurement.bids.models import Bid, unsealed_q
from procurement.tenders.models import Question, Tender, commission_visible_q, lead_q, on_panel_q

# ---------------------------------------------------------------------------------------------------------------
# Evaluation
# ---------------------------------------------------------------------------------------------------------------


class Evaluator(models.Model):
    """A panel member for one tender: an officer of a partner organisation or a third-sector representative. They
    declare their interests before seeing any bid; the lead decides on each declared conflict."""

    class Declaration(models.TextChoices):
        PENDING = "pending", "Not yet declared"
        NONE = "none", "No interest"
        INTEREST = "interest", "Interest declared"

    class ConflictDecision(models.TextChoices):
        NONE = "", "No decision needed"
        EXCLUDE = "exclude", "Excluded from the evaluation"
        MITIGATE = "mitigate", "Allowed, with mitigation"

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="evaluators")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    role_title = models.CharField(max_length=200, blank=True)
    is_third_sector_rep = models.BooleanField(default=False)
    declaration = models.CharField(max_length=10, choices=Declaration.choices, default=Declaration.PENDING)
    interest = models.TextField(blank=True)
    declared_at = models.DateTimeField(null=True, blank=True)
    conflict_decision = models.CharField(max_length=10, choices=ConflictDecision.choices, blank=True, default="")
    mitigation = models.TextField(blank=True)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    added_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["Evaluator"]()

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "user"], name="evaluator_once_per_tender"),
            models.CheckConstraint(
                condition=~Q(declaration="interest") | ~Q(interest=""), name="evaluator_interest_described"
            ),
            models.CheckConstraint(
                condition=~Q(conflict_decision="mitigate") | ~Q(mitigation=""), name="evaluator_mitigation_described"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.organisation})"

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        if organisation is None:
            return nothing()
        return Q(organisation=organisation) | commission_visible_q(organisation, "tender__commission")

    def audit_audience(self) -> list[int]:
        return sorted({self.organisation_id, *self.tender.commission.audit_audience()})

    @property
    def is_cleared(self) -> bool:
        """May see the bids: declared, and any declared interest decided and not excluded."""
        if self.declaration == self.Declaration.NONE:
            return True
        return (
            self.declaration == self.Declaration.INTEREST and self.conflict_decision == self.ConflictDecision.MITIGATE
        )

    @property
    def is_excluded(self) -> bool:
        return self.conflict_decision == self.ConflictDecision.EXCLUDE

    @property
    def awaiting_decision(self) -> bool:
        return self.declaration == self.Declaration.INTEREST and not self.conflict_decision

    @property
    def conflict_summary(self) -> str:
        if self.declaration == self.Declaration.PENDING:
            return "Not yet declared"
        if self.declaration == self.Declaration.NONE:
            return "No action needed"
        if self.is_excluded:
            return "Excluded from the evaluation"
        if self.conflict_decision == self.ConflictDecision.MITIGATE:
            return f"Allowed with mitigation: {self.mitigation}"
        return "Waiting for the lead's decision"


def _scoresheet_visible(organisation: Organisation, prefix: str) -> Q:
    p = f"{prefix}__" if prefix else ""
    return Q(**{f"{p}evaluator__organisation": organisation}) | Q(
        **{f"{p}submitted_at__isnull": False, f"{p}evaluator__tender__commission__lead": organisation}
    )


class ScoreSheet(models.Model):
    """One evaluator's scores for one bid. Private to the evaluator until they submit it (views check the person;
    the organisation filter keeps the lead out until then)."""

    evaluator = models.ForeignKey(Evaluator, on_delete=models.CASCADE, related_name="sheets")
    # Addressed in URLs and the API by a random id, so nothing about bidding volume leaks (the pk stays internal).
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="sheets")
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["ScoreSheet"]()

    class Meta:
        ordering = ["bid__organisation__name", "id"]
        constraints = [models.UniqueConstraint(fields=["evaluator", "bid"], name="scoresheet_once")]

    def __str__(self) -> str:
        return f"{self.evaluator.user}'s scores for {self.bid.organisation}"

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        if organisation is None:
            return nothing()
        return _scoresheet_visible(organisation, "") & unsealed_q("bid")

    def audit_audience(self) -> list[int]:
        return sorted({self.evaluator.organisation_id, self.evaluator.tender.commission.lead_id})


class Score(models.Model):
    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="scores")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)
    justification = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager["Score"](via="sheet")  # visible exactly when its sheet is

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sheet", "question"], name="score_once")]

    def __str__(self) -> str:
        return f"Score on {self.question_id}: {self.score}"


class ModeratedScore(models.Model):
    """The panel's agreed score for one bid on one question, with a note; weighted totals come from these."""

    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="moderated_scores")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)
    note = models.TextField()
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager["ModeratedScore"]()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bid", "question"], name="moderated_score_once")]

    def __str__(self) -> str:
        return f"Moderated score on {self.question_id}: {self.score}"

    @classmethod
    def tenant_filter(cls, organisation: Organisation | None) -> Q:
        if organisation is None:
            return nothing()
        return unsealed_q("bid") & (lead_q(organisation, "bid__tender") | on_panel_q(organisation, "bid__tender"))

    def audit_audience(self) -> list[int]:
        return [self.bid.tender.commission.lead_id]
