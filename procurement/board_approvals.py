"""Board handlers (see ``core.handlers``) for the approvals the terms of reference may require before a tender is
published (seed 002, 4.4: "tenders will be invited based on final specifications that have been agreed by the
LCB"): the final specification and the assessment panel.

Subjects: ``procurement.specification`` and ``procurement.assessment_panel`` are both a ``Tender`` id. The board's
decision is the record (``boards.rules.approved_subject_ids``); the publish step's guard
(``procurement.workflows.board_approvals_given``) reads it. Each decision is also written to the tender's history,
and a refusal is told to the lead. Every callable runs inside ``core.tenancy.unscoped`` (the board decides who sees
the item).
"""

from __future__ import annotations

from typing import Any

from boards.models import AgendaItem
from boards.rules import PANEL_SUBJECT, SPECIFICATION_SUBJECT, approved_subject_ids
from core import audit, handlers
from core.errors import DomainError
from core.handlers import SubjectPaper
from core.money import format_gbp
from procurement.evaluation.models import Evaluator
from procurement.tenders import notices
from procurement.tenders.models import Tender, TenderStatus

BEFORE_PUBLICATION = (TenderStatus.DRAFT, TenderStatus.METHOD_APPROVED)
WHAT = {SPECIFICATION_SUBJECT: "final specification", PANEL_SUBJECT: "assessment panel"}


def _tender(subject_id: int) -> Tender:
    tender = Tender.objects.select_related("commission__lead").filter(pk=subject_id).first()
    if tender is None:
        raise DomainError("That tender does not exist")
    return tender


def _panel(tender: Tender) -> list[Evaluator]:
    return list(Evaluator.objects.filter(tender=tender).select_related("user", "organisation").order_by("added_at"))


def _facts(tender: Tender) -> list[tuple[str, str]]:
    return [
        ("Lead commissioner", tender.commission.lead.name),
        ("Procedure", tender.get_procedure_display()),
        ("Estimated value", f"{format_gbp(tender.estimated_annual_value)} a year for {tender.term_years} years"),
    ]


def _candidates(board: Any, subject_kind: str) -> list[tuple[int, str]]:
    done = approved_subject_ids(board, subject_kind)
    tabled = set(
        AgendaItem.objects.filter(
            subject_kind=subject_kind, status=AgendaItem.Status.OPEN, meeting__board=board
        ).values_list("subject_id", flat=True)
    )
    tenders = Tender.objects.filter(
        commission__partnership_id=board.partnership_id, status__in=BEFORE_PUBLICATION
    ).order_by("title", "pk")
    if subject_kind == PANEL_SUBJECT:
        tenders = tenders.filter(evaluators__isnull=False).distinct()
    else:
        tenders = tenders.exclude(specification="")
    return [(t.pk, f"{t.title}: {WHAT[subject_kind]}") for t in tenders if t.pk not in done | tabled]


def _check(subject_id: int, board: Any, subject_kind: str) -> Tender:
    tender = _tender(subject_id)
    if tender.commission.partnership_id != board.partnership_id:
        raise DomainError("That tender belongs to another partnership")
    if tender.status not in BEFORE_PUBLICATION:
        raise DomainError(f"That tender is {tender.get_status_display().lower()}: it is past publication")
    if subject_kind == PANEL_SUBJECT and not Evaluator.objects.filter(tender=tender).exists():
        raise DomainError("That tender has no assessment panel yet: the lead names it first")
    if subject_kind == SPECIFICATION_SUBJECT and not tender.specification.strip():
        raise DomainError("That tender has no specification yet")
    return tender


def _decided(subject_id: int, outcome: str, decision: Any, by: Any, subject_kind: str) -> None:
    tender = _tender(subject_id)
    what = WHAT[subject_kind]
    board = decision.item.meeting.board
    audit.record(
        obj=tender,
        action=f"tender.board_{subject_kind.rsplit('.', 1)[-1]}_{outcome}",
        by=by,
        to_state=outcome,
        reason=decision.correction_reason,
        data={"board": board.name, "decision": decision.pk, "what": what},
    )
    if outcome == "reject":
        notices.tell_lead(
            tender,
            subject=f"{tender.title}: the board did not approve the {what}",
            body=decision.minute,
            key=f"tender:{tender.pk}:{subject_kind}:rejected:{decision.pk}",
        )


# --- the final specification ------------------------------------------------------------------------------------


def specification_title(*, subject_id: int) -> str:
    return f"{_tender(subject_id).title}: final specification"


def specification_summary(*, subject_id: int) -> SubjectPaper:
    tender = _tender(subject_id)
    return {
        "headline": f"Approve the final specification for {tender.title} before the tender is published.",
        "facts": _facts(tender),
        "text": tender.specification,
    }


def specification_public_summary(*, subject_id: int) -> str:
    return f"The final specification for {_tender(subject_id).title}."


def specification_candidates(*, board: Any) -> list[tuple[int, str]]:
    return _candidates(board, SPECIFICATION_SUBJECT)


def specification_check(*, subject_id: int, board: Any) -> None:
    _check(subject_id, board, SPECIFICATION_SUBJECT)


def specification_decided(*, subject_id: int, outcome: str, decision: Any, by: Any) -> None:
    _decided(subject_id, outcome, decision, by, SPECIFICATION_SUBJECT)


# --- the assessment panel ---------------------------------------------------------------------------------------


def panel_title(*, subject_id: int) -> str:
    return f"{_tender(subject_id).title}: assessment panel"


def panel_summary(*, subject_id: int) -> SubjectPaper:
    tender = _tender(subject_id)
    panel = _panel(tender)
    return {
        "headline": f"Approve the assessment panel for {tender.title} before the tender is published.",
        "facts": [*_facts(tender), ("Panel members", str(len(panel)))],
        "tables": [
            {
                "caption": "The assessment panel",
                "columns": ["Name", "Organisation", "Role", "Third-sector representative", "Interests"],
                "rows": [
                    [
                        str(e.user),
                        e.organisation.name,
                        e.role_title or "—",
                        "Yes" if e.is_third_sector_rep else "No",
                        e.get_declaration_display(),
                    ]
                    for e in panel
                ],
            }
        ],
    }


def panel_public_summary(*, subject_id: int) -> str:
    tender = _tender(subject_id)
    count = Evaluator.objects.filter(tender=tender).count()
    return f"The assessment panel for {tender.title} ({count} member{'s' if count != 1 else ''})."


def panel_candidates(*, board: Any) -> list[tuple[int, str]]:
    return _candidates(board, PANEL_SUBJECT)


def panel_check(*, subject_id: int, board: Any) -> None:
    _check(subject_id, board, PANEL_SUBJECT)


def panel_decided(*, subject_id: int, outcome: str, decision: Any, by: Any) -> None:
    _decided(subject_id, outcome, decision, by, PANEL_SUBJECT)


def register() -> None:
    handlers.register(
        SPECIFICATION_SUBJECT,
        title=specification_title,
        summary=specification_summary,
        public_summary=specification_public_summary,
        candidates=specification_candidates,
        check=specification_check,
        on_decision=specification_decided,
    )
    handlers.register(
        PANEL_SUBJECT,
        title=panel_title,
        summary=panel_summary,
        public_summary=panel_public_summary,
        candidates=panel_candidates,
        check=panel_check,
        on_decision=panel_decided,
    )
