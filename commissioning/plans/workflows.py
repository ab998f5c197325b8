"""A forward plan's states, as data: draft -> planned -> in procurement -> commissioned, or dropped (with a reason).
Only the partner that owns the plan moves it."""

from __future__ import annotations

from commissioning.plans.models import ForwardPlan, PlanStatus
from commissioning.plans.rules import may_edit
from core.actors import Actor
from core.workflow import Transition, Workflow
from partners.models import Role

PS = PlanStatus
OWNER = "the commissioners of the partner whose plan it is"


def _owner(plan: ForwardPlan, by: Actor) -> bool:
    return may_edit(plan, by)


PLAN_WORKFLOW = Workflow(
    "forward_plan",
    PlanStatus,
    [
        Transition(
            "plan",
            (PS.DRAFT,),
            PS.PLANNED,
            "Confirm as planned",
            roles=frozenset({Role.COMMISSIONER}),
            allowed=_owner,
            who=OWNER,
        ),
        Transition(
            "procure",
            (PS.DRAFT, PS.PLANNED),
            PS.IN_PROCUREMENT,
            "Mark as in procurement",
            roles=frozenset({Role.COMMISSIONER}),
            allowed=_owner,
            who=OWNER,
        ),
        Transition(
            "commissioned",
            (PS.PLANNED, PS.IN_PROCUREMENT),
            PS.COMMISSIONED,
            "Mark as commissioned",
            roles=frozenset({Role.COMMISSIONER}),
            allowed=_owner,
            who=OWNER,
        ),
        Transition(
            "drop",
            (PS.DRAFT, PS.PLANNED, PS.IN_PROCUREMENT),
            PS.DROPPED,
            "Drop the plan",
            roles=frozenset({Role.COMMISSIONER}),
            allowed=_owner,
            who=OWNER,
            needs_reason=True,
        ),
    ],
    terminal=(PS.COMMISSIONED, PS.DROPPED),
    colours={
        PS.DRAFT: "grey",
        PS.PLANNED: "blue",
        PS.IN_PROCUREMENT: "purple",
        PS.COMMISSIONED: "green",
        PS.DROPPED: "red",
    },
)
