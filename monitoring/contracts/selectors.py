"""Reads about contracts under monitoring: the list with their KPI set, plans, visits and review in one query, and
one contract's performance (periods, trends). Aggregation happens in SQL, periods and RAG in pure Python.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.safestring import SafeString

from core import charts
from core.money import financial_year_label, format_gbp, money
from monitoring import periods, rag
from monitoring.kpis.models import Kpi, KpiSet, Unit
from monitoring.kpis.selectors import contract_periods, kpi_set_for
from monitoring.kpis.units import format_value
from monitoring.oversight.models import ImprovementPlan, MonitoringVisit, PlanStatus, VisitStatus
from monitoring.returns.models import KpiReturn, KpiValue, ReturnStatus
from monitoring.reviews.models import EndReview
from partners.models import Organisation
from procurement.award.models import Contract, ContractShare

ZERO = Decimal("0")


# Figures about contracts the reader already sees (their KPI set, plans, visits, review), computed in the one query
# that lists them: the contracts are scoped, the subqueries are not.
FIGURES = "figures about contracts the reader already sees"


def _set_for_contract() -> QuerySet[KpiSet]:
    """The KPI set a contract (the outer row) is monitored on: its lot's own, else the commission-wide one."""
    return (
        KpiSet.objects.unscoped(reason=FIGURES)
        .filter(commission=OuterRef("commission"))
        .filter(Q(lot=OuterRef("lot")) | Q(lot__isnull=True))
        .order_by(F("lot").asc(nulls_last=True))
    )


def annotate_contracts(contracts: QuerySet[Contract]) -> QuerySet[Contract]:
    """Contracts with their KPI set, its size, open improvement plans, the next visit and the end review's status,
    in one query."""
    sets = _set_for_contract()
    kpi_count = (
        Kpi.objects.unscoped(reason=FIGURES)
        .filter(kpi_set=OuterRef("kpi_set_id"))
        .order_by()
        .values("kpi_set")
        .annotate(n=Count("pk"))
        .values("n")
    )
    open_plans = (
        ImprovementPlan.objects.unscoped(reason=FIGURES)
        .filter(contract=OuterRef("pk"), status=PlanStatus.OPEN)
        .order_by()
        .values("contract")
        .annotate(n=Count("pk"))
        .values("n")
    )
    next_visit = (
        MonitoringVisit.objects.unscoped(reason=FIGURES)
        .filter(contract=OuterRef("pk"), status=VisitStatus.PLANNED)
        .order_by("planned_on")
    )
    review = EndReview.objects.unscoped(reason=FIGURES).filter(contract=OuterRef("pk"))
    return contracts.select_related("provider", "commission__lead", "commission__partnership").annotate(
        kpi_set_id=Subquery(sets.values("pk")[:1]),
        kpi_set_status=Subquery(sets.values("status")[:1]),
        return_frequency=Subquery(sets.values("return_frequency")[:1]),
        return_due_days=Subquery(sets.values("return_due_days")[:1]),
        kpi_count=Coalesce(Subquery(kpi_count, output_field=IntegerField()), Value(0)),
        open_plans=Coalesce(Subquery(open_plans, output_field=IntegerField()), Value(0)),
        next_visit_on=Subquery(next_visit.values("planned_on")[:1]),
        review_status=Subquery(review.values("status")[:1]),
    )


def contracts_for(*, organisation: Organisation) -> QuerySet[Contract]:
    """Contracts the organisation is part of: as lead, partner, accountable body or provider (the tenant scope)."""
    return annotate_contracts(Contract.objects.all()).order_by("commission__title", "title", "pk")


def contract_for(*, organisation: Organisation, contract_id: int) -> Contract:
    return annotate_contracts(Contract.objects.all()).get(pk=contract_id)


@dataclass(frozen=True)
class TrendPoint:
    label: str
    actual: Decimal | None
    display: str
    rag: str
    status: str
    return_id: int


@dataclass
class KpiTrend:
    kpi: Kpi
    points: list[TrendPoint]
    chart: SafeString

    @property
    def latest(self) -> TrendPoint | None:
        reported = [p for p in self.points if p.actual is not None]
        return reported[-1] if reported else None

    @property
    def target_display(self) -> str:
        return format_value(self.kpi.target, self.kpi.unit)


_Y_MAX: dict[str, Decimal] = {Unit.PERCENTAGE: Decimal("100"), Unit.YES_NO: Decimal("1")}


def _formatter(unit: str) -> Any:
    if unit == Unit.MONEY:
        return lambda v: format_gbp(v).replace(".00", "")
    if unit == Unit.PERCENTAGE:
        return lambda v: f"{v:.0f}%"
    if unit == Unit.YES_NO:
        return lambda v: "Yes" if v >= 1 else ("No" if v <= 0 else "")
    return lambda v: f"{v:,.0f}" if v == v.to_integral_value() else f"{v:,.1f}"


def kpi_trends(kpis: Sequence[Kpi], returns: Sequence[KpiReturn], *, chart_prefix: str = "kpi") -> list[KpiTrend]:
    """Each KPI's actuals across the returns (in period order), with a line chart against its target."""
    values: dict[tuple[int, int], KpiValue] = {}
    for r in returns:
        for value in r.values.all():
            values[(r.pk, value.kpi_id)] = value
    trends: list[KpiTrend] = []
    for kpi in kpis:
        points = []
        for r in returns:
            v = values.get((r.pk, kpi.pk))
            if v is None:
                continue
            points.append(TrendPoint(r.label, v.actual, format_value(v.actual, kpi.unit), v.rag, r.status, r.pk))
        labels = [p.label for p in points]
        chart = (
            charts.line_chart(
                title=f"{kpi.name}: actual against target by period",
                categories=labels,
                series=[
                    charts.LineSeries("Actual", [p.actual for p in points]),
                    charts.LineSeries("Target", [kpi.target for _ in points], dashed=True),
                ],
                chart_id=f"{chart_prefix}-{kpi.pk}",
                fmt=_formatter(kpi.unit),
                y_max=_Y_MAX.get(kpi.unit),
            )
            if points
            else SafeString("")
        )
        trends.append(KpiTrend(kpi=kpi, points=points, chart=chart))
    return trends


@dataclass
class PeriodRow:
    period: periods.Period
    due_on: dt.date
    kpi_return: KpiReturn | None
    state: str
    label: str


@dataclass
class ContractPerformance:
    contract: Contract
    kpi_set: KpiSet | None
    kpis: list[Kpi]
    periods: list[PeriodRow]
    trends: list[KpiTrend]
    visits: list[MonitoringVisit]
    plans: list[ImprovementPlan]
    review: EndReview | None
    shares: list[ContractShare]
    today: dt.date

    @property
    def agreed(self) -> bool:
        return self.kpi_set is not None and self.kpi_set.is_agreed

    @property
    def agreed_before_signing(self) -> bool | None:
        if self.kpi_set is None or self.kpi_set.agreed_at is None:
            return None
        return timezone.localtime(self.kpi_set.agreed_at).date() <= self.contract.signed_on

    @property
    def share_years(self) -> list[tuple[str, list[tuple[str, Decimal]], Decimal]]:
        years: dict[int, list[tuple[str, Decimal]]] = defaultdict(list)
        for s in self.shares:
            years[s.financial_year].append((s.organisation.name, s.amount))
        return [
            (financial_year_label(y), rows, money(sum((a for _, a in rows), ZERO))) for y, rows in sorted(years.items())
        ]


def contract_performance(
    *, contract: Contract, organisation: Organisation, today: dt.date | None = None
) -> ContractPerformance:
    today = today or timezone.localdate()
    kpi_set = kpi_set_for(contract)
    kpis = list(kpi_set.kpis.select_related("outcome")) if kpi_set is not None else []
    returns = list(KpiReturn.objects.filter(contract=contract).prefetch_related("values").order_by("period_start"))
    by_start = {r.period_start: r for r in returns}
    rows: list[PeriodRow] = []
    if kpi_set is not None and kpi_set.is_agreed:
        for p in contract_periods(contract, kpi_set):
            due_on = p.due_on(kpi_set.return_due_days)
            found = by_start.get(p.start)
            cell = period_cell(
                p,
                due_on,
                {"status": found.status, "rag": found.rag, "pk": found.pk, "reds": 0} if found else None,
                today,
            )
            if found is not None and found.status == ReturnStatus.DRAFT:
                cell = Cell(p, "draft", "Draft (not submitted)", "", found.pk)
            rows.append(PeriodRow(period=p, due_on=due_on, kpi_return=found, state=cell.state, label=cell.label))
    visible_returns = [r for r in returns if r.status != ReturnStatus.DRAFT]
    return ContractPerformance(
        contract=contract,
        kpi_set=kpi_set,
        kpis=kpis,
        periods=rows,
        trends=kpi_trends(kpis, visible_returns),
        visits=list(MonitoringVisit.objects.filter(contract=contract).order_by("-planned_on", "-id")),
        plans=list(ImprovementPlan.objects.filter(contract=contract).prefetch_related("actions")),
        review=EndReview.objects.filter(contract=contract).prefetch_related("steps").first(),
        shares=list(ContractShare.objects.filter(contract=contract).select_related("organisation")),
        today=today,
    )


@dataclass(frozen=True)
class Cell:
    period: periods.Period
    state: str  # a return status, or "overdue", "due", "open" (the period has not ended)
    label: str
    rag: str
    return_id: int | None = None
    reds: int = 0

    @property
    def tag(self) -> str:
        return self.rag or self.state


STATE_LABELS = {
    "overdue": "Overdue",
    "due": "Due",
    "open": "Period not ended",
    **{value: str(label) for value, label in ReturnStatus.choices},
}


def period_cell(period: periods.Period, due_on: dt.date, found: dict[str, Any] | None, today: dt.date) -> Cell:
    if found is not None and found["status"] != ReturnStatus.DRAFT:
        state = found["status"]
        label = STATE_LABELS[state]
        if found["rag"]:
            label = f"{label}, {rag.LABELS[found['rag']].lower()}"
        return Cell(period, state, label, found["rag"], found["pk"], found["reds"])
    if not period.has_ended(today):
        return Cell(period, "open", STATE_LABELS["open"], "", found["pk"] if found else None)
    if today > due_on:
        return Cell(period, "overdue", f"Overdue since {due_on:%-d %b %Y}", "", found["pk"] if found else None)
    return Cell(period, "due", f"Due {due_on:%-d %b %Y}", "", found["pk"] if found else None)
