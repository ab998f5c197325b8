"""The risk register as a standing paper in every board pack (``boards.pack`` asks each registered
``boards.standing_papers:*`` handler): one paper per open joint commission of the board's partnership that has
risks, with the register and the likelihood x impact grid as tables (the PDF has no room for colour alone)."""

from __future__ import annotations

from typing import Any

from commissioning.commissions.models import OPEN_STATUSES, JointCommission
from commissioning.risks.models import Risk, RiskStatus
from commissioning.risks.rules import band_of
from commissioning.risks.selectors import grid_rows
from core import handlers
from core.handlers import SubjectPaper, Table

KIND = "boards.standing_papers:commissioning.risks"


def register_table(risks: list[Risk]) -> Table:
    return {
        "caption": "Risk register, highest score first",
        "columns": ["Risk", "Likelihood", "Impact", "Score", "Status", "Owner", "Countermeasure", "Review date"],
        "numeric": [False, True, True, True, False, False, False, False],
        "rows": [
            [
                f"{r.letter}. {r.description}",
                str(r.likelihood),
                str(r.impact),
                f"{r.score} ({band_of(r.score).label})",
                r.get_status_display(),
                f"{r.owner.full_name}, {r.owner_organisation.name}" if r.owner and r.owner_organisation else "",
                r.countermeasure or "None recorded",
                f"{r.review_date:%-d %B %Y}",
            ]
            for r in risks
        ],
    }


def grid_table(risks: list[Risk]) -> Table:
    rows = grid_rows(risks)
    return {
        "caption": "Open and managed risks by impact (rows) and likelihood (columns): count and band",
        "columns": ["Impact", *(f"Likelihood {c[0]}" for c in rows[0].cells)],
        "numeric": [False, True, True, True, True, True],
        "rows": [[row.label, *(f"{count} ({band})" for _, _, band, count in row.cells)] for row in rows],
    }


def commission_paper(commission: JointCommission, risks: list[Risk]) -> SubjectPaper:
    live = [r for r in risks if r.status != RiskStatus.CLOSED]
    worst = max(live, key=lambda r: r.score, default=None)
    headline = (
        f"{len(live)} open or managed risk{'s' if len(live) != 1 else ''}; the highest is risk {worst.letter}, "
        f"score {worst.score} ({band_of(worst.score).label.lower()})."
        if worst
        else "Every risk on the register is closed."
    )
    return {
        "headline": headline,
        "facts": [("Lead", commission.lead.name), ("Status", commission.get_status_display())],
        "tables": [register_table(risks), grid_table(risks)],
    }


def risk_register_papers(*, board: Any) -> list[tuple[str, SubjectPaper]]:
    """The board's partnership's open commissions with a risk register, each as a paper (called unscoped)."""
    risks = list(
        Risk.objects.filter(commission__partnership_id=board.partnership_id, commission__status__in=list(OPEN_STATUSES))
        .select_related("commission__lead", "owner", "owner_organisation")
        .order_by("commission__title", "commission_id", "reference")
    )
    by_commission: dict[int, list[Risk]] = {}
    for r in risks:
        by_commission.setdefault(r.commission_id, []).append(r)
    out = []
    for group in by_commission.values():
        commission = group[0].commission
        ordered = sorted(group, key=lambda r: (r.is_closed, -r.score, r.reference))
        out.append((f"Risk register: {commission.title}", commission_paper(commission, ordered)))
    return out


def register() -> None:
    handlers.register(KIND, papers=risk_register_papers)
