"""A contribution's states, as data: indicative -> confirmed -> transferred.

The services (``contribution_confirm``, ``contribution_transfer``) say first who may act and what the commission
allows, in words (a stranger is told who may); ``core.workflow.transition`` then locks the row, re-checks, moves
it, runs the effects and writes the audit event (``contribution.confirmed`` / ``contribution.transferred``, the
step names). Effects that need the services are bound there by name; a transfer's date and reference are
written by ``contribution_transfer`` before the step (the table's check constraint wants them with the state).
"""

from __future__ import annotations

from django.utils import timezone

from commissioning.commissions.models import Contribution, ContributionStatus
from commissioning.money.models import ChangeStatus, ContributionChange
from core.actors import Actor
from core.workflow import Transition, Workflow
from partners.models import Role

CS = ContributionStatus


def _own_organisation(contribution: Contribution, by: Actor) -> bool:
    return by.organisation is not None and by.organisation.pk == contribution.organisation_id


def _may_record_transfer(contribution: Contribution, by: Actor) -> bool:
    """The contributing partner, or the lead's or the accountable body's finance officers."""
    if by.organisation is None:
        return False
    if by.organisation.pk == contribution.organisation_id and by.has_role(Role.COMMISSIONER, Role.FINANCE_OFFICER):
        return True
    commission = contribution.commission
    holders = (commission.lead_id, commission.partnership.accountable_body_id)
    return by.organisation.pk in holders and by.has_role(Role.FINANCE_OFFICER)


def _stamp_confirmation(contribution: Contribution, by: Actor) -> None:
    contribution.confirmed_by = by.user
    contribution.confirmed_at = timezone.now()
    contribution.save(update_fields=["confirmed_by", "confirmed_at"])


CONTRIBUTION_WORKFLOW = Workflow(
    "contribution",
    ContributionStatus,
    [
        Transition(
            "confirmed",
            (CS.INDICATIVE,),
            CS.CONFIRMED,
            "Confirm",
            roles=frozenset({Role.COMMISSIONER, Role.FINANCE_OFFICER}),
            allowed=_own_organisation,
            who="the contributing partner's commissioners or finance officers",
            effects=(_stamp_confirmation, "tell_lead_of_confirmation"),
        ),
        Transition(
            "transferred",
            (CS.CONFIRMED,),
            CS.TRANSFERRED,
            "Record the transfer",
            roles=frozenset({Role.COMMISSIONER, Role.FINANCE_OFFICER}),
            allowed=_may_record_transfer,
            who="the contributing partner, or the lead's or accountable body's finance officers",
        ),
    ],
    terminal=(CS.TRANSFERRED,),
    colours={CS.INDICATIVE: "yellow", CS.CONFIRMED: "blue", CS.TRANSFERRED: "green"},
)


# --- variations: a confirmed or transferred figure changes only when the partner re-confirms ----------------------


def _partner_of_change(change: ContributionChange, by: Actor) -> bool:
    return by.organisation is not None and by.organisation.pk == change.contribution.organisation_id


def _proposer_or_partner(change: ContributionChange, by: Actor) -> bool:
    """The contributing partner, or the organisation that proposed the variation (the lead)."""
    if _partner_of_change(change, by):
        return True
    return by.organisation is not None and by.organisation.pk == change.contribution.commission.lead_id


def _stamp_decision(change: ContributionChange, by: Actor) -> None:
    change.decided_by = by.user
    change.decided_at = timezone.now()
    change.save(update_fields=["decided_by", "decided_at"])


VS = ChangeStatus

VARIATION_WORKFLOW = Workflow(
    "contribution_variation",
    ChangeStatus,
    [
        Transition(
            "reconfirmed",
            (VS.PENDING,),
            VS.APPLIED,
            "Re-confirm the new figure",
            roles=frozenset({Role.COMMISSIONER, Role.FINANCE_OFFICER}),
            allowed=_partner_of_change,
            who="the contributing partner's commissioners or finance officers",
            effects=(_stamp_decision, "apply_variation"),
        ),
        Transition(
            "withdrawn",
            (VS.PENDING,),
            VS.WITHDRAWN,
            "Withdraw the variation",
            roles=frozenset({Role.COMMISSIONER, Role.FINANCE_OFFICER}),
            allowed=_proposer_or_partner,
            who="the contributing partner, or the lead commissioner",
            effects=(_stamp_decision,),
        ),
    ],
    terminal=(VS.APPLIED, VS.WITHDRAWN),
    colours={VS.PENDING: "yellow", VS.APPLIED: "green", VS.WITHDRAWN: "grey"},
)
