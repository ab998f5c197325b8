"""Pure checks of a grant round's decision (they read, never write): is the recommendation complete and within the
programme's limits, which route decides it (the board at or above the delegated threshold, else the lead's named
officer), who may take each step, and whether an offer has lapsed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from core.actors import Actor
from core.amounts import format_gbp
from grants.applications.models import DecisionRoute, GrantApplication
from grants.assessment import rules as assessment_rules
from grants.decisions.models import GrantDecision, GrantLetter, GrantRecommendation, LetterKind
from partners.models import Role

WHOLE_RECORD = "a check reads the whole decision record, whoever asks; it answers with problems, not rows"
LEAD_ROLES = (Role.COMMISSIONER, Role.ORG_ADMIN)
APPLICANT_ROLES = (Role.BIDDER, Role.ORG_ADMIN)


@dataclass(frozen=True)
class DecidingActor:
    """Whoever decided (the board, through the person who recorded its decision, or the delegated officer), acting
    on the applications: the outcome steps accept only this actor."""

    user: Any
    organisation: Any
    route: str
    board_decision_id: int | None = None
    board_name: str = ""
    roles: frozenset[str] = field(default_factory=frozenset)

    def has_role(self, *roles: str) -> bool:
        return False


def is_deciding(obj: Any, by: Actor) -> bool:
    return isinstance(by, DecidingActor)


def is_board(obj: Any, by: Actor) -> bool:
    return isinstance(by, DecidingActor) and by.route == DecisionRoute.BOARD


def is_lead(decision: GrantDecision, by: Actor) -> bool:
    return (
        by.user is not None
        and by.organisation is not None
        and by.organisation.pk == decision.programme.commission.lead_id
        and by.has_role(*LEAD_ROLES)
    )


def is_named_officer(decision: GrantDecision, by: Actor) -> bool:
    return (
        by.user is not None
        and decision.officer_id is not None
        and by.user.pk == decision.officer_id
        and by.organisation is not None
        and by.organisation.pk == decision.programme.commission.lead_id
    )


def is_applicant(application: GrantApplication, by: Actor) -> bool:
    return by.organisation is not None and by.organisation.pk == application.organisation_id


def recommendations(decision: GrantDecision) -> list[GrantRecommendation]:
    return list(
        GrantRecommendation.objects.unscoped(reason=WHOLE_RECORD)
        .filter(decision=decision)
        .select_related("application__organisation")
    )


def total_recommended(decision: GrantDecision) -> Decimal:
    return sum((r.amount or Decimal("0") for r in recommendations(decision) if r.fund), Decimal("0.00"))


def route_for(decision: GrantDecision) -> str:
    """The board decides at or above the programme's delegated threshold (the total recommended); below it, the
    lead's named officer."""
    if total_recommended(decision) >= decision.programme.delegated_threshold:
        return DecisionRoute.BOARD
    return DecisionRoute.DELEGATED


def recommendation_problems(decision: GrantDecision) -> Iterator[str]:
    """What stops the decision being taken: the moderation, a line per application, amounts within the programme's
    range and budget, feedback for everyone not funded."""
    programme = decision.programme
    yield from assessment_rules.moderation_problems(programme)
    lines = {r.application_id: r for r in recommendations(decision)}
    for application in assessment_rules.assessed_applications(programme):
        line = lines.get(application.pk)
        name = application.organisation.name
        if line is None:
            yield f"Recommend whether to fund {name}"
            continue
        if line.fund:
            amount = line.amount or Decimal("0")
            if amount < programme.amount_min or amount > programme.amount_max:
                yield (
                    f"{name}: a grant must be from {format_gbp(programme.amount_min)} to "
                    f"{format_gbp(programme.amount_max)}"
                )
            if application.amount_requested is not None and amount > application.amount_requested:
                yield f"{name}: the grant is more than the {format_gbp(application.amount_requested)} asked for"
        elif not line.feedback.strip():
            yield f"{name}: give feedback for the decline letter"
    total = total_recommended(decision)
    if total > programme.total_budget:
        yield f"The grants recommended ({format_gbp(total)}) are more than the budget of {format_gbp(programme.total_budget)}"
    if decision.accept_by <= timezone.localdate():
        yield "Choose a date in the future by which offers must be accepted"


def delegation_problems(decision: GrantDecision) -> Iterator[str]:
    """Why the named officer may not decide: no officer named, or the total reaches the threshold."""
    if decision.officer_id is None:
        yield "The lead has not named an officer to decide under delegation"
    total = total_recommended(decision)
    if total >= decision.programme.delegated_threshold:
        yield (
            f"The grants recommended total {format_gbp(total)}, at or above the delegated threshold of "
            f"{format_gbp(decision.programme.delegated_threshold)}: the board decides"
        )


def offer_of(application: GrantApplication) -> GrantLetter | None:
    return (
        GrantLetter.objects.unscoped(reason=WHOLE_RECORD).filter(application=application, kind=LetterKind.OFFER).first()
    )


def has_lapsed(application: GrantApplication, today: dt.date | None = None) -> bool:
    letter = offer_of(application)
    return letter is not None and letter.accept_by is not None and (today or timezone.localdate()) > letter.accept_by


def acceptance_problems(application: GrantApplication) -> Iterator[str]:
    letter = offer_of(application)
    if letter is None:
        yield "There is no offer letter"
    elif has_lapsed(application):
        yield f"The offer lapsed: it had to be accepted by {letter.accept_by:%-d %B %Y}"


def lapse_problems(application: GrantApplication) -> Iterator[str]:
    if not has_lapsed(application):
        yield "The offer is still open"
