"""Board handlers (see ``core.handlers``): the commissioning board decides a grant round at or above its delegated
threshold. Subject ``grants.award`` is a ``GrantDecision`` id; the agenda item "Decide grants" carries the ranked
list with weighted scores and each application's recommendation, and the panel's declarations. Every callable runs
inside ``core.tenancy.unscoped`` (the board decides who sees the item), so plain ``objects`` reads every row here.
"""

from __future__ import annotations

from typing import Any

from boards.models import AgendaItem
from core import handlers
from core.amounts import format_gbp
from core.errors import DomainError
from core.handlers import Conflict, SubjectPaper
from core.workflow import transition
from grants.applications.models import DecisionRoute
from grants.assessment import rules as assessment_rules
from grants.assessment.models import AssessorInterest
from grants.decisions import rules
from grants.decisions.models import DecisionStatus, GrantDecision
from grants.decisions.workflows import DECISION_WORKFLOW
from grants.programmes.models import GrantAssessor

SUBJECT = "grants.award"


def _decision(subject_id: int) -> GrantDecision:
    decision = GrantDecision.objects.select_related("programme__commission__lead").filter(pk=subject_id).first()
    if decision is None:
        raise DomainError("That grant decision does not exist")
    return decision


def title(*, subject_id: int) -> str:
    return f"{_decision(subject_id).programme.title}: decide grants"


def conflicts_record(decision: GrantDecision) -> list[Conflict]:
    interests: dict[int, list[AssessorInterest]] = {}
    for i in AssessorInterest.objects.filter(assessor__programme=decision.programme).select_related(
        "application__organisation"
    ):
        interests.setdefault(i.assessor_id, []).append(i)
    out: list[Conflict] = []
    for a in GrantAssessor.objects.filter(programme=decision.programme).select_related("user", "organisation"):
        mine = interests.get(a.pk, [])
        out.append(
            {
                "person": str(a.user),
                "role": f"Assessor, {a.organisation.name}",
                "interest": "; ".join(f"{i.get_kind_display()}: {i.detail}" for i in mine)
                if mine
                else ("None declared" if a.declared_at else "Not yet declared"),
                "action": "; ".join(f"Excluded from scoring {i.application.organisation.name}" for i in mine)
                if mine
                else "No action needed",
            }
        )
    return out


def summary(*, subject_id: int) -> SubjectPaper:
    decision = _decision(subject_id)
    programme = decision.programme
    ranking = assessment_rules.programme_ranking(programme)
    lines = {r.application_id: r for r in rules.recommendations(decision)}
    total = rules.total_recommended(decision)
    funded = sum(1 for r in lines.values() if r.fund)
    rows = []
    for row in ranking.rows:
        line = lines.get(row.application_id)
        rows.append(
            [
                str(row.rank or "—"),
                row.applicant,
                row.project or "—",
                *[str(row.criterion_scores.get(c.pk, "0.00")) for c in ranking.criteria],
                str(row.total),
                format_gbp(row.requested),
                ("Fund " + format_gbp(line.amount)) if line and line.fund else ("Do not fund" if line else "—"),
                (line.conditions if line and line.fund else (line.feedback if line else "")) or "—",
            ]
        )
    paper: SubjectPaper = {
        "headline": (
            f"Award {funded} grant{'s' if funded != 1 else ''} totalling {format_gbp(total)} from {programme.title}."
        ),
        "facts": [
            ("Programme", programme.title),
            ("Budget", format_gbp(programme.total_budget)),
            ("Applications assessed", str(len(ranking.rows))),
            ("Recommended", f"{funded} grants, {format_gbp(total)}"),
            ("Delegated threshold", format_gbp(programme.delegated_threshold)),
            ("Offers to be accepted by", f"{decision.accept_by:%-d %B %Y}"),
        ],
        "tables": [
            {
                "caption": "Ranked applications with weighted scores (from moderated scores) and recommendations",
                "columns": [
                    "Rank",
                    "Applicant",
                    "Project",
                    *[f"{c.name} ({c.weight}%)" for c in ranking.criteria],
                    "Total",
                    "Requested",
                    "Recommendation",
                    "Conditions or feedback",
                ],
                "rows": rows,
                "numeric": [True, False, False, *[True] * len(ranking.criteria), True, True, False, False],
            }
        ],
        "conflicts": conflicts_record(decision),
    }
    if decision.summary:
        paper["text"] = decision.summary
    return paper


def public_summary(*, subject_id: int) -> str:
    decision = _decision(subject_id)
    funded = sum(1 for r in rules.recommendations(decision) if r.fund)
    return (
        f"Grants from {decision.programme.title}: {funded} grant{'s' if funded != 1 else ''} totalling "
        f"{format_gbp(rules.total_recommended(decision))}."
    )


def candidates(*, board: Any) -> list[tuple[int, str]]:
    tabled = set(
        AgendaItem.objects.filter(
            subject_kind=SUBJECT, status=AgendaItem.Status.OPEN, meeting__board=board
        ).values_list("subject_id", flat=True)
    )
    decisions = GrantDecision.objects.filter(
        status=DecisionStatus.WITH_BOARD, programme__partnership_id=board.partnership_id
    ).select_related("programme")
    return [(d.pk, f"{d.programme.title}: decide grants") for d in decisions if d.pk not in tabled]


def check(*, subject_id: int, board: Any) -> None:
    decision = _decision(subject_id)
    if decision.programme.partnership_id != board.partnership_id:
        raise DomainError("That grant programme belongs to another partnership")
    if decision.status != DecisionStatus.WITH_BOARD:
        raise DomainError("That grant decision has not been sent to the board")


def decided(*, subject_id: int, outcome: str, decision: Any, by: Any) -> None:
    paper = _decision(subject_id)
    actor = rules.DecidingActor(
        user=by.user,
        organisation=by.organisation,
        route=DecisionRoute.BOARD,
        board_decision_id=decision.pk,
        board_name=decision.item.meeting.board.name,
    )
    if outcome == "approve":
        if paper.status == DecisionStatus.APPROVED:
            return
        if paper.status != DecisionStatus.WITH_BOARD:
            raise DomainError("This grant decision was taken back by the lead: they must send it again")
        transition(obj=paper, workflow=DECISION_WORKFLOW, name="board_approve", by=actor, reason=decision.minute)
    elif outcome == "reject":
        if paper.status == DecisionStatus.REJECTED:
            return
        if paper.status != DecisionStatus.WITH_BOARD:
            raise DomainError("The grants have been decided: the offers stand")
        transition(obj=paper, workflow=DECISION_WORKFLOW, name="board_return", by=actor, reason=decision.minute)
    elif outcome == "defer" and paper.status == DecisionStatus.APPROVED:
        raise DomainError("The grants have been decided: the offers stand")


def register() -> None:
    handlers.register(
        SUBJECT,
        title=title,
        summary=summary,
        public_summary=public_summary,
        candidates=candidates,
        check=check,
        on_decision=decided,
    )
