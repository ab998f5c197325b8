"""Pure checks and computations of the evaluation (they read, never write): candidates for the panel, score
checks, what stops a sheet or moderation, and the evaluation's results.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Q,
)

from commissioning.models import (
    Participation,
    ParticipationStatus,
)
from core.errors import DomainError
from partners.models import THIRD_SECTOR_KINDS, Membership, Role
from procurement.bids.models import (
    Bid,
    BidStatus,
)
from procurement.evaluation import scoring
from procurement.evaluation.models import Evaluator, ModeratedScore, Score, ScoreSheet
from procurement.tenders.models import (
    Criterion,
    EvaluationMethod,
    Question,
    Stage,
    Tender,
)

# --- the evaluation panel -----------------------------------------------------------------------------------------

# A check reads the whole record, whoever asks: it answers with problems, never with rows.
WHOLE_RECORD = "a check reads the whole record, whoever asks; it answers with problems, not rows"


def evaluator_candidates(tender: Tender) -> list[Membership]:
    """People who may sit on the panel: evaluators of the partners taking part and, where the tender allows,
    of third-sector organisations (for example the council for voluntary service)."""
    partners = (
        Participation.objects.unscoped(reason="the panel may be drawn from every partner organisation's people")
        .filter(commission_id=tender.commission_id, status=ParticipationStatus.ACCEPTED)
        .values("organisation_id")
    )
    qs = Membership.objects.unscoped(reason="the panel may be drawn from every partner organisation's people").filter(
        is_active=True, roles__contains=[Role.EVALUATOR]
    )
    where = Q(organisation_id__in=partners)
    if tender.allow_third_sector_evaluators:
        where |= Q(organisation__kind__in=list(THIRD_SECTOR_KINDS))
    taken = Evaluator.objects.unscoped(reason=WHOLE_RECORD).filter(tender=tender).values("user_id")
    return list(
        qs.filter(where)
        .exclude(user_id__in=taken)
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__full_name")
    )


# --- scoring and moderation -----------------------------------------------------------------------------------------


def scored_questions(tender: Tender) -> list[Question]:
    return list(
        Question.objects.unscoped(reason=WHOLE_RECORD)
        .filter(method__tender=tender, stage=Stage.FULL)
        .order_by("number")
    )


def check_score(question: Question, max_score: int, score: Any, passed: Any) -> tuple[int | None, bool | None]:
    if question.pass_fail:
        if passed in (None, ""):
            return None, None
        return None, bool(passed) if not isinstance(passed, str) else passed in ("1", "true", "pass", "yes")
    if score in (None, ""):
        return None, None
    try:
        value = int(score)
    except (TypeError, ValueError) as exc:
        raise DomainError(f"Question {question.number}: choose a score from 0 to {max_score}") from exc
    if not 0 <= value <= max_score:
        raise DomainError(f"Question {question.number}: the score must be from 0 to {max_score}")
    return value, None


def sheet_problems(sheet: ScoreSheet) -> list[str]:
    tender = sheet.evaluator.tender
    got = {s.question_id: s for s in Score.objects.unscoped(reason=WHOLE_RECORD).filter(sheet=sheet)}
    problems = []
    for q in scored_questions(tender):
        if q.criterion_id is None and not q.pass_fail:
            continue
        s = got.get(q.pk)
        if s is None or (q.pass_fail and s.passed is None) or (not q.pass_fail and s.score is None):
            problems.append(f"Score question {q.number}")
        elif not s.justification.strip():
            problems.append(f"Justify your score for question {q.number}")
    return problems


def moderation_problems(tender: Tender) -> list[str]:
    problems: list[str] = []
    evaluators = [
        e
        for e in Evaluator.objects.unscoped(reason=WHOLE_RECORD).filter(tender=tender).select_related("user")
        if not e.is_excluded
    ]
    if not any(e.is_cleared for e in evaluators):
        problems.append("No evaluator is cleared to score")
    for e in evaluators:
        if e.declaration == Evaluator.Declaration.PENDING:
            problems.append(f"{e.user} has not declared their interests")
        elif e.awaiting_decision:
            problems.append(f"Decide on {e.user}'s declared interest")
    open_sheets = (
        ScoreSheet.objects.unscoped(reason="counting evaluators' unsubmitted sheets, which the lead may not read")
        .filter(evaluator__tender=tender, submitted_at__isnull=True)
        .count()
    )
    if open_sheets:
        problems.append(f"{open_sheets} score sheet{'s are' if open_sheets != 1 else ' is'} not submitted yet")
    bids = (
        Bid.objects.unscoped(reason=WHOLE_RECORD)
        .filter(tender=tender, stage=Stage.FULL, status=BidStatus.SUBMITTED)
        .count()
    )
    questions = [q for q in scored_questions(tender) if q.pass_fail or q.criterion_id is not None]
    moderated = (
        ModeratedScore.objects.unscoped(reason=WHOLE_RECORD)
        .filter(bid__tender=tender, bid__stage=Stage.FULL, bid__status=BidStatus.SUBMITTED)
        .count()
    )
    missing = bids * len(questions) - moderated
    if missing > 0:
        problems.append(f"{missing} moderated score{'s are' if missing != 1 else ' is'} still to agree")
    return problems


@dataclass
class Evaluation:
    criteria: list[scoring.CriterionSpec]
    questions: list[Question]
    results: list[scoring.BidResult]
    max_score: int
    formula: str
    by_bid: dict[int, scoring.BidResult] = field(default_factory=dict)


def evaluation_results(tender: Tender) -> Evaluation:
    """Weighted totals from moderated scores and the price formula, ranked (per lot). Reads through the tenant
    scope: before the deadline it sees no bids."""
    method = EvaluationMethod.objects.filter(tender=tender).first()
    if method is None:  # no method, nothing to rank by: an empty evaluation ("not set yet"), not an error
        return Evaluation(criteria=[], questions=[], results=[], max_score=0, formula="")
    criteria_rows = list(Criterion.objects.filter(method=method))
    questions = list(Question.objects.filter(method=method, stage=Stage.FULL).order_by("number"))
    criteria = [scoring.CriterionSpec(c.pk, c.kind, c.name, c.weight) for c in criteria_rows]
    specs = [scoring.QuestionSpec(q.pk, q.criterion_id, q.weight, q.pass_fail) for q in questions]
    bids = list(
        Bid.objects.filter(
            tender=tender,
            stage=Stage.FULL,
            status__in=[BidStatus.SUBMITTED, BidStatus.SUCCESSFUL, BidStatus.UNSUCCESSFUL],
        ).select_related("organisation", "current_version")
    )
    moderated: dict[int, dict[int, ModeratedScore]] = {}
    for m in ModeratedScore.objects.filter(bid__in=[b.pk for b in bids]):
        moderated.setdefault(m.bid_id, {})[m.question_id] = m
    inputs = [
        scoring.BidInput(
            bid_id=b.pk,
            name=b.organisation.name,
            annual_price=b.current_version.annual_price if b.current_version else None,
            scores={qid: m.score for qid, m in moderated.get(b.pk, {}).items()},
            passes={qid: m.passed for qid, m in moderated.get(b.pk, {}).items()},
            lot_id=b.lot_id,
        )
        for b in bids
    ]
    results = scoring.evaluate(criteria, specs, inputs, max_score=method.max_score, formula=method.price_formula)
    return Evaluation(
        criteria=criteria,
        questions=questions,
        results=results,
        max_score=method.max_score,
        formula=method.price_formula,
        by_bid={r.bid_id: r for r in results},
    )
