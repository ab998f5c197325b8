"""Reads: what a commission replaces, weighed against the new contributions; notices; appraisals."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet

from commissioning.commissions.models import JointCommission, Participation, ParticipationStatus
from commissioning.commissions.permissions import sees_partner_breakdown
from commissioning.money.rules import pro_rata
from commissioning.money.selectors import contributions_visible
from commissioning.replacement.models import (
    AppraisalOption,
    OptionsAppraisal,
    ProviderNotice,
    ReplacedContract,
    notice_end,
    notice_months_for,
)
from commissioning.service_map.models import MappedContract
from core.money import financial_year_label, money

ZERO = Decimal("0.00")


@dataclass
class PartnerReplacement:
    """One partner's side: the contracts it gives up, and what it puts into the new commission, year by year."""

    organisation_id: int
    name: str
    is_lead: bool
    links: list[ReplacedContract] = field(default_factory=list)
    contributions: dict[int, Decimal] | None = field(default_factory=dict)  # None: figures not yours to see
    first_year: int = 0
    # The value replaced in each financial year of the term: a year's value, or pro rata by days in a part year.
    replaced_by_year: dict[int, Decimal] = field(default_factory=dict)

    @property
    def contracts(self) -> int:
        return len(self.links)

    @property
    def replaced_a_year(self) -> Decimal:
        return money(sum((link.contract.annual_value for link in self.links), ZERO))

    @property
    def saving(self) -> Decimal:
        return money(sum((link.saving for link in self.links), ZERO))

    def contribution(self, year: int) -> Decimal | None:
        if self.contributions is None:
            return None
        return money(self.contributions.get(year, ZERO))

    def replaced_in(self, year: int) -> Decimal:
        return self.replaced_by_year.get(year, self.replaced_a_year)

    def new_money(self, year: int) -> Decimal | None:
        """Contributions beyond the value of the contracts replaced (negative: the partner spends less)."""
        given = self.contribution(year)
        return None if given is None else money(given - self.replaced_in(year))

    @property
    def first_contribution(self) -> Decimal | None:
        return self.contribution(self.first_year)

    @property
    def first_new_money(self) -> Decimal | None:
        return self.new_money(self.first_year)

    @property
    def new_funding(self) -> bool:
        """A partner that replaces nothing but puts money in brings new money: a new funding area."""
        if self.links:
            return False
        return self.contributions is None or any(v > 0 for v in self.contributions.values())


@dataclass
class YearLine:
    year: int
    label: str
    replaced: Decimal
    contributions: Decimal | None
    new_money: Decimal | None


@dataclass
class ReplacementSummary:
    commission: JointCommission
    partners: list[PartnerReplacement]
    years: list[int]
    lines: list[YearLine]
    notice_months: int

    @property
    def links(self) -> list[ReplacedContract]:
        return [link for p in self.partners for link in p.links]

    @property
    def contracts_before(self) -> int:
        return len(self.links)

    @property
    def contracts_after(self) -> int:
        """One joint contract replaces them all (none until anything is replaced or anyone puts money in)."""
        return 1

    @property
    def replaced_a_year(self) -> Decimal:
        return money(sum((p.replaced_a_year for p in self.partners), ZERO))

    @property
    def saving(self) -> Decimal:
        return money(sum((p.saving for p in self.partners), ZERO))

    @property
    def new_funding_partners(self) -> list[PartnerReplacement]:
        return [p for p in self.partners if p.new_funding]

    @property
    def replaced_over_term(self) -> Decimal:
        return money(sum((line.replaced for line in self.lines), ZERO))

    @property
    def contributions_over_term(self) -> Decimal | None:
        if any(line.contributions is None for line in self.lines):
            return None
        return money(sum((line.contributions or ZERO for line in self.lines), ZERO))

    @property
    def new_money_over_term(self) -> Decimal | None:
        total = self.contributions_over_term
        return None if total is None else money(total - self.replaced_over_term)

    @property
    def first_full_year_label(self) -> str:
        """The year the per-partner "a year" figures are read from: the first full financial year of the term."""
        first = self.partners[0].first_year if self.partners else (self.years[0] if self.years else 0)
        return financial_year_label(first) if first else ""

    @property
    def due_on(self) -> Any:
        """The last day notice can go out and still run its full period before the new contract starts."""
        start = self.commission.start_date
        day = start
        while notice_end(day, self.notice_months) > start:
            day = day.fromordinal(day.toordinal() - 1)
        return day


def replacement_summary(*, commission: JointCommission, acting: Any) -> ReplacementSummary:
    """The value replaced, per partner and in total, each year of the term, against the new contributions, with the
    contracts before and after. A fixed number of queries: participations, links (with their contracts, notices and
    impact notes), the visible contributions, the Compact's notice period."""
    taking_part = list(
        Participation.objects.filter(
            commission=commission, status__in=[ParticipationStatus.ACCEPTED, ParticipationStatus.INVITED]
        )
        .select_related("organisation")
        .order_by("-is_lead", "organisation__name")
    )
    partners: dict[int, PartnerReplacement] = {
        p.organisation_id: PartnerReplacement(p.organisation_id, p.organisation.name, p.is_lead, contributions=None)
        for p in taking_part
    }
    if commission.lead_id not in partners:
        partners[commission.lead_id] = PartnerReplacement(
            commission.lead_id, commission.lead.name, True, contributions=None
        )
    for link in links_of(commission=commission):
        partners.setdefault(
            link.organisation_id,
            PartnerReplacement(link.organisation_id, link.organisation.name, False, contributions=None),
        ).links.append(link)
    for c in contributions_visible(acting=acting).filter(commission=commission):
        row = partners.get(c.organisation_id)
        if row is None:
            continue
        if row.contributions is None:
            row.contributions = {}
        row.contributions[c.financial_year] = row.contributions.get(c.financial_year, ZERO) + c.amount
    sees_all = sees_partner_breakdown(commission, acting)
    for p in partners.values():
        if p.contributions is None and (sees_all or p.organisation_id == acting.organisation.pk):
            p.contributions = {}
    parts = commission.year_parts
    years = [part.year for part in parts]
    # The headline's "a year" figures come from the first full year (a part year would understate them).
    first_full = next((part.year for part in parts if not part.part_year), years[0])
    rows = list(partners.values())
    for p in rows:
        p.first_year = first_full
        p.replaced_by_year = {s.part.year: s.amount for s in pro_rata(p.replaced_a_year, parts)}
    lines = []
    for y in years:
        replaced = money(sum((p.replaced_in(y) for p in rows), ZERO))
        known = [p.contribution(y) for p in rows]
        given = None if any(v is None for v in known) else money(sum((v or ZERO for v in known), ZERO))
        lines.append(
            YearLine(y, financial_year_label(y), replaced, given, None if given is None else money(given - replaced))
        )
    return ReplacementSummary(commission, rows, years, lines, notice_months_for(commission.partnership_id))


def links_of(*, commission: JointCommission) -> QuerySet[ReplacedContract]:
    return (
        ReplacedContract.objects.filter(commission=commission)
        .select_related(
            "organisation",
            "contract__service_area",
            "contract__funder",
            "contract__provider_notice",
            "contract__impact",
        )
        .order_by("organisation__name", "contract__provider_name", "pk")
    )


def contracts_to_link(*, commission: JointCommission, acting: Any) -> QuerySet[MappedContract]:
    """The acting partner's own mapped contracts in the commission's partnership not yet replaced by anything."""
    return (
        MappedContract.objects.filter(
            partnership_id=commission.partnership_id, funder=acting.organisation, replacement__isnull=True
        )
        .select_related("service_area")
        .order_by("service_area__name", "provider_name", "pk")
    )


def notices_for(*, organisation: Any) -> QuerySet[ProviderNotice]:
    return ProviderNotice.objects.select_related("contract__service_area", "contract__funder", "commission").order_by(
        "-sent_on", "-pk"
    )


def appraisal_detail(*, appraisal_id: int) -> OptionsAppraisal:
    return (
        OptionsAppraisal.objects.select_related(
            "service_area", "partnership", "commission", "organisation", "created_by"
        )
        .prefetch_related(Prefetch("options", queryset=AppraisalOption.objects.order_by("pk")))
        .get(pk=appraisal_id)
    )


def appraisals_for(*, service_area: Any = None, commission: Any = None) -> QuerySet[OptionsAppraisal]:
    found = OptionsAppraisal.objects.select_related("commission", "organisation")
    if service_area is not None:
        found = found.filter(service_area=service_area)
    if commission is not None:
        found = found.filter(commission=commission)
    return found.order_by("-created_at", "-pk")
