"""The life of a joint commission, as data.

draft -> gathering requirements -> sign-up -> procurement -> awarded -> live -> closed | decommissioned

The tendering app moves a commission on through ``commissioning.lifecycle.services.commission_transition``: ``award``
and ``go_live`` are taken only by the system (the tendering process), never by hand; ``enter_procurement`` by the lead
or the system, guarded by ``rules.procurement_blockers``. Its effects are bound in ``services``.
"""

from __future__ import annotations

from commissioning.commissions.models import CommissionStatus, JointCommission
from commissioning.lifecycle.rules import model_chosen, procurement_blockers, sign_up_blockers
from core.actors import Actor
from core.workflow import Transition, Workflow
from partners.models import Role

S = CommissionStatus


LEAD = frozenset({Role.COMMISSIONER})


def _is_lead(commission: JointCommission, by: Actor) -> bool:
    return by.organisation is not None and by.organisation.pk == commission.lead_id


def _nobody(commission: JointCommission, by: Actor) -> bool:
    """Steps only the tendering process (the system) takes: a person cannot record an award by hand."""
    return False


COMMISSION_WORKFLOW = Workflow(
    "commission",
    CommissionStatus,
    [
        Transition(
            "start_gathering",
            (S.DRAFT,),
            S.GATHERING,
            "Start gathering requirements",
            roles=LEAD,
            allowed=_is_lead,
            who="the lead commissioner",
        ),
        Transition(
            "open_sign_up",
            (S.GATHERING,),
            S.SIGN_UP,
            "Open sign-up",
            roles=LEAD,
            allowed=_is_lead,
            who="the lead commissioner",
            guards=(model_chosen, sign_up_blockers),
        ),
        Transition(
            "reopen_requirements",
            (S.SIGN_UP,),
            S.GATHERING,
            "Reopen requirements",
            roles=LEAD,
            allowed=_is_lead,
            who="the lead commissioner",
            needs_reason=True,
        ),
        Transition(
            "enter_procurement",
            (S.SIGN_UP,),
            S.PROCUREMENT,
            "Enter procurement",
            roles=LEAD,
            system=True,
            allowed=_is_lead,
            who="the lead commissioner",
            guards=(procurement_blockers,),
            effects=("tell_partners_procurement_started",),
        ),
        Transition(
            "award",
            (S.PROCUREMENT,),
            S.AWARDED,
            "Record the award",
            system=True,
            allowed=_nobody,
            who="the tendering process",
        ),
        Transition(
            "go_live",
            (S.AWARDED,),
            S.LIVE,
            "Mark the contract as live",
            system=True,
            allowed=_nobody,
            who="the tendering process",
        ),
        Transition(
            "close",
            (S.DRAFT, S.GATHERING, S.SIGN_UP, S.LIVE),
            S.CLOSED,
            "Close",
            roles=LEAD,
            system=True,
            allowed=_is_lead,
            who="the lead commissioner",
            needs_reason=True,
        ),
        Transition(
            "decommission",
            (S.LIVE,),
            S.DECOMMISSIONED,
            "Decommission",
            roles=LEAD,
            allowed=_is_lead,
            who="the lead commissioner",
            needs_reason=True,
        ),
    ],
    terminal=(S.CLOSED, S.DECOMMISSIONED),
    # The states' tags (GOV.UK colours); the rest are the default blue.
    colours={S.DRAFT: "grey", S.AWARDED: "green", S.LIVE: "green", S.CLOSED: "grey"},
)
