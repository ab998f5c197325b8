"""Reads for the panel, the score sheets and the moderation grid."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    Q,
    QuerySet,
)

from procurement.bids.models import RECEIVED, Bid, BidStatus
from procurement.evaluation.models import Evaluator, ModeratedScore, Score, ScoreSheet
from procurement.tenders.models import (
    Question,
    Stage,
    Tender,
)

# --- the panel and the evaluation -------------------------------------------------------------------------------


def panel_of(*, tender: Tender) -> list[Evaluator]:
    return list(
        Evaluator.objects.filter(tender=tender)
        .select_related("user", "organisation", "decided_by")
        .annotate(
            sheets_total=Count("sheets", distinct=True),
            sheets_submitted=Count("sheets", filter=Q(sheets__submitted_at__isnull=False), distinct=True),
        )
        .order_by("added_at", "pk")
    )


def seats_of(*, user: Any) -> QuerySet[Evaluator]:
    return Evaluator.objects.filter(user=user).select_related("tender__commission__lead").order_by("-added_at")


def sheets_of(*, evaluator: Evaluator) -> QuerySet[ScoreSheet]:
    return (
        ScoreSheet.objects.filter(evaluator=evaluator)
        .select_related("bid__organisation", "bid__lot")
        .annotate(scored=Count("scores", filter=Q(scores__score__isnull=False) | Q(scores__passed__isnull=False)))
        .order_by("bid__organisation__name", "pk")
    )


def bidder_names(*, tender: Tender) -> list[str]:
    """Who bid (names only), for panel members declaring interests. Sealed: empty before the deadline."""
    return list(
        Bid.objects.filter(tender=tender, stage=Stage.FULL, status__in=RECEIVED)
        .order_by("organisation__name")
        .values_list("organisation__name", flat=True)
    )


@dataclass
class Cell:
    bid: Bid
    question: Question
    scores: list[Score]
    moderated: ModeratedScore | None

    @property
    def low(self) -> int | None:
        values = [s.score for s in self.scores if s.score is not None]
        return min(values) if values else None

    @property
    def high(self) -> int | None:
        values = [s.score for s in self.scores if s.score is not None]
        return max(values) if values else None

    @property
    def spread(self) -> int | None:
        return None if self.low is None or self.high is None else self.high - self.low

    @property
    def passes(self) -> str:
        return ", ".join("pass" if s.passed else "fail" for s in self.scores if s.passed is not None)


def moderation_grid(*, tender: Tender) -> tuple[list[Bid], list[Question], dict[tuple[int, int], Cell]]:
    """Every (bid, question): the submitted scores (never a sheet still being filled in), their spread, and the
    moderated score. A fixed number of queries."""
    bids = list(
        Bid.objects.filter(
            tender=tender,
            stage=Stage.FULL,
            status__in=[BidStatus.SUBMITTED, BidStatus.SUCCESSFUL, BidStatus.UNSUCCESSFUL],
        )
        .select_related("organisation", "lot", "current_version")
        .order_by("organisation__name", "pk")
    )
    questions = list(Question.objects.filter(method__tender=tender, stage=Stage.FULL).order_by("number"))
    scores = Score.objects.filter(
        sheet__bid__in=[b.pk for b in bids], sheet__submitted_at__isnull=False
    ).select_related("sheet__evaluator__user")
    by_cell: dict[tuple[int, int], list[Score]] = {}
    for s in scores:
        by_cell.setdefault((s.sheet.bid_id, s.question_id), []).append(s)
    moderated = {(m.bid_id, m.question_id): m for m in ModeratedScore.objects.filter(bid__in=[b.pk for b in bids])}
    grid = {
        (b.pk, q.pk): Cell(b, q, by_cell.get((b.pk, q.pk), []), moderated.get((b.pk, q.pk)))
        for b in bids
        for q in questions
    }
    return bids, questions, grid


def conflicts_record(tender: Tender) -> list[dict[str, str]]:
    """The panel's conflicts record, for the board pack (``core.handlers.Conflict`` rows)."""
    rows = []
    for e in (
        Evaluator.objects.unscoped(reason="the lead's record of the panel's declarations")
        .filter(tender=tender)
        .select_related("user", "organisation")
        .order_by("added_at")
    ):
        rows.append(
            {
                "person": str(e.user),
                "role": f"Evaluator{' (third-sector representative)' if e.is_third_sector_rep else ''}, {e.organisation}",
                "interest": e.interest
                if e.declaration == Evaluator.Declaration.INTEREST
                else ("None declared" if e.declaration == Evaluator.Declaration.NONE else "Not yet declared"),
                "action": e.conflict_summary,
            }
        )
    return rows
