"""Pure checks on a grant programme: who leads it, whether it is ready to open, and who is eligible to apply."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.utils import timezone

from core.actors import Actor
from core.money import format_gbp
from grants.programmes.models import THIRD_SECTOR_CHOICES, ApplicationQuestion, GrantProgramme, ProgrammeStatus
from partners.models import THIRD_SECTOR_KINDS, Organisation, Role

LEAD_ROLES = frozenset({Role.COMMISSIONER})
APPLICANT_ROLES = frozenset({Role.BIDDER, Role.ORG_ADMIN})
# Public-sector staff who read a programme's set-up pages.
READ_ROLES = frozenset({Role.COMMISSIONER, Role.FINANCE_OFFICER, Role.ORG_ADMIN, Role.BOARD_MEMBER, Role.VIEWER})
EDITABLE = frozenset({ProgrammeStatus.DRAFT})


def is_lead(programme: GrantProgramme, by: Actor) -> bool:
    return (
        by.user is not None
        and by.organisation is not None
        and by.organisation.pk == programme.commission.lead_id
        and by.has_role(*LEAD_ROLES)
    )


def require_editable(programme: GrantProgramme) -> Iterator[str]:
    if programme.status not in EDITABLE:
        yield f"This programme is {programme.get_status_display().lower()}: its set-up can no longer change"


def setup_problems(programme: GrantProgramme, *, now: Any = None) -> Iterator[str]:
    """What must be put right before the programme can open (a guard on 'open')."""
    now = now or timezone.now()
    criteria = list(programme.criteria.all())
    if not criteria:
        yield "Add the criteria assessors will score against"
    elif sum(c.weight for c in criteria) != 100:
        yield f"The criteria's weights add up to {sum(c.weight for c in criteria)}%: they must add up to 100%"
    questions = ApplicationQuestion.objects.filter(section__programme=programme)
    if not questions.exists():
        yield "Add at least one question to the application form"
    if programme.amount_max > programme.total_budget:
        yield (
            f"The largest grant ({format_gbp(programme.amount_max)}) is more than the whole budget "
            f"({format_gbp(programme.total_budget)})"
        )
    if programme.closes_at <= now:
        yield "The closing time has passed: set a later one"
    if programme.decision_date < timezone.localtime(programme.closes_at).date():
        yield "The decision date is before the closing date"


def dates_problems(*, opens_at: Any, closes_at: Any, decision_date: Any) -> Iterator[tuple[str, str]]:
    if opens_at and closes_at and closes_at <= opens_at:
        yield "closes_at", "The closing time must be after the opening time"
    if closes_at and decision_date and decision_date < timezone.localtime(closes_at).date():
        yield "decision_date", "The decision date must be on or after the closing date"


def amounts_problems(
    *, amount_min: Decimal, amount_max: Decimal, total_budget: Decimal, income_min: Any, income_max: Any
) -> Iterator[tuple[str, str]]:
    if amount_max < amount_min:
        yield "amount_max", "The largest grant must be at least the smallest grant"
    if amount_max > total_budget:
        yield "amount_max", "The largest grant cannot be more than the total budget"
    if income_min is not None and income_max is not None and income_max < income_min:
        yield "income_max", "The largest annual income must be at least the smallest"


def kind_labels(kinds: Iterable[str]) -> str:
    labels = dict(THIRD_SECTOR_CHOICES)
    names = [str(labels.get(k, k)).lower() for k in kinds]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " or " + names[-1]


def eligibility_problems(
    programme: GrantProgramme, organisation: Organisation, *, annual_income: Decimal | None
) -> list[str]:
    """Why ``organisation`` may not apply, each reason in plain words (empty: it may)."""
    problems: list[str] = []
    if organisation.kind not in THIRD_SECTOR_KINDS:
        problems.append(
            f"Only voluntary and community organisations may apply: {organisation.name} is registered as a "
            f"{organisation.get_kind_display().lower()}"
        )
    elif programme.eligible_kinds and organisation.kind not in programme.eligible_kinds:
        problems.append(
            f"This programme is open to {kind_labels(programme.eligible_kinds)} applicants: {organisation.name} is "
            f"registered as a {organisation.get_kind_display().lower()}"
        )
    if programme.income_min is not None or programme.income_max is not None:
        if annual_income is None:
            problems.append("Add your annual income to your organisation's profile: this programme has an income limit")
        elif programme.income_max is not None and annual_income > programme.income_max:
            problems.append(
                f"Your annual income of {format_gbp(annual_income)} is above this programme's limit of "
                f"{format_gbp(programme.income_max)}"
            )
        elif programme.income_min is not None and annual_income < programme.income_min:
            problems.append(
                f"Your annual income of {format_gbp(annual_income)} is below this programme's minimum of "
                f"{format_gbp(programme.income_min)}"
            )
    return problems


def not_open_problems(programme: GrantProgramme, *, now: Any = None) -> Iterator[str]:
    now = now or timezone.now()
    if programme.status != ProgrammeStatus.OPEN or now < programme.opens_at:
        yield "This programme is not open for applications"
    elif now >= programme.closes_at:
        yield "This programme has closed"


def after_closing(programme: GrantProgramme) -> Iterator[str]:
    if not programme.has_closed():
        local = timezone.localtime(programme.closes_at)
        yield f"Applications close at {local:%H:%M} on {local:%-d %B %Y}"
