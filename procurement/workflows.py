"""The tender's and the bid's lives, as data.

Tender: draft -> method approved -> published -> clarifications closed -> closed for bids -> evaluation ->
recommended -> approved -> standstill -> awarded, or cancelled.

Bid: draft -> submitted -> withdrawn, shortlisted, rejected, successful or unsuccessful.

Approvals (the evaluation method, the award) are taken by the partnership's board where there is one -- its
decision handler acts as a ``BoardActor`` -- and otherwise by the lead commissioner.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from core.actors import Actor
from core.workflow import Transition, Workflow
from partners.models import Role
from procurement.models import RECEIVED, Bid, BidStatus, Stage, Tender, TenderStatus

T = TenderStatus
B = BidStatus
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
    """Whether the tender's partnership has a commissioning board (which then approves methods and awards)."""
    from boards.models import Board

    return Board._base_manager.filter(partnership_id=tender.commission.partnership_id).exists()


def is_lead(tender: Tender, by: Actor) -> bool:
    return (
        by.user is not None
        and by.organisation is not None
        and by.organisation.pk == tender.commission.lead_id
        and by.has_role(Role.COMMISSIONER)
    )


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
    from procurement.services import method_problems

    return method_problems(tender.method)


def publish_ready(tender: Tender) -> Iterable[str]:
    from procurement.services import publish_problems

    return publish_problems(tender)


def clarification_deadline_passed(tender: Tender) -> Iterable[str]:
    if timezone.now() < tender.clarification_deadline:
        yield f"The clarification deadline ({timezone.localtime(tender.clarification_deadline):%-d %B %Y, %H:%M}) has not passed"


def bid_deadline_passed(tender: Tender) -> Iterable[str]:
    if tender.is_two_stage and tender.stage == Stage.EOI:
        yield "Shortlisting has not finished: invite the shortlisted providers to the full bid first"
    elif timezone.now() < tender.submission_deadline:
        yield f"The bid deadline ({timezone.localtime(tender.submission_deadline):%-d %B %Y, %H:%M}) has not passed"


def evaluation_ready(tender: Tender) -> Iterable[str]:
    from procurement.models import Evaluator

    received = Bid._base_manager.filter(tender=tender, stage=Stage.FULL, status__in=RECEIVED).count()
    if not received:
        yield "No bids were received: cancel the tender instead"
    if not Evaluator._base_manager.filter(tender=tender).exists():
        yield "Name the evaluation panel"


def recommendation_ready(tender: Tender) -> Iterable[str]:
    from procurement.models import AwardRecommendation, RecommendationStatus
    from procurement.services import moderation_problems

    yield from moderation_problems(tender)
    if not AwardRecommendation._base_manager.filter(tender=tender, status=RecommendationStatus.DRAFT).exists():
        yield "Record the award recommendation: the recommended bid and its annual value"


def standstill_ready(tender: Tender) -> Iterable[str]:
    from procurement.models import AwardRecommendation, RecommendationStatus

    if not AwardRecommendation._base_manager.filter(tender=tender, status=RecommendationStatus.APPROVED).exists():
        yield "The award recommendation has not been approved"


def standstill_over(tender: Tender) -> Iterable[str]:
    from procurement.models import AwardLine, RecommendationStatus

    today = timezone.localdate()
    if tender.standstill_ends_on is None or today <= tender.standstill_ends_on:
        ends = f" It ends at the end of {tender.standstill_ends_on:%A %-d %B %Y}." if tender.standstill_ends_on else ""
        yield f"The standstill period has not ended.{ends}"
    unsigned = AwardLine._base_manager.filter(
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
            guards=(publish_ready,),
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
        ),
        Transition(
            "recommend",
            (T.EVALUATION,),
            T.RECOMMENDED,
            "Recommend the award",
            roles=LEAD_ROLES,
            allowed=_lead,
            who="the lead commissioner",
            guards=(recommendation_ready,),
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
        ),
    ],
    terminal=(T.AWARDED, T.CANCELLED),
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
)
