"""The instalment's one step: paid (with its date and reference, attributed to the partners' money)."""

from __future__ import annotations

from typing import Any

from core.workflow import Transition, Workflow
from grants.payments.models import GrantInstalment, InstalmentStatus
from grants.payments.rules import grant_payable_problems, is_lead
from partners.models import Role


def _lead(instalment: GrantInstalment, by: Any) -> bool:
    return is_lead(instalment.application, by)


def _grant_payable(instalment: GrantInstalment) -> list[str]:
    return grant_payable_problems(instalment.application)


INSTALMENT_WORKFLOW = Workflow(
    "grant_instalment",
    InstalmentStatus,
    [
        Transition(
            "pay",
            (InstalmentStatus.SCHEDULED,),
            InstalmentStatus.PAID,
            "Record the payment",
            roles=frozenset({Role.FINANCE_OFFICER, Role.COMMISSIONER}),
            allowed=_lead,
            who="the lead partner's finance officer or commissioner",
            guards=(_grant_payable,),
            effects=("attribute_payment",),
        ),
    ],
    terminal=(InstalmentStatus.PAID,),
    colours={InstalmentStatus.SCHEDULED: "blue", InstalmentStatus.PAID: "green"},
)
