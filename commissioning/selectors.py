"""Reads for ``commissioning``. Each takes who is asking explicitly; the tenant scope filters underneath, and the
role rules for money (a finance officer sees their own organisation's figures plus totals) are applied here.

Every list is built from a fixed number of queries, whatever the number of rows: aggregates are computed in
Python over one fetch, or annotated in the database.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.safestring import SafeString

from commissioning import permissions
from commissioning.models import (
    OPEN_STATUSES,
    CommissioningModel,
    ContractImport,
    Contribution,
    ContributionStatus,
    EvidenceItem,
    JointCommission,
    MappedContract,
    Outcome,
    Participation,
    ParticipationStatus,
    PartnershipAgreement,
    ServiceArea,
    Stage,
)
from commissioning.services import settings_for, suggest_model
from core.charts import GanttRow, Series, gantt_chart, stacked_bar_chart
from core.money import financial_year_label, financial_year_of, money
from partners.models import Membership, Organisation, Partnership, PartnershipMember, Role

ZERO = Decimal("0.00")


# --------------------------------------------------------------------------------------------------------------
# Partnerships, service areas, evidence, outcomes
# --------------------------------------------------------------------------------------------------------------


def partnerships_of(*, organisation: Organisation) -> QuerySet[Partnership]:
    """Partnerships in which ``organisation`` is an active member (invited ones see nothing yet)."""
    return (
        Partnership.objects.filter(
            Exists(
                PartnershipMember._base_manager.filter(
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
    contracts = MappedContract.objects.select_related("service_area", "funder", "partnership")
    if partnership is not None:
        contracts = contracts.filter(partnership=partnership)
    if service_area is not None:
        contracts = contracts.filter(service_area=service_area)
    if mine:
        contracts = contracts.filter(funder=organisation)
    return contracts.order_by("service_area__name", "funder__name", "provider_name", "end_date", "pk")


def imports_of(*, organisation: Organisation) -> QuerySet[ContractImport]:
    return ContractImport.objects.filter(organisation=organisation).select_related("partnership", "imported_by")


# --------------------------------------------------------------------------------------------------------------
# The service map
# --------------------------------------------------------------------------------------------------------------


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

    Two queries whatever the size: the settings, and every contract in the area with its funder."""
    if window_days is None:
        window_days = settings_for(area.partnership).alignment_window_days
    contracts = list(
        MappedContract.objects.filter(service_area=area)
        .select_related("funder")
        .order_by("funder__name", "provider_name", "end_date", "pk")
    )
    partners: dict[int, PartnerTotal] = {}
    providers: dict[str, ProviderFunding] = {}
    by_end_year: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    total = alignable = ZERO
    for c in contracts:
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
    )


# --------------------------------------------------------------------------------------------------------------
# Joint commissions
# --------------------------------------------------------------------------------------------------------------


def commissions_for(*, organisation: Organisation) -> QuerySet[JointCommission]:
    """Commissions the organisation leads, is invited to or takes part in (and, for the accountable body, those it
    holds money for), with what a list needs, in a fixed number of queries."""
    return (
        JointCommission.objects.select_related("lead", "service_area", "partnership", "lead_contact")
        .annotate(
            partners_taking_part=Count(
                "participations", filter=Q(participations__status=ParticipationStatus.ACCEPTED), distinct=True
            ),
        )
        .prefetch_related(
            Prefetch(
                "participations",
                queryset=Participation._base_manager.filter(organisation=organisation),
                to_attr="own_participation",
            )
        )
        .order_by("-created_at", "-id")
    )


def commission_detail(*, commission_id: int) -> JointCommission:
    return (
        JointCommission.objects.select_related("lead", "service_area", "partnership__accountable_body", "lead_contact")
        .prefetch_related(
            Prefetch(
                "participations",
                queryset=Participation.objects.select_related("organisation", "responded_by").order_by(
                    "-is_lead", "organisation__name"
                ),
            ),
            Prefetch("agreements", queryset=PartnershipAgreement.objects.select_related("organisation", "signed_by")),
            "outcomes",
        )
        .get(pk=commission_id)
    )


def invitable_organisations(*, commission: JointCommission) -> QuerySet[Organisation]:
    taken = Participation._base_manager.filter(
        commission=commission, status__in=[ParticipationStatus.INVITED, ParticipationStatus.ACCEPTED]
    ).values("organisation_id")
    members = PartnershipMember._base_manager.filter(
        partnership_id=commission.partnership_id, status=PartnershipMember.Status.ACTIVE
    ).values("organisation_id")
    return Organisation.objects.filter(pk__in=members).exclude(pk__in=taken).exclude(pk=commission.lead_id)


def pending_invitations(*, organisation: Organisation) -> QuerySet[Participation]:
    return Participation.objects.filter(organisation=organisation, status=ParticipationStatus.INVITED).select_related(
        "commission__lead", "commission__service_area"
    )


def model_suggestion(*, commission: JointCommission) -> Any:
    from commissioning.services import suggestion_for

    return suggestion_for(commission)


def suggest(*, partners: int, annual_value: Decimal | None, new_service: bool, partnership: Partnership) -> Any:
    return suggest_model(
        partners=partners,
        annual_value=annual_value,
        new_service=new_service,
        threshold=settings_for(partnership).framework_threshold,
    )


# ---- contributions ---------------------------------------------------------------------------------------------


def contributions_visible(*, acting: Any) -> QuerySet[Contribution]:
    """The contribution rows the acting person may see: their own organisation's always; every partner's on
    commissions where they see the breakdown (``permissions.sees_partner_breakdown``)."""
    organisation = acting.organisation
    q = Q(organisation=organisation)
    if acting.has_role(Role.COMMISSIONER, Role.ORG_ADMIN):
        q |= Q(commission__lead=organisation) | Q(
            Exists(Participation._base_manager.filter(commission=OuterRef("commission"), organisation=organisation))
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
        if c.status == ContributionStatus.INDICATIVE:
            self.indicative += c.amount
        else:
            self.confirmed += c.amount
            if c.status == ContributionStatus.TRANSFERRED:
                self.transferred += c.amount

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
        return [(y, financial_year_label(y)) for y in self.years]

    @property
    def year_totals(self) -> list[tuple[str, Figures]]:
        return [(financial_year_label(y), self.totals[y]) for y in self.years]

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
    breakdown = permissions.sees_partner_breakdown(commission, acting)
    years = commission.financial_years
    own_id = acting.organisation.pk if acting.organisation is not None else None
    participations = {
        p.organisation_id: p
        for p in Participation._base_manager.filter(
            commission=commission, status=ParticipationStatus.ACCEPTED
        ).select_related("organisation")
    }
    contributions = list(
        Contribution._base_manager.filter(commission=commission).select_related("organisation", "source")
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
        MappedContract._base_manager.filter(
            partnership_id=commission.partnership_id, service_area_id=commission.service_area_id, funder=organisation
        ).order_by("-alignable", "end_date")
    )


# ---- reports --------------------------------------------------------------------------------------------------


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

    @property
    def year_label(self) -> str:
        return financial_year_label(self.year)

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
                    Participation._base_manager.filter(
                        commission=OuterRef("pk"), organisation=organisation, status=ParticipationStatus.ACCEPTED
                    )
                )
            )
            | Q(Exists(Contribution._base_manager.filter(commission=OuterRef("pk"), organisation=organisation)))
        )
    return list(commissions.exclude(model=CommissioningModel.DO_NOTHING).order_by("start_date", "title", "pk"))


def contribution_report(
    *, partnership: Partnership, organisation: Organisation | None, now: dt.datetime | None = None
) -> ContributionReport:
    """One partner's contributions (``organisation``), or every partner's (``None``: the accountable body's view),
    per commission and financial year, with each commission's total and the partner's share of it.

    Two queries: the commissions, and their contributions. The caller decides who may ask for which scope
    (``permissions.sees_whole_partnership_report``)."""
    commissions = report_commissions(partnership=partnership, organisation=organisation)
    contributions = list(
        Contribution._base_manager.filter(commission__in=[c.pk for c in commissions]).select_related("organisation")
    )
    by_commission: dict[int, list[Contribution]] = defaultdict(list)
    for c in contributions:
        by_commission[c.commission_id].append(c)
    lines: list[ReportLine] = []
    years: dict[int, YearSummary] = {}
    for commission in commissions:
        status = commission.get_status_display()
        totals: dict[int, Figures] = defaultdict(Figures)
        per_partner: dict[tuple[str, int], Figures] = defaultdict(Figures)
        for c in by_commission[commission.pk]:
            totals[c.financial_year].add(c)
            if organisation is None or c.organisation_id == organisation.pk:
                per_partner[(c.organisation.name, c.financial_year)].add(c)
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


# ---- timetable ------------------------------------------------------------------------------------------------


def stages_of(*, commission: JointCommission) -> list[Stage]:
    return list(
        Stage.objects.filter(commission=commission)
        .select_related("owner", "owner_organisation")
        .order_by("position", "planned_start", "pk")
    )


def gantt(*, commission: JointCommission, stages: list[Stage], today: dt.date | None = None) -> SafeString:
    today = today or timezone.localdate()
    return gantt_chart(
        title=f"Timetable for {commission.title}",
        rows=[
            GanttRow(
                s.name, s.planned_start, s.planned_end, done=s.completed_on is not None, overdue=s.is_overdue(today)
            )
            for s in stages
        ],
        today=today,
    )


def stage_owner_choices(*, commission: JointCommission) -> QuerySet[Membership]:
    """People at the lead or a partner taking part who can own a stage."""
    organisations = [
        commission.lead_id,
        *list(
            Participation._base_manager.filter(commission=commission, status=ParticipationStatus.ACCEPTED).values_list(
                "organisation_id", flat=True
            )
        ),
    ]
    return (
        Membership._base_manager.filter(organisation_id__in=organisations, is_active=True)
        .filter(
            Q(roles__contains=[Role.COMMISSIONER])
            | Q(roles__contains=[Role.FINANCE_OFFICER])
            | Q(roles__contains=[Role.ORG_ADMIN])
        )
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__full_name")
    )


def upcoming_stages(*, organisation: Organisation, limit: int = 6) -> list[Stage]:
    return list(
        Stage.objects.filter(completed_on__isnull=True, commission__status__in=list(OPEN_STATUSES))
        .select_related("commission", "owner")
        .order_by("planned_end", "pk")[:limit]
    )


def calendar_stages(*, user: Any) -> list[Stage]:
    """Stages the person owns or leads (as a commission's lead commissioner), in commissions their organisations
    may see. Looked up per organisation they belong to, so leaving an organisation removes its stages."""
    from core.tenancy import scope

    seen: dict[int, Stage] = {}
    organisations = [
        m.organisation
        for m in Membership._base_manager.filter(user=user, is_active=True).select_related("organisation")
    ]
    for organisation in organisations:
        with scope(organisation=organisation):
            for s in (
                Stage.objects.filter(Q(owner=user) | Q(commission__lead_contact=user))
                .filter(commission__status__in=list(OPEN_STATUSES))
                .select_related("commission", "owner")
            ):
                seen[s.pk] = s
    return sorted(seen.values(), key=lambda s: (s.planned_end, s.pk))
