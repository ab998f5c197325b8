"""The life of a return, as data: draft -> submitted -> (queried -> answered ->)* accepted | accepted with a note."""

from __future__ import annotations

from django.utils import timezone

from core.actors import Actor
from core.workflow import Transition, Workflow
from monitoring import rag
from monitoring.people import actor_name
from monitoring.permissions import LEAD_ROLES, PROVIDER_ROLES
from monitoring.returns.models import KpiReturn, ReturnStatus
from monitoring.returns.rules import (
    evidence_attached,
    has_open_query,
    is_return_lead,
    is_return_provider,
    narrative_written,
    note_written,
    open_query_answered,
    period_over,
    values_complete,
)

R = ReturnStatus


def _stamp_submitted(kpi_return: KpiReturn, by: Actor) -> None:

    kpi_return.submitted_at = timezone.now()
    kpi_return.submitted_by = by.user
    kpi_return.submitted_by_name = actor_name(by)
    kpi_return.rag = rag.worst(kpi_return.values.values_list("rag", flat=True))
    kpi_return.save(update_fields=["submitted_at", "submitted_by", "submitted_by_name", "rag"])


def _recompute_rag(kpi_return: KpiReturn, by: Actor) -> None:

    kpi_return.rag = rag.worst(kpi_return.values.values_list("rag", flat=True))
    kpi_return.save(update_fields=["rag"])


def _stamp_reviewed(kpi_return: KpiReturn, by: Actor) -> None:
    kpi_return.reviewed_at = timezone.now()
    kpi_return.reviewed_by = by.user
    kpi_return.reviewed_by_name = actor_name(by)
    kpi_return.save(update_fields=["reviewed_at", "reviewed_by", "reviewed_by_name"])


REVIEWABLE = (R.SUBMITTED, R.ANSWERED)


RETURN_WORKFLOW = Workflow(
    "kpi_return",
    ReturnStatus,
    [
        Transition(
            "submit",
            (R.DRAFT,),
            R.SUBMITTED,
            "Submit the return",
            roles=frozenset(PROVIDER_ROLES),
            allowed=is_return_provider,
            who="the provider",
            guards=(period_over, values_complete, narrative_written, evidence_attached),
            effects=(_stamp_submitted,),
        ),
        Transition(
            "query",
            REVIEWABLE,
            R.QUERIED,
            "Query the return",
            roles=frozenset(LEAD_ROLES),
            allowed=is_return_lead,
            who="the lead commissioner",
            guards=(has_open_query,),
        ),
        Transition(
            "answer",
            (R.QUERIED,),
            R.ANSWERED,
            "Send the answer",
            roles=frozenset(PROVIDER_ROLES),
            allowed=is_return_provider,
            who="the provider",
            guards=(values_complete, open_query_answered),
            effects=(_recompute_rag,),
        ),
        Transition(
            "accept",
            REVIEWABLE,
            R.ACCEPTED,
            "Accept the return",
            roles=frozenset(LEAD_ROLES),
            allowed=is_return_lead,
            who="the lead commissioner",
            effects=(_stamp_reviewed,),
        ),
        Transition(
            "accept_with_note",
            REVIEWABLE,
            R.ACCEPTED_WITH_NOTE,
            "Accept with a note",
            roles=frozenset(LEAD_ROLES),
            allowed=is_return_lead,
            who="the lead commissioner",
            guards=(note_written,),
            effects=(_stamp_reviewed,),
        ),
    ],
    terminal=(R.ACCEPTED, R.ACCEPTED_WITH_NOTE),
)


# The lead's review steps, shown together on a return.
REVIEW_STEPS = ("accept", "query", "accept_with_note")
