"""Reads: contributions and the finance reports."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.safestring import SafeString

from commissioning.commissions.models import (
    CommissioningModel,
    Contribution,
    ContributionStatus,
    JointCommission,
    Participation,
    ParticipationStatus,
    loaded_rows,
)
from commissioning.commissions.permissions import sees_partner_breakdown
from commissioning.money.models import ContributionChange
from commissioning.service_map.models import MappedContract
from commissioning.service_map.selectors import ZERO
from core.charts import Series, stacked_bar_chart
from core.money import FinancialYearPart, financial_year_label, money
from partners.models import Organisation, Partnership, Role


def contributions_visible(*, acting: Any) -> QuerySet[Contribution]:
    """The contribution rows the acting person may see: their own organisation's always; every partner's on
    commissions where they see the breakdown (``sees_partner_breakdown``)."""
    organisation = acting.organisation
    q = Q(organisation=organisation)
    if acting.has_role(Role.COMMISSIONER, Role.ORG_ADMIN):
        q |= Q(commission__lead=organisation) | Q(
            Exists(Participation.objects.filter(commission=OuterRef("commission"), organisation=organisation))
        )
    if acting.has_role(Role.FINANCE_OFFICER, Role.COMMISSIONER):
        q |= Q(commission__partnership__accountable_body=organisation)
    return Contribution.objects.filter(q).select_related("commission", "organisation", "source")


@dataclass
class Figures:
    indicative: Decimal = ZERO
    confirmed: Decimal = ZERO  # confirmed, including what has since been transferred
    transferred: Decimal = ZERO

    def add(self, c: Contribution) -> None:
        self.add_amount(c.status, c.amount)

    def add_amount(self, status: str, amount: Decimal) -> None:
        if status == ContributionStatus.INDICATIVE:
            self.indicative += amount
        else:
            self.confirmed += amount
            if status == ContributionStatus.TRANSFERRED:
                self.transferred += amount

    def merge(self, other: Figures) -> None:
        self.indicative += other.indicative
        self.confirmed += other.confirmed
        self.transferred += other.transferred

    @property
    def outstanding(self) -> Decimal:
        """Confirmed but not yet transferred."""
        return money(self.confirmed - self.transferred)

    @property
    def pledged(self) -> Decimal:
        """Everything put in, indicative or confirmed."""
        return money(self.indicative + self.confirmed)


def history_of(contribution: Contribution) -> list[ContributionChange]:
    """The contribution's changes, newest first (prefetched by ``contribution_table`` as ``history``)."""
    return list(getattr(contribution, "history", []))


def share(part: Decimal, whole: Decimal) -> Decimal | None:
    """A fraction (0.4571...), for display as a percentage; ``None`` when the whole is zero."""
    if not whole:
        return None
    return (part / whole).quantize(Decimal("0.0001"))


@dataclass
class PartnerRow:
    organisation_id: int
    name: str
    cells: dict[int, Contribution | None]
    is_own: bool
    is_lead: bool

    @property
    def total(self) -> Decimal:
        return money(sum((c.amount for c in self.cells.values() if c is not None), ZERO))


@dataclass
class ContributionTable:
    commission: JointCommission
    years: list[int]
    rows: list[PartnerRow]
    totals: dict[int, Figures]
    breakdown: bool
    others: dict[int, Decimal] | None  # "other partners combined", for those who do not see the breakdown

    @property
    def labels(self) -> list[tuple[int, str]]:
        """Each year of the term with its label, part-years saying which days they cover."""
        return [(p.year, p.label) for p in self.commission.year_parts]

    @property
    def parts(self) -> list[FinancialYearPart]:
        return self.commission.year_parts

    @property
    def year_totals(self) -> list[tuple[str, Figures]]:
        return [(label, self.totals[y]) for y, label in self.labels]

    @property
    def history(self) -> list[tuple[PartnerRow, Contribution, ContributionChange]]:
        """Every change to the figures shown (old, new, who, when, why), newest first."""
        out = [(r, c, ch) for r in self.rows for c in r.cells.values() if c is not None for ch in history_of(c)]
        return sorted(out, key=lambda t: (t[2].proposed_at, t[2].pk), reverse=True)

    @property
    def pending(self) -> list[ContributionChange]:
        """Variations awaiting the partner's re-confirmation, on the rows shown: the old figures stand meanwhile."""
        return [
            ch for r in self.rows for c in r.cells.values() if c is not None for ch in history_of(c) if ch.is_pending
        ]

    @property
    def term(self) -> Figures:
        out = Figures()
        for y in self.years:
            out.merge(self.totals[y])
        return out

    def share_of(self, row: PartnerRow, year: int) -> Decimal | None:
        cell = row.cells.get(year)
        return share(cell.amount, self.totals[year].pledged) if cell is not None else None

    @property
    def others_total(self) -> Decimal:
        return money(sum((self.others or {}).values(), ZERO))

    @property
    def reconciles(self) -> bool:
        """Partner rows (plus "other partners") add up to the totals, to the penny, in every year."""
        for y in self.years:
            shown = sum((r.cells[y].amount for r in self.rows if r.cells.get(y) is not None), ZERO)
            if self.others is not None:
                shown += self.others.get(y, ZERO)
            if money(shown) != self.totals[y].pledged:
                return False
        return True


def contribution_table(*, commission: JointCommission, acting: Any) -> ContributionTable:
    """The commission's money by partner and financial year, as ``acting`` may see it. One query for the rows
    (every row is needed for the totals; rows the person may not see are folded into "other partners")."""
    breakdown = sees_partner_breakdown(commission, acting)
    years = commission.financial_years
    own_id = acting.organisation.pk if acting.organisation is not None else None
    participations = {
        p.organisation_id: p
        for p in loaded_rows(
            commission,
            "participations",
            Participation.objects.filter(commission=commission).select_related("organisation"),
        )
        if p.status == ParticipationStatus.ACCEPTED
    }
    contributions = loaded_rows(
        commission,
        "contributions",
        Contribution.objects.filter(commission=commission)
        .select_related("organisation", "source")
        .prefetch_related(
            Prefetch(
                "changes",
                queryset=ContributionChange.objects.select_related("proposed_by", "decided_by").order_by(
                    "-proposed_at", "-id"
                ),
                to_attr="history",
            )
        ),
    )
    totals = {y: Figures() for y in years}
    rows: dict[int, PartnerRow] = {}
    others: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for c in contributions:
        if c.financial_year in totals:
            totals[c.financial_year].add(c)
        if breakdown or c.organisation_id == own_id:
            row = rows.setdefault(
                c.organisation_id,
                PartnerRow(
                    c.organisation_id,
                    c.organisation.name,
                    dict.fromkeys(years),
                    c.organisation_id == own_id,
                    c.organisation_id == commission.lead_id,
                ),
            )
            row.cells[c.financial_year] = c
        else:
            others[c.financial_year] += c.amount
    visible_ids: set[int] = set(participations) if breakdown else {i for i in participations if i == own_id}
    for organisation_id in visible_ids:
        if organisation_id not in rows:
            p = participations[organisation_id]
            rows[organisation_id] = PartnerRow(
                organisation_id,
                p.organisation.name,
                dict.fromkeys(years),
                organisation_id == own_id,
                p.is_lead,
            )
    ordered = sorted(rows.values(), key=lambda r: (not r.is_lead, r.name))
    return ContributionTable(
        commission=commission,
        years=years,
        rows=ordered,
        totals=totals,
        breakdown=breakdown,
        others=None if breakdown else {y: money(others.get(y, ZERO)) for y in years},
    )


def contribution_sources(*, commission: JointCommission, organisation: Organisation) -> list[MappedContract]:
    """The organisation's mapped contracts in the commission's service area: where its money might come from."""
    return list(
        MappedContract.objects.filter(
            partnership_id=commission.partnership_id, service_area_id=commission.service_area_id, funder=organisation
        ).order_by("-alignable", "end_date")
    )


@dataclass
class ReportLine:
    commission_id: int
    commission: str
    status: str
    lead: str
    partner: str
    year: int
    figures: Figures
    commission_total: Decimal
    part_label: str = ""  # the commission's own label for the year: "2029/30 (part year: 1 April ... )"

    @property
    def year_label(self) -> str:
        return self.part_label or financial_year_label(self.year)

    @property
    def share(self) -> Decimal | None:
        return share(self.figures.pledged, self.commission_total)


@dataclass
class YearSummary:
    year: int
    figures: Figures
    commissions_total: Decimal

    @property
    def label(self) -> str:
        return financial_year_label(self.year)

    @property
    def share(self) -> Decimal | None:
        return share(self.figures.pledged, self.commissions_total)


@dataclass
class ContributionReport:
    partnership: Partnership
    organisation: Organisation | None  # None: the whole partnership
    generated_at: dt.datetime
    lines: list[ReportLine]
    years: list[YearSummary]
    commissions: int

    @property
    def title(self) -> str:
        who = self.organisation.name if self.organisation is not None else f"All partners of {self.partnership.name}"
        return f"Contributions to joint commissions: {who}"

    @property
    def totals(self) -> Figures:
        out = Figures()
        for y in self.years:
            out.merge(y.figures)
        return out

    @property
    def commissions_total(self) -> Decimal:
        return money(sum((y.commissions_total for y in self.years), ZERO))

    @property
    def share(self) -> Decimal | None:
        return share(self.totals.pledged, self.commissions_total)

    @property
    def reconciles(self) -> bool:
        """The lines add up to the yearly summaries, and those to the totals, to the penny."""
        by_year: dict[int, Decimal] = defaultdict(lambda: ZERO)
        for line in self.lines:
            by_year[line.year] += line.figures.pledged
        return (
            all(money(by_year.get(y.year, ZERO)) == y.figures.pledged for y in self.years)
            and money(sum((y.figures.pledged for y in self.years), ZERO)) == self.totals.pledged
        )

    def chart(self) -> SafeString:
        if not self.years:
            return SafeString("")
        return stacked_bar_chart(
            title=f"{self.organisation.name if self.organisation else self.partnership.name}: contributions by "
            "financial year",
            categories=[y.label for y in self.years],
            series=[
                Series("Transferred", [y.figures.transferred for y in self.years]),
                Series("Awaiting transfer", [y.figures.outstanding for y in self.years]),
                Series("Indicative", [y.figures.indicative for y in self.years]),
            ],
        )


def report_commissions(*, partnership: Partnership, organisation: Organisation | None) -> list[JointCommission]:
    commissions = JointCommission.objects.filter(partnership=partnership).select_related("lead")
    if organisation is not None:
        commissions = commissions.filter(
            Q(lead=organisation)
            | Q(
                Exists(
                    Participation.objects.filter(
                        commission=OuterRef("pk"), organisation=organisation, status=ParticipationStatus.ACCEPTED
                    )
                )
            )
            | Q(Exists(Contribution.objects.filter(commission=OuterRef("pk"), organisation=organisation)))
        )
    return list(commissions.exclude(model=CommissioningModel.DO_NOTHING).order_by("start_date", "title", "pk"))


def contribution_report(
    *, partnership: Partnership, organisation: Organisation | None, now: dt.datetime | None = None
) -> ContributionReport:
    """One partner's contributions (``organisation``), or every partner's (``None``: the accountable body's view),
    per commission and financial year, with each commission's total and the partner's share of it.

    Two queries: the commissions, and their contributions summed in SQL by commission, partner, year and status.
    The caller decides who may ask for which scope (``sees_whole_partnership_report``)."""
    commissions = report_commissions(partnership=partnership, organisation=organisation)
    sums = (
        Contribution.objects.filter(commission__in=[c.pk for c in commissions])
        .values("commission_id", "organisation_id", "organisation__name", "financial_year", "status")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    by_commission: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in sums:
        by_commission[row["commission_id"]].append(row)
    lines: list[ReportLine] = []
    years: dict[int, YearSummary] = {}
    for commission in commissions:
        status = commission.get_status_display()
        totals: dict[int, Figures] = defaultdict(Figures)
        per_partner: dict[tuple[str, int], Figures] = defaultdict(Figures)
        for row in by_commission[commission.pk]:
            year, amount = row["financial_year"], money(row["total"])
            totals[year].add_amount(row["status"], amount)
            if organisation is None or row["organisation_id"] == organisation.pk:
                per_partner[(row["organisation__name"], year)].add_amount(row["status"], amount)
        term = sorted(set(commission.financial_years) | set(totals))
        for year in term:
            commission_total = totals[year].pledged
            summary = years.setdefault(year, YearSummary(year, Figures(), ZERO))
            summary.commissions_total += commission_total
            partners = (
                [organisation.name]
                if organisation is not None
                else sorted({name for (name, y) in per_partner if y == year})
            )
            for name in partners:
                figures = per_partner.get((name, year), Figures())
                summary.figures.merge(figures)
                lines.append(
                    ReportLine(
                        commission.pk,
                        commission.title,
                        status,
                        commission.lead.name,
                        name,
                        year,
                        figures,
                        commission_total,
                        commission.year_label(year),
                    )
                )
    return ContributionReport(
        partnership=partnership,
        organisation=organisation,
        generated_at=now or timezone.now(),
        lines=lines,
        years=[years[y] for y in sorted(years)],
        commissions=len(commissions),
    )


def outstanding_for(*, organisation: Organisation) -> list[tuple[str, Figures]]:
    """The organisation's own contributions by financial year (for the finance officer's dashboard)."""
    by_year: dict[int, Figures] = defaultdict(Figures)
    for c in Contribution.objects.filter(organisation=organisation).exclude(
        commission__status__in=["closed", "decommissioned"]
    ):
        by_year[c.financial_year].add(c)
    return [(financial_year_label(y), by_year[y]) for y in sorted(by_year)]
