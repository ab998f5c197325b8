"""An engagement event's states, as data: draft -> open for sign-up -> sign-up closed -> held, or cancelled (with a
reason). Only the organiser's commissioners move it; opening it tells the providers who follow its service area."""

from __future__ import annotations

from commissioning.engagement.models import EngagementEvent, EventStatus
from commissioning.engagement.rules import ORGANISER_ROLES, held_guard, is_organiser
from core.actors import Actor
from core.workflow import Transition, Workflow

ES = EventStatus
WHO = "the organising partner's commissioners"


def _organiser(event: EngagementEvent, by: Actor) -> bool:
    return is_organiser(event, by)


EVENT_WORKFLOW = Workflow(
    "engagement_event",
    EventStatus,
    [
        Transition(
            "open",
            (ES.DRAFT,),
            ES.OPEN,
            "Open for sign-up",
            roles=frozenset(ORGANISER_ROLES),
            allowed=_organiser,
            who=WHO,
            effects=("announce",),
        ),
        Transition(
            "close",
            (ES.OPEN,),
            ES.CLOSED,
            "Close sign-up",
            roles=frozenset(ORGANISER_ROLES),
            allowed=_organiser,
            who=WHO,
        ),
        Transition(
            "reopen",
            (ES.CLOSED,),
            ES.OPEN,
            "Reopen sign-up",
            roles=frozenset(ORGANISER_ROLES),
            allowed=_organiser,
            who=WHO,
        ),
        Transition(
            "held",
            (ES.OPEN, ES.CLOSED),
            ES.HELD,
            "Record that it was held",
            roles=frozenset(ORGANISER_ROLES),
            allowed=_organiser,
            who=WHO,
            guards=(held_guard,),
        ),
        Transition(
            "cancel",
            (ES.DRAFT, ES.OPEN, ES.CLOSED),
            ES.CANCELLED,
            "Cancel the event",
            roles=frozenset(ORGANISER_ROLES),
            allowed=_organiser,
            who=WHO,
            needs_reason=True,
            effects=("tell_cancelled",),
        ),
    ],
    terminal=(ES.HELD, ES.CANCELLED),
    colours={ES.DRAFT: "grey", ES.OPEN: "green", ES.CLOSED: "grey", ES.HELD: "blue", ES.CANCELLED: "grey"},
)
