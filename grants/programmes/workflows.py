"""The grant programme's states: draft -> open -> closed -> assessing -> decided -> closed out (or cancelled)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from core.actors import Actor
from core.workflow import Transition, Workflow
from grants.programmes.models import GrantProgramme, ProgrammeStatus
from grants.programmes.rules import LEAD_ROLES, after_closing, is_lead, setup_problems

P = ProgrammeStatus


def _lead(programme: GrantProgramme, by: Actor) -> bool:
    return is_lead(programme, by)


def _stamp_opened(programme: GrantProgramme, by: Any) -> None:
    if programme.opened_at is None:
        programme.opened_at = timezone.now()
        programme.opened_by = getattr(by, "user", None)
        programme.save(update_fields=["opened_at", "opened_by"])


PROGRAMME_WORKFLOW = Workflow(
    "grant_programme",
    ProgrammeStatus,
    [
        Transition(
            "open",
            (P.DRAFT,),
            P.OPEN,
            "Open for applications",
            roles=LEAD_ROLES,
            allowed=_lead,
            who="the lead commissioner",
            guards=(setup_problems,),
            effects=(_stamp_opened, "announce"),
        ),
        Transition(
            "close",
            (P.OPEN,),
            P.CLOSED,
            "Close to applications",
            roles=LEAD_ROLES,
            system=True,
            allowed=_lead,
            who="the lead commissioner",
            guards=(after_closing,),
            effects=("tell_lead_closed",),
        ),
        Transition(
            "start_assessment",
            (P.CLOSED,),
            P.ASSESSING,
            "Start the assessment",
            roles=LEAD_ROLES,
            allowed=_lead,
            who="the lead commissioner",
        ),
        Transition(
            "record_decisions",
            (P.ASSESSING,),
            P.DECIDED,
            "Record that every application is decided",
            roles=LEAD_ROLES,
            allowed=_lead,
            who="the lead commissioner",
        ),
        Transition(
            "close_out",
            (P.DECIDED,),
            P.CLOSED_OUT,
            "Close out the programme",
            roles=LEAD_ROLES,
            allowed=_lead,
            who="the lead commissioner",
        ),
        Transition(
            "cancel",
            (P.DRAFT, P.OPEN),
            P.CANCELLED,
            "Cancel the programme",
            roles=LEAD_ROLES,
            allowed=_lead,
            who="the lead commissioner",
            needs_reason=True,
        ),
    ],
    terminal=(P.CLOSED_OUT, P.CANCELLED),
    colours={
        P.DRAFT: "grey",
        P.OPEN: "green",
        P.CLOSED: "grey",
        P.ASSESSING: "blue",
        P.DECIDED: "purple",
        P.CLOSED_OUT: "grey",
        P.CANCELLED: "grey",
    },
)
