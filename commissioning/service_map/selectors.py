"""Reads: the service map (what each partner already funds)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet, Sum
from django.utils import timezone
from django.utils.safestring import SafeString

from commissioning.service_map.models import (
    ContractImport,
    EvidenceItem,
    MapDecision,
    MappedContract,
    Outcome,
    ServiceArea,
    settings_for,
)
from core.charts import Series, stacked_bar_chart
from core.money import financial_year_label, financial_year_of, money
from partners.models import Organisation, Partnership, PartnershipMember

ZERO = Decimal("0.00")


def partnerships_of(*, organisation: Organisation) -> QuerySet[Partnership]:
    """Partnerships in which ``organisation`` is an active member (invited ones see nothing yet)."""
    return (
        Partnership.objects.filter(
            Exists(
                PartnershipMember.objects.filter(
                    partnership=OuterRef("pk"), organisation=organisation, status=PartnershipMember.Status.ACTIVE
                )
            )
        )
        .select_related("accountable_body")
        .order_by("name")
    )


def service_areas_overview(*, organisation: Organisation) -> QuerySet[ServiceArea]:
    return (
        ServiceArea.objects.select_related("partnership")
        .annotate(
            contract_count=Count("contracts", distinct=True),
            partner_count=Count("contracts__funder", distinct=True),
            annual_total=Sum("contracts__annual_value"),
        )
        .order_by("partnership__name", "name")
    )


def evidence_for(*, partnership: Partnership, tag: str = "") -> QuerySet[EvidenceItem]:
    items = EvidenceItem.objects.filter(partnership=partnership).select_related(
        "service_area", "added_by", "added_by_organisation"
    )
    if tag:
        items = items.filter(tags__contains=[tag.lower()])
    return items


def evidence_tags(*, partnership: Partnership) -> list[str]:
    tags: set[str] = set()
    for row in EvidenceItem.objects.filter(partnership=partnership).values_list("tags", flat=True):
        tags.update(row)
    return sorted(tags)


def outcomes_for(*, partnership: Partnership) -> QuerySet[Outcome]:
    return Outcome.objects.filter(partnership=partnership).annotate(commission_count=Count("commissions"))


def contracts_for(
    *,
    organisation: Organisation,
    partnership: Partnership | None = None,
    service_area: ServiceArea | None = None,
    mine: bool = False,
) -> QuerySet[MappedContract]:
    contracts = MappedContract.objects.select_related("service_area", "funder", "partnership").prefetch_related(
        Prefetch("replacement", queryset=replacements())
    )
    if partnership is not None:
        contracts = contracts.filter(partnership=partnership)
    if service_area is not None:
        contracts = contracts.filter(service_area=service_area)
    if mine:
        contracts = contracts.filter(funder=organisation)
    return contracts.order_by("service_area__name", "funder__name", "provider_name", "end_date", "pk")


def imports_of(*, organisation: Organisation) -> QuerySet[ContractImport]:
    return ContractImport.objects.filter(organisation=organisation).select_related("partnership", "imported_by")


@dataclass
class PartnerTotal:
    organisation_id: int
    name: str
    contracts: int = 0
    annual_total: Decimal = ZERO
    ring_fenced_total: Decimal = ZERO
    providers: set[str] = field(default_factory=set)


@dataclass
class ProviderFunding:
    key: str
    name: str
    contracts: int = 0
    annual_total: Decimal = ZERO
    funders: dict[str, Decimal] = field(default_factory=dict)

    @property
    def funder_count(self) -> int:
        return len(self.funders)

    @property
    def duplicated(self) -> bool:
        return len(self.funders) > 1

    @property
    def funder_list(self) -> list[tuple[str, Decimal]]:
        return sorted(self.funders.items())


@dataclass
class Opportunity:
    contracts: list[MappedContract]
    window_days: int

    @property
    def first_end(self) -> dt.date:
        return min(c.end_date for c in self.contracts)

    @property
    def last_end(self) -> dt.date:
        return max(c.end_date for c in self.contracts)

    @property
    def combined_value(self) -> Decimal:
        return money(sum((c.annual_value for c in self.contracts), ZERO))

    @property
    def partners(self) -> list[str]:
        return sorted({c.funder.name for c in self.contracts})

    @property
    def providers(self) -> list[str]:
        return sorted({c.provider_name for c in self.contracts})


@dataclass
class ServiceMap:
    area: ServiceArea
    contracts: list[MappedContract]
    partners: list[PartnerTotal]
    providers: list[ProviderFunding]
    opportunities: list[Opportunity]
    window_days: int
    total: Decimal
    alignable_total: Decimal
    chart: SafeString
    chart_rows: list[tuple[str, Decimal, Decimal]]
    decisions: list[MapDecision] = field(default_factory=list)
    today: dt.date | None = None

    @property
    def area_decisions(self) -> list[MapDecision]:
        return [d for d in self.decisions if d.contract_id is None]

    @property
    def reviews_due(self) -> list[MapDecision]:
        return [d for d in self.decisions if self.today is not None and d.review_on <= self.today]

    @property
    def replaced(self) -> list[MappedContract]:
        return [c for c in self.contracts if getattr(c, "replaced_by", None) is not None]

    @property
    def duplication(self) -> list[ProviderFunding]:
        return [p for p in self.providers if p.duplicated]

    @property
    def ring_fenced(self) -> list[MappedContract]:
        return [c for c in self.contracts if not c.alignable]

    @property
    def ring_fenced_total(self) -> Decimal:
        return money(self.total - self.alignable_total)


def alignment_opportunities(contracts: Iterable[MappedContract], *, window_days: int) -> list[Opportunity]:
    """Groups of alignable contracts whose end dates all fall within ``window_days`` of each other (a sweep along
    the end dates: each group starts at the earliest remaining end date). Groups of one are not opportunities."""
    ordered = sorted((c for c in contracts if c.alignable), key=lambda c: (c.end_date, c.pk))
    groups: list[list[MappedContract]] = []
    for c in ordered:
        if groups and (c.end_date - groups[-1][0].end_date).days <= window_days:
            groups[-1].append(c)
        else:
            groups.append([c])
    return [Opportunity(g, window_days) for g in groups if len(g) > 1]


def service_map(*, area: ServiceArea, window_days: int | None = None) -> ServiceMap:
    """Who funds which providers in one service area, totals, duplication and alignment opportunities.

    Four queries whatever the size: the settings, every contract in the area with its funder, the commissions (that
    the reader may see) replacing them, and the partners' decisions on the area."""
    if window_days is None:
        window_days = settings_for(area.partnership).alignment_window_days
    contracts = list(
        MappedContract.objects.filter(service_area=area)
        .select_related("funder")
        .prefetch_related(Prefetch("replacement", queryset=replacements()))
        .order_by("funder__name", "provider_name", "end_date", "pk")
    )
    decisions = list(
        MapDecision.objects.filter(service_area=area)
        .select_related("organisation", "contract")
        .order_by("review_on", "pk")
    )
    by_contract: dict[int, list[MapDecision]] = defaultdict(list)
    for d in decisions:
        if d.contract_id is not None:
            by_contract[d.contract_id].append(d)
    partners: dict[int, PartnerTotal] = {}
    providers: dict[str, ProviderFunding] = {}
    by_end_year: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    total = alignable = ZERO
    for c in contracts:
        c.map_decisions = by_contract.get(c.pk, [])  # type: ignore[attr-defined]
        c.replaced_by = replaced_by(c)  # type: ignore[attr-defined]
        p = partners.setdefault(c.funder_id, PartnerTotal(c.funder_id, c.funder.name))
        p.contracts += 1
        p.annual_total += c.annual_value
        p.providers.add(c.provider_key)
        if not c.alignable:
            p.ring_fenced_total += c.annual_value
        prov = providers.setdefault(c.provider_key, ProviderFunding(c.provider_key, c.provider_name))
        prov.contracts += 1
        prov.annual_total += c.annual_value
        prov.funders[c.funder.name] = prov.funders.get(c.funder.name, ZERO) + c.annual_value
        total += c.annual_value
        bucket = by_end_year[financial_year_of(c.end_date)]
        if c.alignable:
            alignable += c.annual_value
            bucket[0] += c.annual_value
        else:
            bucket[1] += c.annual_value
    years = sorted(by_end_year)
    chart_rows = [(financial_year_label(y), by_end_year[y][0], by_end_year[y][1]) for y in years]
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
    return ServiceMap(
        area=area,
        contracts=contracts,
        partners=sorted(partners.values(), key=lambda p: (-p.annual_total, p.name)),
        providers=sorted(providers.values(), key=lambda p: (-p.funder_count, -p.annual_total, p.name)),
        opportunities=alignment_opportunities(contracts, window_days=window_days),
        window_days=window_days,
        total=money(total),
        alignable_total=money(alignable),
        chart=chart,
        chart_rows=chart_rows,
        decisions=decisions,
        today=timezone.localdate(),
    )


def replacements() -> QuerySet[Any]:
    """The links saying which commission replaces a contract, read through their own tenancy rule (a partner not in
    the commission does not see it). The model is ``commissioning.replacement``'s, a higher package: named through
    the app registry so this package does not import it."""
    model = apps.get_model("commissioning", "ReplacedContract")
    return model.objects.select_related("commission")


def replaced_by(contract: MappedContract) -> Any:
    """The commission replacing ``contract``, from the prefetched link (``replacements``), or None."""
    try:
        return contract.replacement.commission
    except ObjectDoesNotExist:
        return None
