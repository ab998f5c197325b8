"""The tender's and the bid's lives, as data.

Tender: draft -> method approved -> published -> clarifications closed -> closed for bids -> evaluation ->
recommended -> approved -> standstill -> awarded, or cancelled.

Bid: draft -> submitted -> withdrawn, shortlisted, rejected, successful or unsuccessful.

Approvals (the evaluation method, the award) are taken by the partnership's board where there is one -- its
decision handler acts as a ``BoardActor`` -- and otherwise by the lead commissioner.

The tender's life spans every package (its guards read bids, the panel and the award), so this module sits between
the packages' ``rules`` and their ``services``: it imports models and rules of every package, and every package's
services import it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.utils import timezone

from boards.rules import tender_approval_problems
from core.actors import Actor
from core.workflow import Transition, Workflow, transition
from procurement.award.models import AwardLine, AwardRecommendation, RecommendationStatus
from procurement.bids.models import RECEIVED, Bid, BidStatus
from procurement.conflicts.models import AssessmentStage
from procurement.conflicts.rules import NO_ASSESSMENT, assessment_problems
from procurement.evaluation.models import Evaluator
from procurement.evaluation.rules import moderation_problems
from procurement.tenders.models import Stage, Tender, TenderStatus
from procurement.tenders.rules import (
    BIDDER_ROLES,
    LEAD_ROLES,
    BoardActor,
    has_board,
    is_lead,
    method_problems,
    publish_problems,
)

T = TenderStatus
B = BidStatus


def _lead(tender: Tender, by: Actor) -> bool:
    return is_lead(tender, by)


def _approver(tender: Tender, by: Actor) -> bool:
    """The board (through its decision) where there is one; otherwise the lead commissioner."""
    if isinstance(by, BoardActor):
        return True
    return is_lead(tender, by) and not has_board(tender)


def _board_or_lead(tender: Tender, by: Actor) -> bool:
    return isinstance(by, BoardActor) or is_lead(tender, by)


def _board_only(tender: Tender, by: Actor) -> bool:
    return isinstance(by, BoardActor)


# --- guards -------------------------------------------------------------------------------------------------------


def method_ready(tender: Tender) -> Iterable[str]:

    return method_problems(tender.method)


def publish_ready(tender: Tender) -> Iterable[str]:

    return publish_problems(tender)


def _conflicts(tender: Tender, stage: str) -> Iterable[str]:
    for problem in assessment_problems(tender, stage=stage):
        yield problem if problem == NO_ASSESSMENT[AssessmentStage(stage)] else f"Conflicts assessment: {problem}"


def conflicts_assessed(tender: Tender) -> Iterable[str]:
    """Procurement Act 2023 s.83: a signed conflicts assessment before the tender notice is published."""
    return _conflicts(tender, AssessmentStage.TENDER)


def conflicts_reviewed(tender: Tender) -> Iterable[str]:
    """The conflicts assessment reviewed (and signed again) before the award is recommended."""
    return _conflicts(tender, AssessmentStage.AWARD)


def board_approvals_given(tender: Tender) -> Iterable[str]:
    """The board's approvals its terms of reference require before publication (seed 002, 4.4): the final
    specification and the assessment panel, where the partnership's board is set to approve them."""
    return tender_approval_problems(partnership_id=tender.commission.partnership_id, tender_id=tender.pk)


def clarification_deadline_passed(tender: Tender) -> Iterable[str]:
    if timezone.now() < tender.clarification_deadline:
        yield f"The clarification deadline ({timezone.localtime(tender.clarification_deadline):%-d %B %Y, %H:%M}) has not passed"


def bid_deadline_passed(tender: Tender) -> Iterable[str]:
    if tender.is_two_stage and tender.stage == Stage.EOI:
        yield "Shortlisting has not finished: invite the shortlisted providers to the full bid first"
    elif timezone.now() < tender.submission_deadline:
        yield f"The bid deadline ({timezone.localtime(tender.submission_deadline):%-d %B %Y, %H:%M}) has not passed"


def evaluation_ready(tender: Tender) -> Iterable[str]:

    received = (
        Bid.objects.unscoped(reason="counting sealed bids without reading them")
        .filter(tender=tender, stage=Stage.FULL, status__in=RECEIVED)
        .count()
    )
    if not received:
        yield "No bids were received: cancel the tender instead"
    if not Evaluator.objects.filter(tender=tender).exists():
        yield "Name the evaluation panel"


def recommendation_ready(tender: Tender) -> Iterable[str]:

    yield from moderation_problems(tender)
    if not AwardRecommendation.objects.filter(tender=tender, status=RecommendationStatus.DRAFT).exists():
        yield "Record the award recommendation: the recommended bid and its annual value"


def standstill_ready(tender: Tender) -> Iterable[str]:

    if not AwardRecommendation.objects.filter(tender=tender, status=RecommendationStatus.APPROVED).exists():
        yield "The award recommendation has not been approved"


def standstill_over(tender: Tender) -> Iterable[str]:

    today = timezone.localdate()
    if tender.standstill_ends_on is None or today <= tender.standstill_ends_on:
        ends = f" It ends at the end of {tender.standstill_ends_on:%A %-d %B %Y}." if tender.standstill_ends_on else ""
        yield f"The standstill period has not ended.{ends}"
    unsigned = AwardLine.objects.filter(
        recommendation__tender=tender, recommendation__status=RecommendationStatus.APPROVED, contract__isnull=True
    ).count()
    if unsigned:
        yield f"{unsigned} contract{'s have' if unsigned != 1 else ' has'} not been recorded as signed"


TENDER_WORKFLOW = Workflow(
    "tender",
    TenderStatus,
    [
        Transition(
            "approve_method",
            (T.DRAFT,),
            T.METHOD_APPROVED,
            "Approve the evaluation method",
            allowed=_approver,
            who="the partnership's board (or, where there is no board, the lead commissioner)",
            guards=(method_ready,),
        ),
        Transition(
            "reopen_method",
            (T.METHOD_APPROVED,),
            T.DRAFT,
            "Reopen the evaluation method",
            allowed=_board_only,
            who="the board, correcting its decision",
        ),
        Transition(
            "publish",
            (T.METHOD_APPROVED,),
            T.PUBLISHED,
            "Publish",
            roles=LEAD_ROLES,
            allowed=_lead,
            who="the lead commissioner",
            guards=(publish_ready, conflicts_assessed, board_approvals_given),
        ),
        Transition(
            "close_clarifications",
            (T.PUBLISHED,),
            T.CLARIFICATIONS_CLOSED,
            "Close clarifications",
            roles=LEAD_ROLES,
            system=True,
            allowed=_lead,
            who="the lead commissioner",
            guards=(clarification_deadline_passed,),
        ),
        Transition(
            "close_bids",
            (T.PUBLISHED, T.CLARIFICATIONS_CLOSED),
            T.CLOSED_FOR_BIDS,
            "Close for bids",
            roles=LEAD_ROLES,
            system=True,
            allowed=_lead,
            who="the lead commissioner",
            guards=(bid_deadline_passed,),
            effects=("tell_lead_bids_closed",),
        ),
        Transition(
            "start_evaluation",
            (T.CLOSED_FOR_BIDS,),
            T.EVALUATION,
            "Start the evaluation",
            roles=LEAD_ROLES,
            allowed=_lead,
            who="the lead commissioner",
            guards=(evaluation_ready,),
            effects=("open_score_sheets",),
        ),
        Transition(
            "recommend",
            (T.EVALUATION,),
            T.RECOMMENDED,
            "Recommend the award",
            roles=LEAD_ROLES,
            allowed=_lead,
            who="the lead commissioner",
            guards=(recommendation_ready, conflicts_reviewed),
        ),
        Transition(
            "approve_award",
            (T.RECOMMENDED,),
            T.APPROVED,
            "Approve the award",
            allowed=_approver,
            who="the partnership's board (or, where there is no board, the lead commissioner)",
        ),
        Transition(
            "return_to_evaluation",
            (T.RECOMMENDED, T.APPROVED),
            T.EVALUATION,
            "Return to evaluation",
            allowed=_board_or_lead,
            who="the board or the lead commissioner",
            effects=("set_recommendations_aside",),
        ),
        Transition(
            "start_standstill",
            (T.APPROVED,),
            T.STANDSTILL,
            "Send award letters and start the standstill",
            roles=LEAD_ROLES,
            allowed=_lead,
            who="the lead commissioner",
            guards=(standstill_ready,),
        ),
        Transition(
            "award",
            (T.STANDSTILL,),
            T.AWARDED,
            "Award the contract",
            roles=LEAD_ROLES,
            allowed=_lead,
            who="the lead commissioner",
            guards=(standstill_over,),
        ),
        Transition(
            "cancel",
            (
                T.DRAFT,
                T.METHOD_APPROVED,
                T.PUBLISHED,
                T.CLARIFICATIONS_CLOSED,
                T.CLOSED_FOR_BIDS,
                T.EVALUATION,
                T.RECOMMENDED,
                T.APPROVED,
            ),
            T.CANCELLED,
            "Cancel the tender",
            roles=LEAD_ROLES,
            allowed=_lead,
            who="the lead commissioner",
            needs_reason=True,
            effects=("tell_interested_cancelled",),
        ),
    ],
    terminal=(T.AWARDED, T.CANCELLED),
    colours={T.DRAFT: "grey", T.PUBLISHED: "turquoise", T.APPROVED: "green", T.AWARDED: "green", T.CANCELLED: "grey"},
)

# Steps the lead takes from the tender page (the others have their own pages and services).
LEAD_BUTTONS = ("close_clarifications", "close_bids", "start_evaluation", "return_to_evaluation")


# --- bids -----------------------------------------------------------------------------------------------------------


def _bidder(bid: Bid, by: Actor) -> bool:
    return by.organisation is not None and by.organisation.pk == bid.organisation_id and by.has_role(*BIDDER_ROLES)


def _bid_lead(bid: Bid, by: Actor) -> bool:
    return is_lead(bid.tender, by)


def before_deadline(bid: Bid) -> Iterable[str]:
    tender = bid.tender
    deadline = tender.deadline_for(bid.stage)
    now = timezone.now()
    if deadline is None or now >= deadline:
        when = (
            f" at {timezone.localtime(deadline):%H:%M:%S} on {timezone.localtime(deadline):%-d %B %Y}"
            if deadline
            else ""
        )
        yield f"The deadline for this {bid.get_stage_display().lower()} passed{when}. Late bids cannot be accepted"
    elif tender.status not in (T.PUBLISHED, T.CLARIFICATIONS_CLOSED):
        yield f"This tender is {tender.get_status_display().lower()}: it is not open for bids"
    elif tender.stage != bid.stage:
        yield "This stage of the tender is over"


def after_deadline(bid: Bid) -> Iterable[str]:
    deadline = bid.tender.deadline_for(bid.stage)
    if deadline is None or timezone.now() < deadline:
        yield "Bids stay sealed until the deadline has passed"


def is_eoi(bid: Bid) -> Iterable[str]:
    if bid.stage != Stage.EOI:
        yield "Only expressions of interest are shortlisted"


BID_WORKFLOW = Workflow(
    "bid",
    BidStatus,
    [
        Transition(
            "submit",
            (B.DRAFT, B.WITHDRAWN),
            B.SUBMITTED,
            "Submit",
            roles=BIDDER_ROLES,
            allowed=_bidder,
            who="the bidding organisation",
            guards=(before_deadline,),
        ),
        Transition(
            "resubmit",
            (B.SUBMITTED,),
            B.SUBMITTED,
            "Resubmit",
            roles=BIDDER_ROLES,
            allowed=_bidder,
            who="the bidding organisation",
            guards=(before_deadline,),
        ),
        Transition(
            "withdraw",
            (B.SUBMITTED,),
            B.WITHDRAWN,
            "Withdraw",
            roles=BIDDER_ROLES,
            allowed=_bidder,
            who="the bidding organisation",
            guards=(before_deadline,),
        ),
        Transition(
            "shortlist",
            (B.SUBMITTED,),
            B.SHORTLISTED,
            "Shortlist",
            roles=LEAD_ROLES,
            allowed=_bid_lead,
            who="the lead commissioner",
            guards=(after_deadline, is_eoi),
        ),
        Transition(
            "reject",
            (B.SUBMITTED,),
            B.REJECTED,
            "Do not shortlist",
            roles=LEAD_ROLES,
            allowed=_bid_lead,
            who="the lead commissioner",
            guards=(after_deadline, is_eoi),
        ),
        Transition(
            "mark_successful",
            (B.SUBMITTED,),
            B.SUCCESSFUL,
            "Mark successful",
            roles=LEAD_ROLES,
            system=True,
            allowed=_bid_lead,
            who="the lead commissioner",
            guards=(after_deadline,),
        ),
        Transition(
            "mark_unsuccessful",
            (B.SUBMITTED,),
            B.UNSUCCESSFUL,
            "Mark unsuccessful",
            roles=LEAD_ROLES,
            system=True,
            allowed=_bid_lead,
            who="the lead commissioner",
            guards=(after_deadline,),
        ),
    ],
    terminal=(B.REJECTED, B.SUCCESSFUL, B.UNSUCCESSFUL),
    colours={B.DRAFT: "grey", B.REJECTED: "red"},
)


# --- taking a step through its service ------------------------------------------------------------------------------


def step_through(
    steps: Mapping[str, Callable[[Any, Actor, str], Any]],
    *,
    obj: Any,
    workflow: Workflow,
    name: str,
    by: Actor,
    reason: str,
) -> Any:
    """Take step ``name`` through the service ``steps`` names for it (it checks, records and notifies), else through
    the workflow itself (system steps, which then refuse a person with the workflow's reason)."""
    step = steps.get(name)
    if step is None:
        return transition(obj=obj, workflow=workflow, name=name, by=by, reason=reason)
    step(obj, by, reason)
    return obj
