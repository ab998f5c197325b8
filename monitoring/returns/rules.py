"""Pure checks on returns (who may act, what blocks submitting, answering or accepting): read, never write. The
return workflow's guards.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from core.actors import Actor
from monitoring.permissions import org_id
from monitoring.returns.models import KpiReturn


def is_return_provider(kpi_return: KpiReturn, by: Actor) -> bool:
    return org_id(by) == kpi_return.contract.provider_id


def is_return_lead(kpi_return: KpiReturn, by: Actor) -> bool:
    return org_id(by) == kpi_return.contract.commission.lead_id


def period_over(kpi_return: KpiReturn) -> Iterable[str]:
    if timezone.localdate() <= kpi_return.period_end:
        yield f"The period runs until {kpi_return.period_end:%-d %B %Y}: send the return after it ends"


def values_complete(kpi_return: KpiReturn) -> Iterable[str]:
    for value in kpi_return.values.select_related("kpi").order_by("kpi__position", "kpi_id"):
        if value.actual is None:
            yield f"Give the actual for “{value.kpi.name}”"


def narrative_written(kpi_return: KpiReturn) -> Iterable[str]:
    if not kpi_return.narrative.strip():
        yield "Write the narrative: how the period went"


def evidence_attached(kpi_return: KpiReturn) -> Iterable[str]:
    needing = [v.kpi.name for v in kpi_return.values.select_related("kpi") if v.kpi.evidence_required.strip()]
    if needing and not kpi_return.evidence.exists():
        yield f"Attach the evidence required for {', '.join(f'“{n}”' for n in needing)}"


def open_query_answered(kpi_return: KpiReturn) -> Iterable[str]:
    latest = kpi_return.queries.order_by("-asked_at", "-id").first()
    if latest is None or not latest.answer.strip():
        yield "Answer the lead commissioner's question"


def has_open_query(kpi_return: KpiReturn) -> Iterable[str]:
    latest = kpi_return.queries.order_by("-asked_at", "-id").first()
    if latest is None or latest.answer:
        yield "Write the question for the provider"


def note_written(kpi_return: KpiReturn) -> Iterable[str]:
    if not kpi_return.review_note.strip():
        yield "Write the note to accept with"
