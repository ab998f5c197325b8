"""Builders for monitoring tests: a signed debt-advice contract (county leads, district takes part, the world's
Citizens Advice is the provider) with each partner's share of each year, and its agreed KPIs.

Contracts are made directly (tender, successful bid, approved award line, contract, shares) rather than through the
whole tendering process, which has its own tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from commissioning.commissions import services as commissions_services
from commissioning.demo import simple_pdf
from commissioning.models import JointCommission, Outcome, ServiceArea
from commissioning.service_map import services as service_map_services
from core.money import financial_years
from monitoring import rag as rag_module
from monitoring.kpis.models import Kpi, KpiSet
from monitoring.kpis.selectors import contract_periods, due_kpis
from monitoring.kpis.services import kpi_add, kpi_set_create, kpi_set_respond, kpi_set_transition
from monitoring.returns.models import KpiReturn, KpiValue, ReturnStatus
from monitoring.returns.services import return_add_evidence, return_save, return_start, return_submit
from partners.acting import Acting
from partners.models import Organisation, Role, User
from procurement.award.models import AwardLine, AwardRecommendation, Contract, ContractShare, RecommendationStatus
from procurement.bids.models import Bid, BidStatus
from procurement.tenders.models import Tender, TenderStatus
from tests.factories.commissioning import acting, commissioner_at, district_invited
from tests.factories.partners import ProviderFactory

COUNTY_A_YEAR = Decimal("23750.00")
DISTRICT_A_YEAR = Decimal("20000.00")
START = dt.date(2025, 4, 1)
END = dt.date(2028, 3, 31)
AREA = "Debt, benefits and consumer advice"


def pdf_upload(name: str = "evidence.pdf", text: str = "Evidence") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, simple_pdf(text), content_type="application/pdf")


def make_contract(
    *,
    commission: JointCommission,
    provider: Organisation,
    title: str = "Debt, benefits and consumer advice",
    start: dt.date = START,
    end: dt.date = END,
    shares: dict[Organisation, Decimal] | None = None,
    signed_on: dt.date | None = None,
    lot: Any = None,
    tender: Tender | None = None,
) -> Contract:
    """A signed contract for ``commission`` with ``provider`` and each organisation's share of each financial year."""
    shares = shares or {}
    annual = sum(shares.values(), Decimal("0")) or Decimal("43750.00")
    now = timezone.now()
    if tender is None:
        tender = Tender.objects.create(
            commission=commission,
            title=title,
            summary="Free, independent advice on debt, benefits and consumer problems.",
            specification="Provide advice sessions across the district.",
            estimated_annual_value=annual,
            term_years=max(1, end.year - start.year),
            clarification_deadline=now - dt.timedelta(days=200),
            submission_deadline=now - dt.timedelta(days=190),
            status=TenderStatus.AWARDED,
            published_at=now - dt.timedelta(days=240),
        )
    bid = Bid.objects.create(
        tender=tender,
        organisation=provider,
        status=BidStatus.SUCCESSFUL,
        lot=lot,
        submitted_at=now - dt.timedelta(days=195),
    )
    recommendation = AwardRecommendation.objects.create(tender=tender, status=RecommendationStatus.APPROVED)
    line = AwardLine.objects.create(recommendation=recommendation, bid=bid, annual_value=annual, lot=lot)
    contract = Contract.objects.create(
        tender=tender,
        commission=commission,
        award_line=line,
        bid=bid,
        provider=provider,
        title=title,
        lot=lot,
        annual_value=annual,
        start_date=start,
        end_date=end,
        signed_on=signed_on or start - dt.timedelta(days=20),
    )

    years = financial_years(start, max(1, (end - start).days // 365 + (1 if (end - start).days % 365 else 0)))
    ContractShare.objects.bulk_create(
        [
            ContractShare(contract=contract, organisation=o, financial_year=y, amount=a)
            for o, a in shares.items()
            for y in years
        ]
    )
    return contract


KPI_DEFINITIONS: list[dict[str, Any]] = [
    {
        "name": "People given debt advice",
        "definition": "Distinct residents who had at least one debt advice session in the period.",
        "unit": "count",
        "target": "150",
        "green_threshold": "150",
        "red_threshold": "120",
        "frequency": "quarterly",
        "direction": "higher",
        "outcome": "prosperous",
        "evidence_required": "Extract from the case management system",
        "payment_linked": True,
    },
    {
        "name": "Debt written off or rescheduled",
        "definition": "Total debt written off or rescheduled for clients in the period.",
        "unit": "money",
        "target": "250000",
        "green_threshold": "250000",
        "red_threshold": "200000",
        "frequency": "quarterly",
        "direction": "higher",
        "outcome": "prosperous",
    },
    {
        "name": "Clients reporting less stress",
        "definition": "Share of clients surveyed at closure who say their stress about money has reduced.",
        "unit": "percentage",
        "target": "80",
        "green_threshold": "80",
        "red_threshold": "70",
        "frequency": "quarterly",
        "direction": "higher",
        "outcome": "healthy",
    },
    {
        "name": "Complaints upheld",
        "definition": "Complaints about the service upheld after investigation.",
        "unit": "count",
        "target": "0",
        "green_threshold": "1",
        "red_threshold": "3",
        "frequency": "quarterly",
        "direction": "lower",
    },
    {
        "name": "Annual safeguarding audit completed",
        "definition": "The provider completed its annual safeguarding self-assessment and shared it.",
        "unit": "yes_no",
        "target": "1",
        "frequency": "annual",
    },
]


@dataclass
class DebtAdvice:
    world: Any
    area: ServiceArea
    commission: JointCommission
    contract: Contract
    lead: Acting
    partner: Acting
    provider: Acting
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    kpi_set: KpiSet | None = None

    @property
    def kpis(self) -> list[Kpi]:
        return list(Kpi._base_manager.filter(kpi_set=self.kpi_set).order_by("position"))

    def kpi(self, name: str) -> Kpi:
        return Kpi._base_manager.get(kpi_set=self.kpi_set, name=name)

    def draft_kpis(
        self, definitions: list[dict[str, Any]] | None = None, return_frequency: str = "quarterly"
    ) -> KpiSet:
        self.kpi_set = kpi_set_create(
            commission=self.commission, title="Debt advice KPIs", return_frequency=return_frequency, by=self.lead
        )
        for d in definitions or KPI_DEFINITIONS:
            values = dict(d)
            if values.get("outcome"):
                values["outcome"] = self.outcomes[values["outcome"]]
            kpi_add(kpi_set=self.kpi_set, by=self.lead, **values)
        return self.kpi_set

    def agree_kpis(self) -> KpiSet:
        if self.kpi_set is None:
            self.draft_kpis()
        kpi_set_transition(kpi_set=self.kpi_set, name="share", by=self.lead)
        kpi_set_respond(kpi_set=self.kpi_set, agree=True, text="Agreed for the district", by=self.partner)
        self.kpi_set = kpi_set_transition(kpi_set=self.kpi_set, name="agree", by=self.lead)
        return self.kpi_set

    def fill(self, kpi_return: KpiReturn, actuals: dict[str, Any] | None = None, **extra: Any) -> KpiReturn:
        """Give every due KPI an actual (green by default; ``actuals`` by KPI name overrides)."""
        actuals = actuals or {}
        values = {}
        for v in kpi_return.values.select_related("kpi"):
            default = v.kpi.green_threshold if v.kpi.unit != "yes_no" else v.kpi.target
            values[v.kpi_id] = {"actual": str(actuals.get(v.kpi.name, default)), "note": ""}
        extra.setdefault("narrative", "A steady quarter with good demand.")
        return return_save(kpi_return=kpi_return, values=values, by=self.provider, **extra)

    def submitted_return(self, period_start: dt.date, actuals: dict[str, Any] | None = None, **extra: Any) -> KpiReturn:
        kpi_return = return_start(contract=self.contract, period_start=period_start, by=self.provider)
        self.fill(kpi_return, actuals, **extra)
        if any(v.kpi.evidence_required for v in kpi_return.values.select_related("kpi")):
            return_add_evidence(kpi_return=kpi_return, upload=pdf_upload(), by=self.provider)
        return return_submit(kpi_return=kpi_return, by=self.provider)


def debt_advice(
    world: Any,
    *,
    agreed: bool = True,
    start: dt.date = START,
    end: dt.date = END,
    provider: Organisation | None = None,
    return_frequency: str = "quarterly",
    title: str = "Debt, benefits and consumer advice",
) -> DebtAdvice:
    """County leads a debt advice commission with the district; the world's provider holds the contract."""
    partnership = world.partnership
    area = ServiceArea.objects.filter(partnership=partnership, name=AREA).first() or ServiceArea.objects.create(
        partnership=partnership, name=AREA
    )
    lead = acting(world.lead_commissioner, world.county)
    district_user = commissioner_at(world, world.district)
    partner = acting(district_user, world.district)
    provider_org = provider or world.provider
    provider_user = world.bidder if provider_org.pk == world.provider.pk else world.member(provider_org, Role.BIDDER)
    provider_actor = acting(provider_user, provider_org)
    outcomes = {}
    for key, name in (("prosperous", "A community which is prosperous"), ("healthy", "A community which is healthy")):
        outcomes[key] = Outcome.objects.filter(partnership=partnership, title=name).first() or (
            service_map_services.outcome_add(partnership=partnership, kind="outcome", title=name, by=lead)
        )
    commission = district_invited(
        world,
        area=area,
        title="Debt, benefits and consumer advice in Lichfield District",
        intended_outcomes="Residents manage money well and avoid crisis.",
        start_date=start,
        by=lead,
    )
    commissions_services.commission_respond(commission=commission, accept=True, by=partner)
    ex = DebtAdvice(
        world=world,
        area=area,
        commission=commission,
        contract=None,
        lead=lead,  # type: ignore[arg-type]
        partner=partner,
        provider=provider_actor,
        outcomes=outcomes,
    )
    if agreed:
        ex.draft_kpis(return_frequency=return_frequency)
        ex.agree_kpis()  # agreed before award, as the timetable says
    ex.contract = make_contract(
        commission=commission,
        provider=provider_org,
        title=title,
        start=start,
        end=end,
        shares={world.county: COUNTY_A_YEAR, world.district: DISTRICT_A_YEAR},
    )
    return ex


def lead_user(ex: DebtAdvice) -> User:
    return ex.lead.user


__all__ = ["KPI_DEFINITIONS", "DebtAdvice", "debt_advice", "make_contract", "pdf_upload"]


def bulk_returns(ex: DebtAdvice, contract: Contract, *, count: int, first: dt.date = START) -> list[KpiReturn]:
    """``count`` submitted returns for consecutive periods of ``contract``, made in bulk (for size tests): every KPI
    due gets an actual, some red, some amber."""

    kpi_set = ex.kpi_set
    kpis = list(kpi_set.kpis.all())
    chosen = [p for p in contract_periods(contract, kpi_set) if p.start >= first][:count]
    returns = KpiReturn.objects.bulk_create(
        [
            KpiReturn(
                contract=contract,
                kpi_set=kpi_set,
                frequency=p.frequency,
                period_start=p.start,
                period_end=p.end,
                label=p.label,
                due_on=p.due_on(kpi_set.return_due_days),
                status=ReturnStatus.ACCEPTED,
                narrative="Bulk",
                submitted_at=timezone.now(),
            )
            for p in chosen
        ]
    )
    values = []
    for i, (r, p) in enumerate(zip(returns, chosen, strict=True)):
        for k in due_kpis(kpis, p, contract):
            actual = (
                k.red_threshold - 1
                if (i + k.pk) % 5 == 0 and k.direction == "higher" and k.red_threshold > 0
                else k.green_threshold
            )
            values.append(KpiValue(kpi_return=r, kpi=k, actual=actual, rag=k.rag_of(actual)))
    KpiValue.objects.bulk_create(values)
    for r in returns:
        r.rag = rag_module.worst(v.rag for v in values if v.kpi_return_id == r.pk)
    KpiReturn.objects.bulk_update(returns, ["rag"])
    return returns


def more_contracts(ex: DebtAdvice, n: int, *, returns: int = 12) -> list[Contract]:
    """``n`` more contracts under the same commission (so the same agreed KPIs), each with ``returns`` returns."""

    made = []
    for i in range(n):
        contract = make_contract(
            commission=ex.commission,
            provider=ProviderFactory(),
            title=f"Debt advice, area {i + 2}",
            shares={ex.world.county: COUNTY_A_YEAR, ex.world.district: DISTRICT_A_YEAR},
        )
        bulk_returns(ex, contract, count=returns)
        made.append(contract)
    return made
