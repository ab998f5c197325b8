"""What a release may say about one contracting process, gathered once: only what is already public.

This is the only module of open data that reads procurement, and what it reads is the rule of what is published:

- the tender's own public facts, the partners taking part and their confirmed money (the budget the partners
  commit when they publish), the tender's documents once the tender is published;
- the award only once it is decided and the bidders told (standstill or later): the awarded line's value and the
  awarded organisation, read as an organisation id from the line, never a bid's fields;
- the signed contracts, with each partner's share of each year (the transactions).

It never reads a bid, a bid's answers, prices, files or a count of bids. Reads cross tenants on purpose (a release
says the same to everyone), so each query says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone

from commissioning.models import Contribution, ContributionStatus, JointCommission, Participation, ParticipationStatus
from partners.models import Organisation
from procurement.award.models import AwardLine, Contract, ContractShare, RecommendationStatus
from procurement.tenders.models import Tender, TenderDocument, TenderStatus

READS = "open data publishes what is public about a contracting process, the same to everyone"

# The award is public once the bidders have been told and the standstill runs (the contract award notice).
AWARD_PUBLIC = frozenset({TenderStatus.STANDSTILL, TenderStatus.AWARDED})


def ocid_for(tender: Tender | int) -> str:
    """One ocid per contracting process; the process is the tender."""
    pk = tender if isinstance(tender, int) else tender.pk
    return f"{settings.JOINTLY_OCID_PREFIX}-{pk}"


@dataclass(frozen=True)
class BudgetLine:
    organisation: Organisation
    financial_year: int
    amount: Decimal


@dataclass(frozen=True)
class DocumentFacts:
    pk: int
    title: str
    added_at: dt.datetime


@dataclass(frozen=True)
class AwardFacts:
    pk: int
    lot_number: int | None
    lot_title: str
    annual_value: Decimal
    supplier: Organisation
    decided_at: dt.datetime | None


@dataclass(frozen=True)
class ShareFacts:
    organisation: Organisation
    financial_year: int
    amount: Decimal


@dataclass(frozen=True)
class VariationFacts:
    pk: int
    date: dt.date | dt.datetime | None
    rationale: str
    description: str


@dataclass(frozen=True)
class ContractFacts:
    contract: Contract
    award_pk: int
    shares: list[ShareFacts]
    variations: list[VariationFacts] = field(default_factory=list)

    @property
    def total_value(self) -> Decimal:
        return sum((s.amount for s in self.shares), Decimal("0.00"))


@dataclass(frozen=True)
class ProcessFacts:
    ocid: str
    tender: Tender
    commission: JointCommission
    lead: Organisation
    partners: list[Organisation]
    budget: list[BudgetLine]
    documents: list[DocumentFacts]
    awards: list[AwardFacts]
    contracts: list[ContractFacts]
    cpv_codes: list[str]
    gathered_at: dt.datetime

    @property
    def award_public(self) -> bool:
        return self.tender.status in AWARD_PUBLIC


def _variations(contract: Contract) -> list[VariationFacts]:
    """A2's contract variations, when that model exists: agreed variations become amendments."""
    related = getattr(contract, "variations", None)
    if related is None or not hasattr(related, "model"):
        return []
    rows = related.model.objects.unscoped(reason=READS).filter(contract=contract).order_by("pk")
    out = []
    for v in rows:
        status = str(getattr(v, "status", "agreed"))
        if status not in ("agreed", "approved", "published", "signed"):
            continue
        date = getattr(v, "agreed_on", None) or getattr(v, "effective_on", None) or getattr(v, "created_at", None)
        out.append(
            VariationFacts(
                pk=v.pk,
                date=date,
                rationale=str(getattr(v, "reason", "") or getattr(v, "rationale", "")),
                description=str(getattr(v, "description", "") or getattr(v, "summary", "") or v),
            )
        )
    return out


def gather(tender: Tender) -> ProcessFacts:
    """Everything a release about ``tender``'s process may say, now."""
    tender = Tender.objects.unscoped(reason=READS).select_related("commission__lead").get(pk=tender.pk)
    commission = tender.commission
    lead = commission.lead
    partner_ids = list(
        Participation.objects.unscoped(reason=READS)
        .filter(commission=commission, status=ParticipationStatus.ACCEPTED)
        .values_list("organisation_id", flat=True)
    )
    orgs = {o.pk: o for o in Organisation.objects.filter(pk__in={lead.pk, *partner_ids})}
    partners = [lead, *sorted((orgs[p] for p in set(partner_ids) if p != lead.pk), key=lambda o: o.name)]
    budget = [
        BudgetLine(c.organisation, c.financial_year, c.amount)
        for c in Contribution.objects.unscoped(reason=READS)
        .filter(commission=commission, status__in=(ContributionStatus.CONFIRMED, ContributionStatus.TRANSFERRED))
        .select_related("organisation")
        .order_by("financial_year", "organisation__name")
    ]
    documents: list[DocumentFacts] = []
    if tender.is_published:
        documents = [
            DocumentFacts(d.pk, d.title, d.added_at)
            for d in TenderDocument.objects.unscoped(reason=READS).filter(tender=tender, removed_at__isnull=True)
        ]
    awards: list[AwardFacts] = []
    contracts: list[ContractFacts] = []
    if tender.status in AWARD_PUBLIC:
        lines = list(
            AwardLine.objects.unscoped(reason=READS)
            .filter(recommendation__tender=tender, recommendation__status=RecommendationStatus.APPROVED)
            .order_by("lot__number", "pk")
            .values(
                "pk",
                "annual_value",
                "lot__number",
                "lot__title",
                "recommendation__decided_at",
                "bid__organisation_id",  # the awarded organisation only: no other field of any bid
            )
        )
        suppliers = {o.pk: o for o in Organisation.objects.filter(pk__in={ln["bid__organisation_id"] for ln in lines})}
        awards = [
            AwardFacts(
                pk=ln["pk"],
                lot_number=ln["lot__number"],
                lot_title=ln["lot__title"] or "",
                annual_value=ln["annual_value"],
                supplier=suppliers[ln["bid__organisation_id"]],
                decided_at=ln["recommendation__decided_at"],
            )
            for ln in lines
        ]
        signed = list(
            Contract.objects.unscoped(reason=READS).filter(tender=tender).select_related("provider").order_by("pk")
        )
        shares: dict[int, list[ShareFacts]] = {c.pk: [] for c in signed}
        for s in (
            ContractShare.objects.unscoped(reason=READS)
            .filter(contract__in=signed)
            .select_related("organisation")
            .order_by("financial_year", "organisation__name")
        ):
            shares[s.contract_id].append(ShareFacts(s.organisation, s.financial_year, s.amount))
        contracts = [ContractFacts(c, c.award_line_id, shares[c.pk], _variations(c)) for c in signed]
    cpv: Any = getattr(tender, "cpv_codes", None) or []
    return ProcessFacts(
        ocid=ocid_for(tender),
        tender=tender,
        commission=commission,
        lead=lead,
        partners=partners,
        budget=budget,
        documents=documents,
        awards=awards,
        contracts=contracts,
        cpv_codes=[str(c) for c in cpv],
        gathered_at=timezone.now(),
    )
