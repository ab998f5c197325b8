"""The register entry's workflow: registered -> approved (for named categories until a date) -> suspended (with a
reason) -> registered again. Only the partnership's commissioners move it."""

from __future__ import annotations

from typing import Any

from commissioning.register.models import RegisterStatus
from commissioning.register.rules import approval_problems, is_registrar
from core.workflow import Transition, Workflow
from partners.models import Role

REGISTRARS = frozenset({Role.COMMISSIONER, Role.ORG_ADMIN})
WHO = "a commissioner of the partnership"


def _registrar(entry: Any, by: Any) -> bool:
    return is_registrar(entry.partnership_id, by)


REGISTER_WORKFLOW = Workflow(
    "provider_register",
    RegisterStatus,
    [
        Transition(
            "approve",
            (RegisterStatus.REGISTERED, RegisterStatus.APPROVED, RegisterStatus.SUSPENDED),
            RegisterStatus.APPROVED,
            "Approve",
            roles=REGISTRARS,
            allowed=_registrar,
            who=WHO,
            guards=(approval_problems,),
            effects=("clear_suspension",),
        ),
        Transition(
            "suspend",
            (RegisterStatus.REGISTERED, RegisterStatus.APPROVED),
            RegisterStatus.SUSPENDED,
            "Suspend",
            roles=REGISTRARS,
            allowed=_registrar,
            who=WHO,
            needs_reason=True,
            effects=("record_suspension",),
        ),
        Transition(
            "reinstate",
            (RegisterStatus.SUSPENDED,),
            RegisterStatus.REGISTERED,
            "Reinstate",
            roles=REGISTRARS,
            allowed=_registrar,
            who=WHO,
            effects=("clear_suspension",),
        ),
    ],
    colours={RegisterStatus.REGISTERED: "blue", RegisterStatus.APPROVED: "green", RegisterStatus.SUSPENDED: "red"},
)
