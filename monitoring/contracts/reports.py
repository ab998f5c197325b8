"""Performance reports (one contract, or a partner's share of every contract), read for the page and the PDF."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.safestring import SafeString

from core import charts
from core.money import financial_year_label, format_gbp, money
from monitoring import rag
from monitoring.contracts.selectors import ZERO, KpiTrend, kpi_trends
from monitoring.kpis.models import Kpi, KpiSet
from monitoring.returns.models import KpiReturn, ReturnStatus
from partners.models import Organisation
from procurement.award.models import Contract, ContractShare


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
        kpis[c.pk] = [k for k in chosen[c.pk].kpis.all() if k.applies_to(c.pk)] if chosen[c.pk] is not None else []
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
