"""Pure checks on a tender (they read, never write): who leads it, whether a board approves, what stops
publishing or submitting the evaluation method, and the budget a tender may draw on.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from boards.models import Board
from commissioning.models import (
    CommissionStatus,
    Contribution,
    ContributionStatus,
    JointCommission,
)
from core.actors import Actor
from core.errors import DomainError
from core.money import money
from partners.models import Role
from procurement.tenders import cpv
from procurement.tenders.models import (
    MAX_CONTRACT_VALUE,
    Criterion,
    CriterionKind,
    EvaluationMethod,
    MethodStatus,
    Question,
    Stage,
    Tender,
)

WORD = re.compile(r"\S+")


# --- small helpers ------------------------------------------------------------------------------------------------


def word_count(text: str) -> int:
    return len(WORD.findall(text or ""))


def local_time(value: dt.datetime) -> str:
    return f"{timezone.localtime(value):%-d %B %Y at %H:%M}"


def publish_problems(tender: Tender) -> list[str]:
    problems: list[str] = []
    now = timezone.now()
    commission = JointCommission.objects.get(pk=tender.commission_id)
    if commission.status != CommissionStatus.PROCUREMENT:
        problems.append(f"The commission is {commission.get_status_display().lower()}, not in procurement")
    if tender.clarification_deadline <= now:
        problems.append("The clarification deadline has already passed: extend it")
    if tender.submission_deadline <= now:
        problems.append("The bid deadline has already passed: extend it")
    if tender.is_two_stage and (tender.eoi_deadline is None or tender.eoi_deadline <= now):
        problems.append("The expression of interest deadline has passed or is missing")
    method = EvaluationMethod.objects.get(tender=tender)
    if method.status != MethodStatus.APPROVED:
        problems.append("The evaluation method has not been approved")
    return problems


def parse_scale(text: str) -> list[dict[str, Any]]:
    """ "0: No answer" lines to [{score, descriptor}]; scores from 0 up, each once, none missing."""
    rows: list[dict[str, Any]] = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        score, sep, descriptor = line.partition(":")
        if not sep or not score.strip().isdigit() or not descriptor.strip():
            raise DomainError(
                f"Write each line as “score: descriptor”, for example “3: Satisfactory” (not “{line.strip()}”)",
                field="scale",
            )
        rows.append({"score": int(score.strip()), "descriptor": descriptor.strip()})
    rows.sort(key=lambda r: r["score"])
    if len(rows) < 2:
        raise DomainError("The scale needs at least two points", field="scale")
    if [r["score"] for r in rows] != list(range(len(rows))):
        raise DomainError("The scale must run from 0 upwards with no gaps or repeats", field="scale")
    return rows


def method_problems(method: EvaluationMethod) -> list[str]:
    """What stops the method being approved, in words."""
    problems: list[str] = []
    tender = method.tender
    criteria = list(Criterion.objects.filter(method=method))
    questions = list(Question.objects.filter(method=method))
    total = sum(c.weight for c in criteria)
    if not criteria:
        problems.append("Add the criteria and their weights")
    elif total != 100:
        problems.append(f"The criteria's weights add up to {total}%, not 100%")
    for c in criteria:
        if c.kind != CriterionKind.PRICE and c.weight > 0 and not any(q.criterion_id == c.pk for q in questions):
            problems.append(f"“{c.name}” has no question to score it")
    if not any(q.stage == Stage.FULL for q in questions):
        problems.append("Add the questions bidders must answer")
    if tender.is_two_stage and not any(q.stage == Stage.EOI for q in questions):
        problems.append("Add the expression of interest questions (a two-stage tender asks these first)")
    if method.max_score < 1:
        problems.append("The scoring scale needs at least two points")
    return problems


LEAD_ROLES = frozenset({Role.COMMISSIONER})
BIDDER_ROLES = frozenset({Role.BIDDER, Role.ORG_ADMIN})


@dataclass(frozen=True)
class BoardActor:
    """A board decision acting on a tender: the person who recorded it, for the board."""

    user: Any
    organisation: Any
    decision_id: int
    board_name: str = ""
    roles: frozenset[str] = field(default_factory=frozenset)

    def has_role(self, *roles: str) -> bool:
        return False


def has_board(tender: Tender) -> bool:
    """Whether the tender's partnership has a commissioning board (which then approves methods and awards); the
    tender page's query answers it (``has_board_annotated``) without another query."""
    annotated = getattr(tender, "has_board_annotated", None)
    if annotated is not None:
        return bool(annotated)
    return (
        Board.objects.unscoped(reason="whether the partnership has a board decides who approves; no board data is read")
        .filter(partnership_id=tender.commission.partnership_id)
        .exists()
    )


def is_lead(tender: Tender, by: Actor) -> bool:
    return (
        by.user is not None
        and by.organisation is not None
        and by.organisation.pk == tender.commission.lead_id
        and by.has_role(Role.COMMISSIONER)
    )


def confirmed_budget(commission: JointCommission, financial_year: int) -> dict[int, Decimal]:
    """Each partner's confirmed (or transferred) contribution in one financial year."""
    rows = (
        Contribution.objects.unscoped(
            reason="the total confirmed budget, not any partner's own figure, bounds the tender"
        )
        .filter(
            commission=commission,
            financial_year=financial_year,
            status__in=[ContributionStatus.CONFIRMED, ContributionStatus.TRANSFERRED],
        )
        .values_list("organisation_id", "amount")
    )
    out: dict[int, Decimal] = {}
    for organisation_id, amount in rows:
        out[organisation_id] = out.get(organisation_id, Decimal("0")) + amount
    return out


def suggested_value(commission: JointCommission) -> Decimal:
    return money(sum(confirmed_budget(commission, commission.first_year).values(), Decimal("0")))


# --- the legal regime ---------------------------------------------------------------------------------------------


def clean_cpv_codes(codes: Any) -> tuple[list[str], list[str]]:
    """The codes in their stored form, once each and in order, and what is wrong with them (unknown codes, too
    many)."""
    if isinstance(codes, str):
        codes = [c for c in re.split(r"[,\s]+", codes) if c]
    cleaned: list[str] = []
    problems: list[str] = []
    for raw in codes or []:
        code = cpv.normalise(raw)
        if not code:
            continue
        if not cpv.is_known(code):
            problems.append(f"{code[:20]} is not a CPV code Jointly knows: choose one from the list")
        elif code not in cleaned:
            cleaned.append(code)
    if len(cleaned) > cpv.MAX_CODES:
        problems.append(f"Choose at most {cpv.MAX_CODES} CPV codes")
    return cleaned, problems


def whole_value_problems(value: Decimal | None) -> list[str]:
    if value is None:
        return ["Enter the whole contract's estimated value including VAT"]
    if value < 0:
        return ["The estimated value cannot be negative"]
    if value > MAX_CONTRACT_VALUE:
        return [f"The estimated value must be at most £{MAX_CONTRACT_VALUE:,.0f}"]
    return []
