"""Reads about KPIs: the sets an organisation sees, where each partner stands, and which set and periods a contract
is monitored on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from monitoring import periods
from monitoring.kpis.models import Kpi, KpiSet, KpiSetResponse
from monitoring.kpis.rules import partners_of
from partners.models import Organisation
from procurement.award.models import Contract


def kpi_set_for(contract: Contract) -> KpiSet | None:
    """The KPIs a contract is monitored on: its lot's own set, else the commission-wide set."""
    candidates = list(
        KpiSet.objects.unscoped(reason="the set a contract is monitored on, in whatever state")
        .filter(commission_id=contract.commission_id)
        .select_related("commission")
    )
    own = [s for s in candidates if s.lot_id is not None and s.lot_id == contract.lot_id]
    wide = [s for s in candidates if s.lot_id is None]
    return own[0] if own else (wide[0] if wide else None)


def contract_periods(contract: Contract, kpi_set: KpiSet) -> list[periods.Period]:
    return periods.reporting_periods(contract.start_date, contract.end_date, kpi_set.return_frequency)


def due_kpis(kpis: Iterable[Kpi], period: periods.Period, contract: Contract) -> list[Kpi]:
    """The KPIs due in ``period`` for ``contract``: a social value KPI only for the contract whose bid promised it."""
    return [
        k
        for k in kpis
        if k.applies_to(contract.pk) and periods.is_due_in(k.frequency, period, contract_end=contract.end_date)
    ]


def kpi_sets_for(*, organisation: Organisation) -> QuerySet[KpiSet]:
    return (
        KpiSet.objects.select_related("commission__lead", "lot")
        .annotate(kpi_count=Count("kpis", distinct=True))
        .order_by("commission__title", "lot__number", "pk")
    )


@dataclass
class PartnerPosition:
    organisation: Organisation
    agreed: KpiSetResponse | None
    comments: list[KpiSetResponse]


def agreement_status(kpi_set: KpiSet) -> list[PartnerPosition]:

    responses = list(KpiSetResponse.objects.filter(kpi_set=kpi_set).select_related("organisation").order_by("at", "id"))
    out = []
    for partner in partners_of(kpi_set):
        own = [r for r in responses if r.organisation_id == partner.pk]
        agreed = next(
            (r for r in reversed(own) if r.kind == KpiSetResponse.Kind.AGREE and r.version == kpi_set.version), None
        )
        out.append(PartnerPosition(partner, agreed, [r for r in own if r.kind == KpiSetResponse.Kind.COMMENT]))
    return out
