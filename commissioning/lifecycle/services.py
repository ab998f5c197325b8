"""Writes: moving the commission through its life.

For the tendering app: ``commission_transition(commission=..., name=..., by=...)`` moves the commission on (``award``,
``go_live`` and ``close`` may be taken by ``core.actors.SYSTEM``); ``rules.procurement_blockers(commission)`` names
everything that stops it entering procurement.
"""

from __future__ import annotations

from commissioning.commissions.models import JointCommission
from commissioning.lifecycle.workflows import COMMISSION_WORKFLOW, NEEDS_REASON
from core.actors import Actor
from core.errors import DomainError
from core.service import service
from core.workflow import transition


@service
def commission_transition(*, commission: JointCommission, name: str, by: Actor, reason: str = "") -> JointCommission:
    """Take one step of the commission's life (guarded, locked, audited). Raises TransitionNotAllowed naming what
    is missing."""
    if name in NEEDS_REASON and not reason.strip():
        raise DomainError("Give a reason for this step", field="reason")
    return transition(obj=commission, workflow=COMMISSION_WORKFLOW, name=name, by=by, reason=reason.strip())
