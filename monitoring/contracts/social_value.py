"""Reads: social value promised and delivered (seed 004), per contract and rolled up per partner.

The roll-up is pro rata: a partner is credited with the share of each contract's social value equal to its share of
that contract's funding over the whole term (its ``ContractShare`` amounts over the contract's total). Delivered
means the figures in accepted returns only (accepted, or accepted with a note), so nothing still queried counts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch

from core.money import money
from monitoring.kpis.models import Kpi
from monitoring.returns.models import ACCEPTED_STATUSES, KpiValue
from partners.models import Organisation
from procurement.award.models import Contract, ContractShare
from procurement.bids.models import SocialValueKind

ZERO = Decimal("0")
HINT = (
    "Each partner is credited pro rata: its share of a contract's social value is its share of that contract's "
    "funding over the whole term. Delivered counts accepted returns only."
)


def _label(kind: str) -> str:
    return str(SocialValueKind(kind).label) if kind in SocialValueKind.values else kind


@dataclass
class Commitment:
    kpi: Kpi
    label: str
    target: Decimal  # promised per year
    unit: str
    delivered: Decimal = ZERO  # accepted so far
    years_reported: int = 0


@dataclass
class ContractSocialValue:
    contract: Contract
    commitments: list[Commitment]
    shares: dict[int, Decimal]  # organisation id -> share of the contract's funding (0..1)


@dataclass
class PartnerLine:
    organisation: Organisation
    label: str
    unit: str
    share_of_target: Decimal = ZERO  # per year
    share_of_delivered: Decimal = ZERO
    contracts: list[str] = field(default_factory=list)


@dataclass
class SocialValueRollUp:
    contracts: list[ContractSocialValue]
    partners: list[PartnerLine]
    hint: str = HINT


def _round(value: Decimal) -> Decimal:
    return money(value)


def social_value_roll_up(*, organisation: Organisation) -> SocialValueRollUp:
    """Every contract the organisation may see that monitors social value, and each funding partner's share. A
    fixed number of queries however many contracts, commitments and returns."""
    kpis_qs = Kpi.objects.exclude(social_value_kind="").order_by("position", "pk")
    contracts = list(
        Contract.objects.filter(pk__in=Kpi.objects.exclude(social_value_kind="").values("contract_id"))
        .select_related("provider")
        .prefetch_related(Prefetch("shares", queryset=ContractShare.objects.select_related("organisation")))
        .order_by("title", "pk")
    )
    ids = [c.pk for c in contracts]
    kpis: dict[int, list[Kpi]] = defaultdict(list)
    for k in kpis_qs.filter(contract_id__in=ids):
        kpis[k.contract_id].append(k)  # type: ignore[index]
    delivered: dict[int, Decimal] = defaultdict(lambda: ZERO)
    years: dict[int, int] = defaultdict(int)
    for v in KpiValue.objects.filter(
        kpi__contract_id__in=ids,
        kpi__social_value_kind__gt="",
        kpi_return__status__in=list(ACCEPTED_STATUSES),
        actual__isnull=False,
    ).only("kpi_id", "actual"):
        delivered[v.kpi_id] += v.actual  # type: ignore[operator]
        years[v.kpi_id] += 1
    out: list[ContractSocialValue] = []
    lines: dict[tuple[int, str, str], PartnerLine] = {}
    for c in contracts:
        funded: dict[int, Decimal] = defaultdict(lambda: ZERO)
        orgs: dict[int, Organisation] = {}
        for s in c.shares.all():
            funded[s.organisation_id] += s.amount
            orgs[s.organisation_id] = s.organisation
        total = sum(funded.values(), ZERO)
        shares = {oid: (amount / total if total else ZERO) for oid, amount in funded.items()}
        commitments = []
        for k in kpis[c.pk]:
            unit = k.social_value_unit
            item = Commitment(
                kpi=k,
                label=_label(k.social_value_kind),
                target=k.target,
                unit=unit,
                delivered=delivered[k.pk],
                years_reported=years[k.pk],
            )
            commitments.append(item)
            for oid, share in shares.items():
                key = (oid, item.label, unit)
                line = lines.setdefault(key, PartnerLine(organisation=orgs[oid], label=item.label, unit=unit))
                line.share_of_target += item.target * share
                line.share_of_delivered += item.delivered * share
                if c.title not in line.contracts:
                    line.contracts.append(c.title)
        out.append(ContractSocialValue(contract=c, commitments=commitments, shares=shares))
    partners = sorted(lines.values(), key=lambda x: (x.organisation.name, x.label))
    for line in partners:
        line.share_of_target = _round(line.share_of_target)
        line.share_of_delivered = _round(line.share_of_delivered)
    return SocialValueRollUp(contracts=out, partners=partners)
