"""Pure checks on KPI sets (who leads, what blocks sharing or agreeing): read, never write. The KPI set workflow's
guards.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from commissioning.models import Participation, ParticipationStatus
from core.actors import Actor
from monitoring import periods
from monitoring.kpis.models import KpiSet, KpiSetResponse
from monitoring.permissions import org_id


def is_set_lead(kpi_set: KpiSet, by: Actor) -> bool:
    return org_id(by) == kpi_set.commission.lead_id


def has_kpis(kpi_set: KpiSet) -> Iterable[str]:
    if not kpi_set.kpis.exists():
        yield "Add at least one KPI"


def frequencies_fit(kpi_set: KpiSet) -> Iterable[str]:
    for kpi in kpi_set.kpis.all():
        if not periods.finer_or_equal(kpi_set.return_frequency, kpi.frequency):
            yield (
                f"“{kpi.name}” is reported {kpi.get_frequency_display().lower()}, more often than the "
                f"{kpi_set.get_return_frequency_display().lower()} returns"
            )


def partners_of(kpi_set: KpiSet) -> list[Any]:
    """The organisations (other than the lead) taking part in the commission: each must agree the KPIs."""
    return [
        p.organisation
        for p in Participation.objects.unscoped(reason="every partner taking part must agree, whoever asks")
        .filter(commission_id=kpi_set.commission_id, status=ParticipationStatus.ACCEPTED)
        .exclude(organisation_id=kpi_set.commission.lead_id)
        .select_related("organisation")
        .order_by("organisation__name")
    ]


def missing_agreements(kpi_set: KpiSet) -> list[str]:
    agreed = set(
        KpiSetResponse.objects.filter(
            kpi_set=kpi_set, version=kpi_set.version, kind=KpiSetResponse.Kind.AGREE
        ).values_list("organisation_id", flat=True)
    )
    return [o.name for o in partners_of(kpi_set) if o.pk not in agreed]


def every_partner_agreed(kpi_set: KpiSet) -> Iterable[str]:
    for name in missing_agreements(kpi_set):
        yield f"{name} has not agreed these KPIs"


def no_returns_started(kpi_set: KpiSet) -> Iterable[str]:
    # Through the reverse relation's model, so that KPIs (the lower package) need not import returns.
    returns = kpi_set.returns.model.objects.unscoped(
        reason="the provider's draft returns count too, unseen by the lead"
    )
    if returns.filter(kpi_set=kpi_set).exists():
        yield "Returns have been made against these KPIs: they cannot be changed now"
