"""The Transparency Code contracts rows for one organisation and one quarter: a fixed number of queries whatever
the number of contracts.

The export is public (the Code requires publication), so it reads across tenants on purpose, and only what the
Code publishes: each contract's headline, the supplier's public identity, the contract's value and each partner's
total share (the figures the partners publish in their own files anyway).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q

from commissioning.models import Participation, ParticipationStatus
from opendata.transparency.rules import THRESHOLD, Quarter, is_sme, is_vcse, review_date
from partners.models import Organisation
from procurement.award.models import Contract, ContractShare
from procurement.bids.models import ProviderProfile
from procurement.tenders.models import Procedure

READS = "the Transparency Code publishes every public body's contracts; the export reads what it publishes"

ROUTES = {
    Procedure.OPEN: "Published invitation to tender (open procedure)",
    Procedure.TWO_STAGE: "Published invitation to tender (two stage: expression of interest, then invitation)",
    Procedure.GRANT: "Published grant round",
}

HEADERS = [
    "Reference",
    "Title",
    "Department responsible",
    "Description",
    "Supplier name",
    "Supplier company number",
    "Supplier charity number",
    "Contract value over its term (£)",
    "Estimated annual value (£)",
    "This organisation's share over the term (£)",
    "Joint contract partners",
    "Irrecoverable VAT (£)",
    "Start date",
    "End date",
    "Review date",
    "Procurement route",
    "SME",
    "VCSE",
    "Lead organisation",
]
MONEY_COLUMNS = (7, 8, 9, 11)


@dataclass(frozen=True)
class ContractRow:
    contract: Contract
    total: Decimal
    own_share: Decimal
    partners: list[str]
    sme: bool | None
    quarter: Quarter

    def cells(self) -> list[Any]:
        c = self.contract
        commission = c.commission
        provider = c.provider
        return [
            c.reference or f"JNT-{c.pk}",
            c.title,
            f"{commission.service_area.name}: joint commission led by {commission.lead.name}",
            c.tender.summary,
            provider.name,
            provider.company_number,
            provider.charity_number,
            self.total,
            c.annual_value,
            self.own_share,
            "; ".join(self.partners),
            Decimal("0.00"),  # contract values are what the partners pay; none of it is VAT they cannot recover
            c.start_date,
            c.end_date,
            review_date(c.start_date, c.end_date, self.quarter.end),
            ROUTES.get(Procedure(c.tender.procedure), "Published invitation to tender"),
            "Not known" if self.sme is None else ("Yes" if self.sme else "No"),
            "Yes" if is_vcse(provider) else "No",
            commission.lead.name,
        ]


def contract_rows(*, organisation: Organisation, quarter: Quarter) -> list[ContractRow]:
    """Every contract and grant in force during ``quarter`` that ``organisation`` takes part in (as the lead, a
    partner taking part, or a partner paying a share) and whose value over its term is over £5,000."""
    taking_part = Participation.objects.unscoped(reason=READS).filter(
        commission=OuterRef("commission"), organisation=organisation, status=ParticipationStatus.ACCEPTED
    )
    paying = ContractShare.objects.unscoped(reason=READS).filter(contract=OuterRef("pk"), organisation=organisation)
    contracts = list(
        Contract.objects.unscoped(reason=READS)
        .filter(start_date__lte=quarter.end, end_date__gte=quarter.start)
        .filter(Q(commission__lead=organisation) | Exists(taking_part) | Exists(paying))
        .select_related("commission__lead", "commission__service_area", "provider", "tender")
        .order_by("start_date", "pk")
    )
    totals: dict[int, Decimal] = defaultdict(lambda: Decimal("0.00"))
    own: dict[int, Decimal] = defaultdict(lambda: Decimal("0.00"))
    payers: dict[int, dict[int, str]] = defaultdict(dict)
    for share in (
        ContractShare.objects.unscoped(reason=READS)
        .filter(contract__in=contracts)
        .values("contract_id", "organisation_id", "organisation__name", "amount")
    ):
        cid = share["contract_id"]
        totals[cid] += share["amount"]
        payers[cid][share["organisation_id"]] = share["organisation__name"]
        if share["organisation_id"] == organisation.pk:
            own[cid] += share["amount"]
    profiles = {
        p["organisation_id"]: p
        for p in ProviderProfile.objects.unscoped(reason=READS)
        .filter(organisation__in={c.provider_id for c in contracts})
        .values("organisation_id", "staff_count", "annual_income")
    }
    rows = []
    for c in contracts:
        total = totals.get(c.pk, c.annual_value)
        if total <= THRESHOLD:
            continue
        profile = profiles.get(c.provider_id, {})
        rows.append(
            ContractRow(
                contract=c,
                total=total,
                own_share=own[c.pk],
                partners=sorted(payers[c.pk].values()),
                sme=is_sme(profile.get("staff_count"), profile.get("annual_income")),
                quarter=quarter,
            )
        )
    return rows
