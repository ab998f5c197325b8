"""Who may do what in contract monitoring. Object checks take the acting person explicitly.

- The lead commissioner (a commissioner of the commission's lead organisation) drafts KPIs, reviews returns, plans
  visits, opens improvement plans and runs the end of the contract.
- Each partner taking part (its commissioners) comments on and agrees the KPIs; everyone at a partner sees its own
  contracts' performance and its partner report.
- The provider (its bidders and organisation admins) makes returns, answers queries and updates its actions.
- Board members see the portfolio of their partnership's contracts (a seat on the board, or its clerk).
"""

from __future__ import annotations

from typing import Any

from boards.models import Board, BoardMember
from commissioning.models import JointCommission, Participation, ParticipationStatus
from core.actors import Actor
from core.errors import NotPermitted
from partners.models import Role
from procurement.award.models import Contract

# Pages about a contract's performance: public-sector staff of the organisations involved, and the provider.
READ_ROLES = (Role.COMMISSIONER, Role.FINANCE_OFFICER, Role.ORG_ADMIN, Role.BOARD_MEMBER, Role.VIEWER, Role.BIDDER)
PUBLIC_READ_ROLES = (Role.COMMISSIONER, Role.FINANCE_OFFICER, Role.ORG_ADMIN, Role.BOARD_MEMBER, Role.VIEWER)
LEAD_ROLES = (Role.COMMISSIONER,)
PROVIDER_ROLES = (Role.BIDDER, Role.ORG_ADMIN)
# Pages where either side acts (the lead reviews; the provider submits and answers).
ACTING_ROLES = (Role.COMMISSIONER, Role.BIDDER, Role.ORG_ADMIN)
REPORT_ROLES = (Role.COMMISSIONER, Role.FINANCE_OFFICER, Role.ORG_ADMIN, Role.BOARD_MEMBER, Role.VIEWER)


def org_id(by: Any) -> int | None:
    return by.organisation.pk if getattr(by, "organisation", None) is not None else None


def is_lead_of(commission: JointCommission | Any, by: Any) -> bool:
    lead_id = commission.lead_id
    return org_id(by) == lead_id and by.has_role(Role.COMMISSIONER)


def is_lead(contract: Contract, by: Any) -> bool:
    return is_lead_of(contract.commission, by)


def is_lead_organisation(contract: Contract, by: Any) -> bool:
    return org_id(by) == contract.commission.lead_id


def is_provider(contract: Contract, by: Any) -> bool:
    return org_id(by) == contract.provider_id and by.has_role(*PROVIDER_ROLES)


def is_provider_organisation(contract: Contract, by: Any) -> bool:
    return org_id(by) == contract.provider_id


def is_partner(commission: JointCommission, by: Any) -> bool:
    """A partner taking part in the commission (not the lead)."""
    oid = org_id(by)
    if oid is None or oid == commission.lead_id:
        return False
    return (
        Participation.objects.unscoped(reason="whether the actor's organisation takes part")
        .filter(commission=commission, organisation_id=oid, status=ParticipationStatus.ACCEPTED)
        .exists()
    )


def may_respond_to_kpis(commission: JointCommission, by: Any) -> bool:
    return is_partner(commission, by) and by.has_role(Role.COMMISSIONER)


def sits_on(board: Board, user: Any) -> bool:
    """A current seat on the board, or its clerk: the people who see the partnership's portfolio."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if (
        BoardMember.objects.unscoped(reason="a person's seat on a board, whichever organisation they act for")
        .filter(board=board, person=user, active=True)
        .exists()
    ):
        return True
    return board.clerks.filter(pk=user.pk).exists()


def require_lead(contract: Contract, by: Actor, doing: str) -> None:
    if not is_lead(contract, by):
        raise NotPermitted(f"Only the lead commissioner ({contract.commission.lead}) can {doing}")


def require_commission_lead(commission: JointCommission, by: Actor, doing: str) -> None:
    if not is_lead_of(commission, by):
        raise NotPermitted(f"Only the lead commissioner ({commission.lead}) can {doing}")


def require_provider(contract: Contract, by: Actor, doing: str) -> None:
    if not is_provider(contract, by):
        raise NotPermitted(f"Only the provider ({contract.provider}) can {doing}")
