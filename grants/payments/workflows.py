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


def _payment_recorded(instalment: GrantInstalment) -> list[str]:
    if instalment.paid_on is None or not instalment.reference:
        return ["Give the date paid and the payment reference (the payment form, or the API's pay action)"]
    return []


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
            guards=(_grant_payable, _payment_recorded),
            effects=("attribute_payment",),
        ),
    ],
    terminal=(InstalmentStatus.PAID,),
    colours={InstalmentStatus.SCHEDULED: "blue", InstalmentStatus.PAID: "green"},
)
