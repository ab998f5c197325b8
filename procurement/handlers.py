"""Board handlers (see ``core.handlers``): the commissioning board approves evaluation methods and awards.

Subjects: ``procurement.evaluation_method`` is an ``EvaluationMethod`` id; ``procurement.award_recommendation`` is an
``AwardRecommendation`` id. Every callable runs inside ``core.tenancy.unscoped`` (the board decides who sees the
item), so plain ``objects`` reads every row here.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from core import handlers
from core.errors import DomainError
from core.handlers import SubjectPaper, Table
from core.money import financial_year_label, format_gbp
from core.workflow import transition
from procurement.award import selectors as award_selectors
from procurement.award import services as award_services
from procurement.award.models import AwardLine, AwardRecommendation, RecommendationStatus
from procurement.bids.models import Bid
from procurement.evaluation import selectors as evaluation_selectors
from procurement.tenders import notices
from procurement.tenders import services as tender_services
from procurement.tenders.models import (
    Criterion,
    EvaluationMethod,
    MethodStatus,
    PriceFormula,
    Question,
    Stage,
    TenderStatus,
)
from procurement.tenders.rules import BoardActor
from procurement.workflows import TENDER_WORKFLOW

METHOD = "procurement.evaluation_method"
AWARD = "procurement.award_recommendation"
T = TenderStatus


def _board_actor(decision: Any, by: Any) -> BoardActor:
    board = decision.item.meeting.board
    return BoardActor(user=by.user, organisation=by.organisation, decision_id=decision.pk, board_name=board.name)


# --- evaluation methods -----------------------------------------------------------------------------------------


def _method(subject_id: int) -> EvaluationMethod:
    method = EvaluationMethod.objects.select_related("tender__commission").filter(pk=subject_id).first()
    if method is None:
        raise DomainError("That evaluation method does not exist")
    return method


def method_title(*, subject_id: int) -> str:
    return f"{_method(subject_id).tender.title}: evaluation method"


def method_summary(*, subject_id: int) -> SubjectPaper:
    method = _method(subject_id)
    tender = method.tender
    criteria = list(Criterion.objects.filter(method=method))
    questions = list(Question.objects.filter(method=method).select_related("criterion").order_by("stage", "number"))
    scale = "\n".join(f"{row['score']}: {row['descriptor']}" for row in method.scale)
    return {
        "headline": f"Approve the evaluation method for {tender.title} before it is published.",
        "facts": [
            ("Procedure", tender.get_procedure_display()),
            ("Who may bid", tender.get_eligibility_display()),
            ("Estimated value", f"{format_gbp(tender.estimated_annual_value)} a year for {tender.term_years} years"),
            ("Price formula", str(PriceFormula(method.price_formula).label)),
            ("Scoring scale", f"0 to {method.max_score}"),
        ],
        "tables": [
            {
                "caption": "Criteria and weights",
                "columns": ["Criterion", "Kind", "Weight"],
                "rows": [[c.name, c.get_kind_display(), f"{c.weight}%"] for c in criteria],
                "numeric": [False, False, True],
            },
            {
                "caption": "Questions",
                "columns": ["Question", "Stage", "Criterion", "Word limit", "Scoring"],
                "rows": [
                    [
                        f"{q.number}. {q.text}",
                        q.get_stage_display(),
                        q.criterion.name if q.criterion_id else "—",
                        str(q.word_limit),
                        "Pass or fail"
                        if q.pass_fail
                        else (f"Weight {q.weight}" if q.stage == Stage.FULL else "Shortlisting"),
                    ]
                    for q in questions
                ],
                "numeric": [False, False, False, True, False],
            },
        ],
        "text": f"Scoring scale descriptors:\n\n{scale}",
    }


def method_public_summary(*, subject_id: int) -> str:
    method = _method(subject_id)
    weights = ", ".join(f"{c.name} {c.weight}%" for c in Criterion.objects.filter(method=method))
    return f"The evaluation method for {method.tender.title}: {weights}."


def method_candidates(*, board: Any) -> list[tuple[int, str]]:
    methods = EvaluationMethod.objects.filter(
        status=MethodStatus.SUBMITTED, tender__commission__partnership_id=board.partnership_id
    ).select_related("tender")
    return [(m.pk, f"{m.tender.title}: evaluation method") for m in methods]


def method_check(*, subject_id: int, board: Any) -> None:
    method = _method(subject_id)
    if method.tender.commission.partnership_id != board.partnership_id:
        raise DomainError("That tender belongs to another partnership")
    if method.status != MethodStatus.SUBMITTED:
        raise DomainError("That evaluation method has not been sent to the board")


def method_decided(*, subject_id: int, outcome: str, decision: Any, by: Any) -> None:
    method = _method(subject_id)
    tender = method.tender
    actor = _board_actor(decision, by)
    if outcome == "approve":
        if method.status == MethodStatus.APPROVED:
            return
        tender_services.method_approve(tender=tender, by=actor)
    elif outcome == "reject":
        if tender.status == T.METHOD_APPROVED:
            transition(obj=tender, workflow=TENDER_WORKFLOW, name="reopen_method", by=actor)
        elif tender.status != T.DRAFT:
            raise DomainError(
                f"The tender is {tender.get_status_display().lower()}: its method can no longer be rejected"
            )
        EvaluationMethod.objects.filter(pk=method.pk).update(status=MethodStatus.DRAFT, approved_at=None)
        notices.tell_lead(
            tender,
            subject=f"{tender.title}: the board did not approve the evaluation method",
            body=decision.minute,
            key=f"method:{method.pk}:rejected:{decision.pk}",
        )
    elif outcome == "defer" and decision.corrects is not None and tender.status == T.METHOD_APPROVED:
        transition(obj=tender, workflow=TENDER_WORKFLOW, name="reopen_method", by=actor)
        EvaluationMethod.objects.filter(pk=method.pk).update(status=MethodStatus.SUBMITTED, approved_at=None)


# --- award recommendations --------------------------------------------------------------------------------------


def _recommendation(subject_id: int) -> AwardRecommendation:
    recommendation = AwardRecommendation.objects.select_related("tender__commission").filter(pk=subject_id).first()
    if recommendation is None:
        raise DomainError("That award recommendation does not exist")
    return recommendation


def award_title(*, subject_id: int) -> str:
    return f"{_recommendation(subject_id).tender.title}: award recommendation"


def _lines(recommendation: AwardRecommendation) -> list[AwardLine]:
    return list(AwardLine.objects.filter(recommendation=recommendation).select_related("bid__organisation", "lot"))


def award_summary(*, subject_id: int) -> SubjectPaper:
    recommendation = _recommendation(subject_id)
    tender = recommendation.tender
    lines = _lines(recommendation)
    criteria = list(Criterion.objects.filter(method__tender=tender))
    names = dict(Criterion.objects.filter(method__tender=tender).values_list("pk", "name"))
    headline = "; ".join(
        f"Recommend {line.bid.organisation.name}{f' for lot {line.lot.number}' if line.lot_id else ''} at "
        f"{format_gbp(line.annual_value)} a year"
        for line in lines
    )
    ranking_rows = []
    for row in recommendation.ranking:
        ranking_rows.append(
            [
                str(row["rank"] or "Not compliant"),
                row["bidder"],
                *[row["criteria"].get(str(c.pk), "0.00") for c in criteria],
                row["total"],
                format_gbp(Decimal(row["annual_price"])) if row.get("annual_price") else "—",
            ]
        )
    shares = [s for line in lines for s in line.shares]
    years, rows, totals, grand = award_selectors.shares_table(shares)
    funding: Table = {
        "caption": "Each partner's share of the contract, by financial year",
        "columns": ["Partner", *[financial_year_label(y) for y in years], "Total"],
        "rows": [[name, *[format_gbp(v) for v in values], format_gbp(total)] for name, values, total in rows]
        + [["Total", *[format_gbp(v) for v in totals], format_gbp(grand)]],
        "numeric": [False, *[True] * len(years), True],
    }
    received = Bid.objects.filter(
        tender=tender, stage=Stage.FULL, status__in=["submitted", "successful", "unsuccessful"]
    ).count()
    paper: SubjectPaper = {
        "headline": headline + ".",
        "facts": [
            ("Tender", tender.title),
            ("Bids received", str(received)),
            ("Term", f"{tender.term_years} years"),
            ("Standstill", f"{tender.standstill_days} working days"),
        ],
        "tables": [
            {
                "caption": "Ranked bids with weighted scores (from moderated scores)",
                "columns": [
                    "Rank",
                    "Bidder",
                    *[f"{names[c.pk]} ({c.weight}%)" for c in criteria],
                    "Total",
                    "Annual price",
                ],
                "rows": ranking_rows,
                "numeric": [True, False, *[True] * len(criteria), True, True],
            },
            funding,
        ],
        "charts": [
            {
                "title": "Each partner's share by financial year",
                "categories": [financial_year_label(y) for y in years],
                "series": [{"label": name, "values": values} for name, values, _ in rows],
            }
        ],
        "conflicts": evaluation_selectors.conflicts_record(tender),  # type: ignore[typeddict-item]
    }
    if recommendation.rationale:
        paper["text"] = recommendation.rationale
    return paper


def award_public_summary(*, subject_id: int) -> str:
    recommendation = _recommendation(subject_id)
    tender = recommendation.tender
    total = sum((line.annual_value for line in _lines(recommendation)), Decimal("0"))
    return f"The award recommendation for {tender.title} ({format_gbp(total)} a year for {tender.term_years} years)."


def award_candidates(*, board: Any) -> list[tuple[int, str]]:
    recommendations = AwardRecommendation.objects.filter(
        status=RecommendationStatus.SUBMITTED, tender__commission__partnership_id=board.partnership_id
    ).select_related("tender")
    return [(r.pk, f"{r.tender.title}: award recommendation") for r in recommendations]


def award_check(*, subject_id: int, board: Any) -> None:
    recommendation = _recommendation(subject_id)
    if recommendation.tender.commission.partnership_id != board.partnership_id:
        raise DomainError("That tender belongs to another partnership")
    if recommendation.status != RecommendationStatus.SUBMITTED:
        raise DomainError("That award recommendation is not waiting for approval")


def award_decided(*, subject_id: int, outcome: str, decision: Any, by: Any) -> None:
    recommendation = _recommendation(subject_id)
    tender = recommendation.tender
    actor = _board_actor(decision, by)
    if outcome == "approve":
        if recommendation.status == RecommendationStatus.APPROVED:
            return
        if recommendation.status != RecommendationStatus.SUBMITTED:
            raise DomainError("This recommendation was returned to the lead: they must recommend again")
        award_services.recommendation_approve(recommendation=recommendation, by=actor)
    elif outcome == "reject":
        if recommendation.status == RecommendationStatus.REJECTED:
            return
        if tender.status not in (T.RECOMMENDED, T.APPROVED):
            raise DomainError(
                f"The tender is {tender.get_status_display().lower()}: the award can no longer be rejected"
            )
        award_services.recommendation_reject(recommendation=recommendation, by=actor, reason=decision.minute)
    elif outcome == "defer" and recommendation.status == RecommendationStatus.APPROVED:
        raise DomainError("The award has been approved: correct the decision to rejected to return it to the lead")


def register() -> None:
    handlers.register(
        METHOD,
        title=method_title,
        summary=method_summary,
        public_summary=method_public_summary,
        candidates=method_candidates,
        check=method_check,
        on_decision=method_decided,
    )
    handlers.register(
        AWARD,
        title=award_title,
        summary=award_summary,
        public_summary=award_public_summary,
        candidates=award_candidates,
        check=award_check,
        on_decision=award_decided,
    )
