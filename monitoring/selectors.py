"""Reads for contract monitoring. Each takes the organisation (or person) explicitly and runs a fixed number of
queries whatever the size of the data: aggregation happens in SQL (subqueries, grouped counts), periods and RAG in
pure Python."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.safestring import SafeString

from boards.models import Board
from core import charts
from core.money import financial_year_label, format_gbp, money
from core.tenancy import tenancy_disabled
from monitoring import periods, permissions, rag
from monitoring.models import (
    ConfidentialFeedback,
    EndReview,
    ImprovementPlan,
    Kpi,
    KpiReturn,
    KpiSet,
    KpiSetResponse,
    KpiSetStatus,
    KpiValue,
    MonitoringVisit,
    PlanStatus,
    ReturnStatus,
    Unit,
    VisitStatus,
)
from monitoring.services import contract_periods, format_value, kpi_set_for
from partners.models import Organisation
from procurement.models import Contract, ContractShare

ZERO = Decimal("0")
PORTFOLIO_PERIODS = 12


# --------------------------------------------------------------------------------------------------------------
# Contracts
# --------------------------------------------------------------------------------------------------------------


def _set_for_contract() -> QuerySet[KpiSet]:
    """The KPI set a contract (the outer row) is monitored on: its lot's own, else the commission-wide one."""
    return (
        KpiSet._base_manager.filter(commission=OuterRef("commission"))
        .filter(Q(lot=OuterRef("lot")) | Q(lot__isnull=True))
        .order_by(F("lot").asc(nulls_last=True))
    )


def annotate_contracts(contracts: QuerySet[Contract]) -> QuerySet[Contract]:
    """Contracts with their KPI set, its size, open improvement plans, the next visit and the end review's status,
    in one query."""
    sets = _set_for_contract()
    kpi_count = (
        Kpi._base_manager.filter(kpi_set=OuterRef("kpi_set_id"))
        .order_by()
        .values("kpi_set")
        .annotate(n=Count("pk"))
        .values("n")
    )
    open_plans = (
        ImprovementPlan._base_manager.filter(contract=OuterRef("pk"), status=PlanStatus.OPEN)
        .order_by()
        .values("contract")
        .annotate(n=Count("pk"))
        .values("n")
    )
    next_visit = MonitoringVisit._base_manager.filter(contract=OuterRef("pk"), status=VisitStatus.PLANNED).order_by(
        "planned_on"
    )
    review = EndReview._base_manager.filter(contract=OuterRef("pk"))
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


# --------------------------------------------------------------------------------------------------------------
# The portfolio: contracts x periods, a fixed number of queries
# --------------------------------------------------------------------------------------------------------------


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


@dataclass
class PortfolioRow:
    contract: Contract
    cells: list[Cell]
    linked: bool
    latest_rag: str = ""
    overdue: int = 0
    awaiting_review: int = 0

    @property
    def agreed(self) -> bool:
        return getattr(self.contract, "kpi_set_status", None) == KpiSetStatus.AGREED


@dataclass
class Portfolio:
    rows: list[PortfolioRow]
    today: dt.date
    totals: dict[str, int] = field(default_factory=dict)

    @property
    def contracts(self) -> int:
        return len(self.rows)


_STATE_LABELS = {
    "overdue": "Overdue",
    "due": "Due",
    "open": "Period not ended",
    **{value: str(label) for value, label in ReturnStatus.choices},
}


def _cell(period: periods.Period, due_on: dt.date, found: dict[str, Any] | None, today: dt.date) -> Cell:
    if found is not None and found["status"] != ReturnStatus.DRAFT:
        state = found["status"]
        label = _STATE_LABELS[state]
        if found["rag"]:
            label = f"{label}, {rag.LABELS[found['rag']].lower()}"
        return Cell(period, state, label, found["rag"], found["pk"], found["reds"])
    if not period.has_ended(today):
        return Cell(period, "open", _STATE_LABELS["open"], "", found["pk"] if found else None)
    if today > due_on:
        return Cell(period, "overdue", f"Overdue since {due_on:%-d %b %Y}", "", found["pk"] if found else None)
    return Cell(period, "due", f"Due {due_on:%-d %b %Y}", "", found["pk"] if found else None)


def portfolio(
    contracts: QuerySet[Contract],
    *,
    today: dt.date | None = None,
    visible: set[int] | None = None,
    returns: QuerySet[KpiReturn] | None = None,
) -> Portfolio:
    """Each contract with its last ``PORTFOLIO_PERIODS`` reporting periods (to today): the return's status and RAG,
    or due/overdue. Two queries: the annotated contracts and their returns (grouped, with a count of red KPIs)."""
    today = today or timezone.localdate()
    rows_qs = list(annotate_contracts(contracts))
    ids = [c.pk for c in rows_qs]
    returns_qs = returns if returns is not None else KpiReturn.objects.all()
    by_contract: dict[int, dict[dt.date, dict[str, Any]]] = defaultdict(dict)
    for r in (
        returns_qs.filter(contract_id__in=ids)
        .order_by()
        .values("pk", "contract_id", "period_start", "status", "rag")
        .annotate(reds=Count("values", filter=Q(values__rag=rag.RED)))
    ):
        by_contract[r["contract_id"]][r["period_start"]] = r
    rows: list[PortfolioRow] = []
    totals = {"red": 0, "amber": 0, "green": 0, "overdue": 0, "awaiting_review": 0, "open_plans": 0}
    for contract in rows_qs:
        annotated: Any = contract  # carries the annotations of annotate_contracts
        cells: list[Cell] = []
        frequency = getattr(contract, "return_frequency", None)
        if frequency and annotated.kpi_set_status == KpiSetStatus.AGREED:
            started = [
                p
                for p in periods.reporting_periods(contract.start_date, contract.end_date, frequency)
                if p.start <= today
            ]
            found = by_contract.get(contract.pk, {})
            cells = [
                _cell(p, p.due_on(annotated.return_due_days), found.get(p.start), today)
                for p in started[-PORTFOLIO_PERIODS:]
            ]
        row = PortfolioRow(contract=contract, cells=cells, linked=visible is None or contract.pk in visible)
        reported = [c for c in cells if c.rag]
        row.latest_rag = reported[-1].rag if reported else ""
        row.overdue = sum(1 for c in cells if c.state == "overdue")
        row.awaiting_review = sum(1 for c in cells if c.state in (ReturnStatus.SUBMITTED, ReturnStatus.ANSWERED))
        if row.latest_rag:
            totals[row.latest_rag] += 1
        totals["overdue"] += row.overdue
        totals["awaiting_review"] += row.awaiting_review
        totals["open_plans"] += annotated.open_plans
        rows.append(row)
    return Portfolio(rows=rows, today=today, totals=totals)


def organisation_portfolio(*, organisation: Organisation, today: dt.date | None = None) -> Portfolio:
    return portfolio(Contract.objects.all().order_by("commission__title", "title", "pk"), today=today)


@dataclass(frozen=True)
class Summary:
    contracts: int
    latest_red: int
    awaiting_review: int
    queried: int


def portfolio_summary(*, organisation: Organisation) -> Summary:
    """The dashboard's figures, in three aggregate queries (no periods computed): contracts, those whose latest
    return is red, returns waiting for the lead's review and returns queried (waiting for the provider)."""
    latest = (
        KpiReturn._base_manager.filter(contract=OuterRef("pk"))
        .exclude(status=ReturnStatus.DRAFT)
        .order_by("-period_start")
        .values("rag")[:1]
    )
    figures = Contract.objects.annotate(latest_rag=Subquery(latest)).aggregate(
        contracts=Count("pk"), latest_red=Count("pk", filter=Q(latest_rag=rag.RED))
    )
    returns = KpiReturn.objects.aggregate(
        awaiting=Count("pk", filter=Q(status__in=[ReturnStatus.SUBMITTED, ReturnStatus.ANSWERED])),
        queried=Count("pk", filter=Q(status=ReturnStatus.QUERIED)),
    )
    return Summary(figures["contracts"], figures["latest_red"], returns["awaiting"], returns["queried"])


def board_portfolio(*, board: Board, user: Any, organisation: Organisation, today: dt.date | None = None) -> Portfolio:
    """Every contract of the board's partnership, for a person with a seat on the board (or its clerk). Reads
    across the partners' commissions by design -- the board oversees them all -- but shows performance only, never
    confidential feedback; contracts the person's own organisation is not part of are listed without a link."""
    if not permissions.sits_on(board, user):
        from core.errors import PermissionDenied

        raise PermissionDenied("Only the board's members and clerks see its portfolio")
    visible = set(Contract.objects.filter(commission__partnership_id=board.partnership_id).values_list("pk", flat=True))
    with tenancy_disabled():
        contracts = Contract._base_manager.filter(commission__partnership_id=board.partnership_id).order_by(
            "commission__title", "title", "pk"
        )
        return portfolio(
            contracts,
            today=today,
            visible=visible,
            returns=KpiReturn._base_manager.exclude(status=ReturnStatus.DRAFT),
        )


# --------------------------------------------------------------------------------------------------------------
# One contract
# --------------------------------------------------------------------------------------------------------------


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
            cell = _cell(
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


# --------------------------------------------------------------------------------------------------------------
# One return
# --------------------------------------------------------------------------------------------------------------


def return_values(kpi_return: KpiReturn) -> list[KpiValue]:
    return list(kpi_return.values.select_related("kpi__outcome").order_by("kpi__position", "kpi_id"))


def confidential_feedback_for(*, kpi_return: KpiReturn, by: Any) -> str | None:
    """The confidential details of user feedback: for the lead commissioner's organisation only (also enforced by
    the model's tenant filter). Everyone else -- partners, the board and the provider -- gets None."""
    if not permissions.is_lead_organisation(kpi_return.contract, by):
        return None
    found = ConfidentialFeedback.objects.filter(kpi_return=kpi_return).first()
    return found.details if found else None


# --------------------------------------------------------------------------------------------------------------
# KPI sets
# --------------------------------------------------------------------------------------------------------------


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
    from monitoring.workflows import partners_of

    responses = list(KpiSetResponse.objects.filter(kpi_set=kpi_set).select_related("organisation").order_by("at", "id"))
    out = []
    for partner in partners_of(kpi_set):
        own = [r for r in responses if r.organisation_id == partner.pk]
        agreed = next(
            (r for r in reversed(own) if r.kind == KpiSetResponse.Kind.AGREE and r.version == kpi_set.version), None
        )
        out.append(PartnerPosition(partner, agreed, [r for r in own if r.kind == KpiSetResponse.Kind.COMMENT]))
    return out


# --------------------------------------------------------------------------------------------------------------
# Performance reports
# --------------------------------------------------------------------------------------------------------------


@dataclass
class ReportContract:
    contract: Contract
    kpi_set: KpiSet | None
    trends: list[KpiTrend]
    returns: list[KpiReturn]
    share_by_year: list[tuple[str, Decimal, Decimal]]  # (year, the partner's share, the contract's total)
    partner_total: Decimal
    rag_counts: dict[str, int]
    summary_chart: SafeString
    summary_rows: list[tuple[str, int, int, int, str]]  # period, green, amber, red, % green


@dataclass
class PerformanceReport:
    title: str
    organisation: Organisation | None
    contracts: list[ReportContract]
    generated_at: dt.datetime
    money_chart: SafeString = field(default_factory=lambda: SafeString(""))
    money_rows: list[list[str]] = field(default_factory=list)
    money_columns: list[str] = field(default_factory=list)

    @property
    def partner_total(self) -> Decimal:
        return money(sum((c.partner_total for c in self.contracts), ZERO))


def _report_contract(
    contract: Contract,
    returns: list[KpiReturn],
    shares: list[ContractShare],
    kpis: list[Kpi],
    kpi_set: KpiSet | None,
    organisation: Organisation | None,
) -> ReportContract:
    totals: dict[int, Decimal] = defaultdict(lambda: ZERO)
    own: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for s in shares:
        totals[s.financial_year] += s.amount
        if organisation is None or s.organisation_id == organisation.pk:
            own[s.financial_year] += s.amount
    share_by_year = [(financial_year_label(y), money(own[y]), money(totals[y])) for y in sorted(totals)]
    counts = {rag.GREEN: 0, rag.AMBER: 0, rag.RED: 0}
    summary_rows = []
    percent_green: list[Decimal | None] = []
    for r in returns:
        values = [v.rag for v in r.values.all() if v.rag]
        g, a, red = (sum(1 for x in values if x == c) for c in (rag.GREEN, rag.AMBER, rag.RED))
        counts[rag.GREEN] += g
        counts[rag.AMBER] += a
        counts[rag.RED] += red
        pct = (Decimal(g) * 100 / len(values)).quantize(Decimal("1")) if values else None
        percent_green.append(pct)
        summary_rows.append((r.label, g, a, red, f"{pct}%" if pct is not None else "—"))
    chart = (
        charts.line_chart(
            title=f"{contract.title}: share of KPIs green each period",
            categories=[r.label for r in returns],
            series=[charts.LineSeries("KPIs green (%)", percent_green)],
            chart_id=f"summary-{contract.pk}",
            fmt=lambda v: f"{v:.0f}%",
            y_max=Decimal("100"),
        )
        if returns
        else SafeString("")
    )
    return ReportContract(
        contract=contract,
        kpi_set=kpi_set,
        trends=kpi_trends(kpis, returns, chart_prefix=f"c{contract.pk}-kpi"),
        returns=returns,
        share_by_year=share_by_year,
        partner_total=money(sum(own.values(), ZERO)),
        rag_counts=counts,
        summary_chart=chart,
        summary_rows=summary_rows,
    )


def _report_data(
    contracts: list[Contract],
) -> tuple[dict[int, list[KpiReturn]], dict[int, list[ContractShare]], dict[int, KpiSet | None], dict[int, list[Kpi]]]:
    ids = [c.pk for c in contracts]
    returns: dict[int, list[KpiReturn]] = defaultdict(list)
    for r in (
        KpiReturn.objects.filter(contract_id__in=ids)
        .exclude(status=ReturnStatus.DRAFT)
        .prefetch_related("values")
        .order_by("period_start")
    ):
        returns[r.contract_id].append(r)
    shares: dict[int, list[ContractShare]] = defaultdict(list)
    for s in ContractShare.objects.filter(contract_id__in=ids).select_related("organisation"):
        shares[s.contract_id].append(s)
    commission_ids = {c.commission_id for c in contracts}
    sets = list(KpiSet.objects.filter(commission_id__in=commission_ids).prefetch_related("kpis__outcome"))
    chosen: dict[int, KpiSet | None] = {}
    kpis: dict[int, list[Kpi]] = {}
    for c in contracts:
        own = [s for s in sets if s.commission_id == c.commission_id and s.lot_id is not None and s.lot_id == c.lot_id]
        wide = [s for s in sets if s.commission_id == c.commission_id and s.lot_id is None]
        chosen[c.pk] = own[0] if own else (wide[0] if wide else None)
        kpis[c.pk] = list(chosen[c.pk].kpis.all()) if chosen[c.pk] is not None else []
    return returns, shares, chosen, kpis


def contract_report(*, contract: Contract, organisation: Organisation) -> PerformanceReport:
    returns, shares, chosen, kpis = _report_data([contract])
    item = _report_contract(
        contract, returns[contract.pk], shares[contract.pk], kpis[contract.pk], chosen[contract.pk], None
    )
    return PerformanceReport(
        title=f"Performance report: {contract.title}",
        organisation=None,
        contracts=[item],
        generated_at=timezone.localtime(),
    )


def partner_report(
    *, organisation: Organisation, partner: Organisation | None = None, led_by: Organisation | None = None
) -> PerformanceReport:
    """What ``partner``'s money bought: every contract it funds (a contract share), its share each financial year
    and the KPIs' results. ``led_by`` limits it to contracts that organisation leads (a lead reporting to a
    partner). Only returns that have been submitted count."""
    partner = partner or organisation
    qs = Contract.objects.filter(
        pk__in=ContractShare.objects.filter(organisation=partner).values("contract_id")
    ).select_related("provider", "commission__lead")
    if led_by is not None:
        qs = qs.filter(commission__lead=led_by)
    contracts = list(qs.order_by("commission__title", "title", "pk"))
    returns, shares, chosen, kpis = _report_data(contracts)
    items = [_report_contract(c, returns[c.pk], shares[c.pk], kpis[c.pk], chosen[c.pk], partner) for c in contracts]
    years = sorted({y for item in items for y, _, _ in item.share_by_year})
    columns = ["Financial year", *[i.contract.title for i in items]]
    rows = []
    for y in years:
        row = [y]
        for item in items:
            amount = next((own for label, own, _ in item.share_by_year if label == y), ZERO)
            row.append(format_gbp(amount))
        rows.append(row)
    chart = (
        charts.stacked_bar_chart(
            title=f"{partner.name}: its share of each contract by financial year",
            categories=years,
            series=[
                charts.Series(
                    item.contract.title,
                    [next((own for label, own, _ in item.share_by_year if label == y), ZERO) for y in years],
                )
                for item in items
            ],
        )
        if items and years
        else SafeString("")
    )
    return PerformanceReport(
        title=f"What {partner.name}'s money bought: contract performance",
        organisation=partner,
        contracts=items,
        generated_at=timezone.localtime(),
        money_chart=chart,
        money_rows=rows,
        money_columns=columns,
    )


def report_partners(*, contract: Contract) -> list[Organisation]:
    """The organisations with a share of the contract (each gets a partner report)."""
    ids = ContractShare.objects.filter(contract=contract).values("organisation_id")
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


def outcomes_for(kpis: Iterable[Kpi]) -> list[Any]:
    return sorted({k.outcome for k in kpis if k.outcome is not None}, key=lambda o: (o.position, o.pk))
