"""The life of a return, as data: draft -> submitted -> (queried -> answered ->)* accepted | accepted with a note."""

from __future__ import annotations

from core.actors import Actor
from core.workflow import Workflow
from monitoring import rag
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
from monitoring.steps import lead_step, provider_step, stamp

R = ReturnStatus


def _stamp_submitted(kpi_return: KpiReturn, by: Actor) -> None:
    kpi_return.rag = rag.worst(kpi_return.values.values_list("rag", flat=True))
    kpi_return.save(update_fields=[*stamp(kpi_return, "submitted", by), "rag"])


def _recompute_rag(kpi_return: KpiReturn, by: Actor) -> None:
    kpi_return.rag = rag.worst(kpi_return.values.values_list("rag", flat=True))
    kpi_return.save(update_fields=["rag"])


def _stamp_reviewed(kpi_return: KpiReturn, by: Actor) -> None:
    kpi_return.save(update_fields=stamp(kpi_return, "reviewed", by))


REVIEWABLE = (R.SUBMITTED, R.ANSWERED)


RETURN_WORKFLOW = Workflow(
    "kpi_return",
    ReturnStatus,
    [
        provider_step(
            "submit",
            (R.DRAFT,),
            R.SUBMITTED,
            "Submit the return",
            allowed=is_return_provider,
            guards=(period_over, values_complete, narrative_written, evidence_attached),
            effects=(_stamp_submitted, "tell_lead_submitted"),
        ),
        lead_step(
            "query",
            REVIEWABLE,
            R.QUERIED,
            "Query the return",
            allowed=is_return_lead,
            guards=(has_open_query,),
            effects=("tell_provider_queried",),
        ),
        provider_step(
            "answer",
            (R.QUERIED,),
            R.ANSWERED,
            "Send the answer",
            allowed=is_return_provider,
            guards=(values_complete, open_query_answered),
            effects=(_recompute_rag, "tell_lead_answered"),
        ),
        lead_step(
            "accept",
            REVIEWABLE,
            R.ACCEPTED,
            "Accept the return",
            allowed=is_return_lead,
            effects=(_stamp_reviewed, "tell_provider_accepted"),
        ),
        lead_step(
            "accept_with_note",
            REVIEWABLE,
            R.ACCEPTED_WITH_NOTE,
            "Accept with a note",
            allowed=is_return_lead,
            guards=(note_written,),
            effects=(_stamp_reviewed, "tell_provider_accepted"),
        ),
    ],
    colours={
        R.DRAFT: "grey",
        R.SUBMITTED: "blue",
        R.QUERIED: "purple",
        R.ANSWERED: "light-blue",
        R.ACCEPTED: "green",
        R.ACCEPTED_WITH_NOTE: "turquoise",
    },
    terminal=(R.ACCEPTED, R.ACCEPTED_WITH_NOTE),
)


# The lead's review steps, shown together on a return.
REVIEW_STEPS = ("accept", "query", "accept_with_note")
