"""The decision's and the application's outcome steps, as data.

- ``DECISION_WORKFLOW``: the lead prepares the recommendation; at or above the delegated threshold it goes to the
  board (a "Decide grants" agenda item; the board's decision, quorum enforced by ``boards``, approves or returns
  it); below it the lead's named officer decides. Deciding writes each application's outcome and sends the letters.
- ``OUTCOME_WORKFLOW``: an application moves to offered or unsuccessful only by the decision (``DecidingActor``);
  the applicant accepts or declines the offer; an offer not accepted by its date lapses (the system).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from core.actors import Actor
from core.workflow import Transition, Workflow
from grants.applications.models import ApplicationStatus
from grants.decisions import rules
from grants.decisions.models import DecisionStatus

D = DecisionStatus
A = ApplicationStatus


def _lead(obj: Any, by: Actor) -> bool:
    return rules.is_lead(obj, by)


def _officer(obj: Any, by: Actor) -> bool:
    return rules.is_named_officer(obj, by)


def _applicant(obj: Any, by: Actor) -> bool:
    return rules.is_applicant(obj, by)


def _nobody(obj: Any, by: Actor) -> bool:
    """Only the system (no person) takes this step."""
    return False


def _stamp_accepted(obj: Any, by: Actor) -> None:
    obj.accepted_at = timezone.now()
    obj.accepted_by = by.user
    obj.save(update_fields=["accepted_at", "accepted_by"])


DECISION_WORKFLOW = Workflow(
    "grant_decision",
    DecisionStatus,
    [
        Transition(
            "send_to_board",
            (D.DRAFT,),
            D.WITH_BOARD,
            "Send to the board",
            roles=frozenset(rules.LEAD_ROLES),
            allowed=_lead,
            who="the programme's lead commissioner",
            guards=(rules.recommendation_problems,),
            effects=("snapshot",),
        ),
        Transition(
            "decide",
            (D.DRAFT,),
            D.APPROVED,
            "Decide under delegation",
            allowed=_officer,
            who="the officer the lead named",
            guards=(rules.recommendation_problems, rules.delegation_problems),
            effects=("snapshot", "apply_decision"),
        ),
        Transition(
            "board_approve",
            (D.WITH_BOARD,),
            D.APPROVED,
            "Approved by the board",
            allowed=rules.is_board,
            who="the board",
            guards=(rules.recommendation_problems,),
            effects=("apply_decision",),
        ),
        Transition(
            "board_return",
            (D.WITH_BOARD,),
            D.REJECTED,
            "Returned by the board",
            allowed=rules.is_board,
            who="the board",
        ),
        Transition(
            "withdraw",
            (D.WITH_BOARD,),
            D.DRAFT,
            "Take back from the board",
            roles=frozenset(rules.LEAD_ROLES),
            allowed=_lead,
            who="the programme's lead commissioner",
            needs_reason=True,
        ),
        Transition(
            "revise",
            (D.REJECTED,),
            D.DRAFT,
            "Revise the recommendation",
            roles=frozenset(rules.LEAD_ROLES),
            allowed=_lead,
            who="the programme's lead commissioner",
        ),
    ],
    terminal=(D.APPROVED,),
    colours={D.DRAFT: "grey", D.WITH_BOARD: "yellow", D.APPROVED: "green", D.REJECTED: "red"},
)


OUTCOME_WORKFLOW = Workflow(
    "grant_outcome",
    ApplicationStatus,
    [
        Transition("offer", (A.SUBMITTED,), A.OFFERED, "Offer a grant", allowed=rules.is_deciding, who="the decision"),
        Transition(
            "not_fund",
            (A.SUBMITTED,),
            A.UNSUCCESSFUL,
            "Do not fund",
            allowed=rules.is_deciding,
            who="the decision",
        ),
        Transition(
            "accept",
            (A.OFFERED,),
            A.ACCEPTED,
            "Accept the offer",
            roles=frozenset(rules.APPLICANT_ROLES),
            allowed=_applicant,
            who="the applicant",
            guards=(rules.acceptance_problems,),
            effects=(_stamp_accepted, "offer_accepted"),
        ),
        Transition(
            "decline_offer",
            (A.OFFERED,),
            A.OFFER_DECLINED,
            "Decline the offer",
            roles=frozenset(rules.APPLICANT_ROLES),
            allowed=_applicant,
            who="the applicant",
            needs_reason=True,
            effects=("offer_declined",),
        ),
        Transition(
            "lapse",
            (A.OFFERED,),
            A.OFFER_DECLINED,
            "The offer lapsed",
            system=True,
            allowed=_nobody,
            who="the system, when the date passes",
            guards=(rules.lapse_problems,),
            effects=("offer_lapsed",),
        ),
    ],
)
