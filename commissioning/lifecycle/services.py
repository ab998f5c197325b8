"""Writes: moving the commission through its life.

For the tendering app: ``commission_transition(commission=..., name=..., by=...)`` moves the commission on (``award``,
``go_live`` and ``close`` may be taken by ``core.actors.SYSTEM``); ``rules.procurement_blockers(commission)`` names
everything that stops it entering procurement.
"""

from __future__ import annotations

from typing import Any

from commissioning.commissions.models import JointCommission
from commissioning.commissions.services import notify_participants
from commissioning.lifecycle.workflows import COMMISSION_WORKFLOW
from core.actors import Actor
from core.service import service
from core.workflow import transition


@service
def commission_transition(*, commission: JointCommission, name: str, by: Actor, reason: str = "") -> JointCommission:
    """Take one step of the commission's life (guarded, locked, audited). Raises TransitionNotAllowed naming what
    is missing."""
    return transition(obj=commission, workflow=COMMISSION_WORKFLOW, name=name, by=by, reason=reason)


@COMMISSION_WORKFLOW.effect("tell_partners_procurement_started")
def _tell_partners_procurement_started(
    commission: JointCommission, *, by: Actor, reason: str, data: dict[str, Any] | None
) -> None:
    notify_participants(
        commission,
        subject=f"{commission.title} has entered procurement",
        body=f"{commission.lead} now runs the procurement on behalf of every partner.",
        exclude_organisation_id=by.organisation.pk if by.organisation is not None else None,
        key=f"commission:{commission.pk}:procurement",
    )
