"""Who may do what in tendering.

- The lead commissioner: a commissioner of the commission's lead organisation. Runs the tender.
- Bidders: people with the bidder (or organisation admin) role at a provider. See only their own bids.
- Evaluators: named per tender by the lead, with the django-guardian object permission
  ``procurement.evaluate_tender`` on the tender. They see bids only once the deadline has passed (the tenant
  filter), after declaring their interests and, where they declared one, once the lead has allowed them.
"""

from __future__ import annotations

from typing import Any

from guardian.shortcuts import assign_perm, remove_perm

from partners.models import Role
from procurement.bids.models import Bid
from procurement.evaluation.models import Evaluator
from procurement.tenders.models import Tender
from procurement.tenders.rules import BIDDER_ROLES, is_lead

EVALUATE = "procurement.evaluate_tender"

# Roles that read the lead's tender pages (public-sector staff of the lead and partners).
READ_ROLES = (Role.COMMISSIONER, Role.FINANCE_OFFICER, Role.ORG_ADMIN, Role.BOARD_MEMBER, Role.VIEWER)
LEAD_ROLES = (Role.COMMISSIONER,)
BID_ROLES = (Role.BIDDER, Role.ORG_ADMIN)
EVALUATOR_ROLES = (Role.EVALUATOR,)

__all__ = ["BIDDER_ROLES", "is_lead"]


def is_bidder(bid: Bid, by: Any) -> bool:
    return by.organisation is not None and by.organisation.pk == bid.organisation_id and by.has_role(*BID_ROLES)


def grant_evaluator(user: Any, tender: Tender) -> None:
    assign_perm(EVALUATE, user, tender)


def revoke_evaluator(user: Any, tender: Tender) -> None:
    remove_perm(EVALUATE, user, tender)


def may_evaluate(tender: Tender, user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.has_perm(EVALUATE, tender))


def evaluator_of(tender: Tender, user: Any) -> Evaluator | None:
    if user is None or not user.is_authenticated:
        return None
    return (
        Evaluator.objects.unscoped(reason="deciding access reads the panel, whoever asks")
        .filter(tender=tender, user=user)
        .first()
    )


def cleared_evaluator(tender: Tender, user: Any) -> Evaluator | None:
    """The person's panel seat if they may see the bids now (permission held, declared, not excluded)."""
    evaluator = evaluator_of(tender, user)
    if evaluator is None or not evaluator.is_cleared or not may_evaluate(tender, user):
        return None
    return evaluator


def may_read_bids(tender: Tender, by: Any) -> bool:
    """The lead commissioner or a cleared evaluator (the tenant filter still keeps bids sealed until the deadline)."""
    return is_lead(tender, by) or cleared_evaluator(tender, by.user) is not None


def scoring_seats(acting: Any) -> list[int]:
    """The tenders whose bids the acting person reads as a cleared evaluator."""
    return [
        e.tender_id
        for e in Evaluator.objects.unscoped(reason="deciding access reads the panel, whoever asks").filter(
            user=acting.user, organisation=acting.organisation
        )
        if e.is_cleared and may_evaluate(e.tender, acting.user)
    ]
