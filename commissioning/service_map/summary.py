"""Reads for the service area page at county scale (issue #15): the summaries computed in SQL, and the contract list
one page at a time, each row's dates and money formatted once, in Python.

A fixed number of queries whatever the size of the area: the settings (when no window is asked for), the totals per
partner and provider, the totals per financial year, the alignable contracts' end dates, the decisions, one page of
contracts and the commissions replacing them. What the page renders grows with the partners, providers and years,
not with the contracts; the contracts themselves are ``PER_PAGE`` at a time.

``selectors.service_map`` (every contract as a model) remains for the API and exports.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, IntegerField, Min, Prefetch, Q, Sum, Value, When
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from commissioning.service_map.models import MapDecision, MappedContract, ServiceArea, settings_for
from commissioning.service_map.selectors import (
    ZERO,
    Opportunity,
    PartnerTotal,
    ProviderFunding,
    alignment_opportunities,
    replaced_by,
    replacements,
)
from core.charts import Series, stacked_bar_chart
from core.money import financial_year_label, format_gbp, money

PER_PAGE = 50


def day(value: dt.date) -> str:
    """``1 Apr 2025``: the page's date format (Django's ``j M Y``), without a template filter per cell."""
    return f"{value.day} {value:%b %Y}"


@dataclass(frozen=True)
class _Funder:
    name: str


@dataclass(frozen=True)
class AlignableContract:
    """What the alignment sweep needs of a contract, read as a tuple (no model instance)."""

    pk: int
    end_date: dt.date
    annual_value: Decimal
    provider_name: str
    funder: _Funder
    alignable: bool = True


@dataclass(frozen=True)
class OpportunityRow:
    between: str
    partners: str
    contracts: int
    combined_value: str


@dataclass
class AreaSummary:
    area: ServiceArea
    window_days: int
    contract_count: int
    total: Decimal
    alignable_total: Decimal
    partners: list[PartnerTotal]
    providers: list[ProviderFunding]
    opportunities: list[Opportunity]
    chart: SafeString
    chart_rows: list[tuple[str, Decimal, Decimal]]
    decisions: list[MapDecision] = field(default_factory=list)
    today: dt.date | None = None

    @property
    def duplication(self) -> list[ProviderFunding]:
        return [p for p in self.providers if p.duplicated]

    @property
    def ring_fenced_total(self) -> Decimal:
        return money(self.total - self.alignable_total)

    @property
    def reviews_due(self) -> list[MapDecision]:
        return [d for d in self.decisions if self.today is not None and d.review_on <= self.today]

    @property
    def opportunity_rows(self) -> list[OpportunityRow]:
        return [
            OpportunityRow(
                between=f"{day(o.first_end)} and {day(o.last_end)}",
                partners=", ".join(o.partners),
                contracts=len(o.contracts),
                combined_value=format_gbp(o.combined_value),
            )
            for o in self.opportunities
        ]


def _financial_year() -> Any:
    """The financial year (its starting year) in which a contract ends, in SQL: ``core.money.financial_year_of``."""
    return ExtractYear("end_date") - Case(
        When(end_date__month__lt=4, then=Value(1)), default=Value(0), output_field=IntegerField()
    )


def area_summary(*, area: ServiceArea, window_days: int | None = None) -> AreaSummary:
    """Totals per partner and per provider (with the duplication), totals by the financial year contracts end, and
    the alignment opportunities, computed in the database; nothing here is per contract but the end-date sweep."""
    if window_days is None:
        window_days = settings_for(area.partnership).alignment_window_days
    in_area = MappedContract.objects.filter(service_area=area).order_by()
    groups = list(
        in_area.values("funder_id", "funder__name", "provider_key").annotate(
            provider_name=Min("provider_name"),
            contracts=Count("pk"),
            annual=Sum("annual_value"),
            ring_fenced=Sum("annual_value", filter=Q(alignable=False)),
        )
    )
    partners: dict[int, PartnerTotal] = {}
    providers: dict[str, ProviderFunding] = {}
    total = ring_fenced = ZERO
    for g in groups:
        annual = g["annual"] or ZERO
        ring = g["ring_fenced"] or ZERO
        p = partners.setdefault(g["funder_id"], PartnerTotal(g["funder_id"], g["funder__name"]))
        p.contracts += g["contracts"]
        p.annual_total += annual
        p.ring_fenced_total += ring
        p.providers.add(g["provider_key"])
        prov = providers.setdefault(g["provider_key"], ProviderFunding(g["provider_key"], g["provider_name"]))
        prov.name = min(prov.name, g["provider_name"])
        prov.contracts += g["contracts"]
        prov.annual_total += annual
        prov.funders[g["funder__name"]] = prov.funders.get(g["funder__name"], ZERO) + annual
        total += annual
        ring_fenced += ring
    by_year: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for row in in_area.annotate(fy=_financial_year()).values("fy", "alignable").annotate(annual=Sum("annual_value")):
        by_year[row["fy"]][0 if row["alignable"] else 1] += row["annual"] or ZERO
    chart_rows = [(financial_year_label(y), by_year[y][0], by_year[y][1]) for y in sorted(by_year)]
    chart = (
        stacked_bar_chart(
            title=f"{area.name}: annual value of contracts by the financial year they end",
            categories=[r[0] for r in chart_rows],
            series=[
                Series("Can be aligned", [r[1] for r in chart_rows]),
                Series("Ring-fenced", [r[2] for r in chart_rows]),
            ],
        )
        if chart_rows
        else SafeString("")
    )
    alignable = [
        AlignableContract(pk, end, value, provider, _Funder(funder))
        for pk, end, value, provider, funder in in_area.filter(alignable=True)
        .order_by("end_date", "pk")
        .values_list("pk", "end_date", "annual_value", "provider_name", "funder__name")
    ]
    decisions = list(
        MapDecision.objects.filter(service_area=area)
        .select_related("organisation", "contract")
        .order_by("review_on", "pk")
    )
    return AreaSummary(
        area=area,
        window_days=window_days,
        contract_count=sum(g["contracts"] for g in groups),
        total=money(total),
        alignable_total=money(total - ring_fenced),
        partners=sorted(partners.values(), key=lambda p: (-p.annual_total, p.name)),
        providers=sorted(providers.values(), key=lambda p: (-p.funder_count, -p.annual_total, p.name)),
        opportunities=alignment_opportunities(alignable, window_days=window_days),  # type: ignore[arg-type]
        chart=chart,
        chart_rows=chart_rows,
        decisions=decisions,
        today=timezone.localdate(),
    )


@dataclass(frozen=True)
class DecisionTag:
    kind: str
    review_on: str
    due: bool


@dataclass(frozen=True)
class ContractRow:
    """One contract as the page shows it: every date and amount already text."""

    pk: int
    funder: str
    provider_name: str
    title: str
    annual_value: str
    runs: str
    funding_source: str
    alignable: bool
    not_alignable_reason: str
    edit_url: str
    notice_url: str
    replaced_title: str
    replaced_url: str
    replaced_from: str
    decisions: list[DecisionTag]


def contract_page(
    *,
    summary: AreaSummary,
    page_number: Any,
    organisation_id: int,
    can_record: bool,
    can_decide: bool,
    per_page: int = PER_PAGE,
) -> tuple[Page[Any], list[ContractRow]]:
    """One page of the area's contracts in the map's order (partner, provider, end date), with the commissions
    replacing them; the count comes from the summary, so paging costs no count query."""
    contracts = (
        MappedContract.objects.filter(service_area=summary.area)
        .select_related("funder")
        .prefetch_related(Prefetch("replacement", queryset=replacements()))
        .order_by("funder__name", "provider_name", "end_date", "pk")
    )
    paginator = Paginator(contracts, per_page)
    paginator.__dict__["count"] = summary.contract_count  # known from the totals: no COUNT(*) query
    page = paginator.get_page(page_number)
    by_contract: dict[int, list[MapDecision]] = defaultdict(list)
    for d in summary.decisions:
        if d.contract_id is not None:
            by_contract[d.contract_id].append(d)
    today = summary.today
    rows = []
    for c in page.object_list:
        commission = replaced_by(c)
        own = c.funder_id == organisation_id
        rows.append(
            ContractRow(
                pk=c.pk,
                funder=c.funder.name,
                provider_name=c.provider_name,
                title=c.title,
                annual_value=format_gbp(c.annual_value),
                runs=f"{day(c.start_date)} to {day(c.end_date)}",
                funding_source=c.funding_source,
                alignable=c.alignable,
                not_alignable_reason=c.not_alignable_reason,
                edit_url=reverse("mapped-contract-edit", args=[c.pk]) if own and can_record else "",
                notice_url=reverse("provider-notice-create", args=[c.pk]) if own and can_decide else "",
                replaced_title=commission.title if commission is not None else "",
                replaced_url=reverse("commission-replacement", args=[commission.pk]) if commission is not None else "",
                replaced_from=day(commission.start_date) if commission is not None else "",
                decisions=[
                    DecisionTag(d.get_kind_display(), day(d.review_on), today is not None and d.review_on <= today)
                    for d in by_contract.get(c.pk, [])
                ],
            )
        )
    return page, rows
