"""Reads for the recommendation, letters and contracts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import (
    Prefetch,
    QuerySet,
)

from partners.models import Organisation
from procurement.award.models import (
    AwardLetter,
    AwardLine,
    AwardRecommendation,
    Contract,
    ContractVariation,
    RecommendationStatus,
)
from procurement.tenders.models import (
    Tender,
)


def current_recommendation(*, tender: Tender) -> AwardRecommendation | None:
    return (
        AwardRecommendation.objects.filter(tender=tender)
        .exclude(status=RecommendationStatus.REJECTED)
        .prefetch_related(Prefetch("lines", queryset=AwardLine.objects.select_related("bid__organisation", "lot")))
        .order_by("-created_at", "-pk")
        .first()
    )


def letters_of(*, tender: Tender) -> QuerySet[AwardLetter]:
    return AwardLetter.objects.filter(bid__tender=tender).select_related("bid__organisation")


def contracts_for(*, organisation: Organisation) -> QuerySet[Contract]:
    return Contract.objects.select_related("provider", "tender", "commission").order_by("-signed_on", "-pk")


def contract_detail(*, contract_id: int) -> Contract:
    return (
        Contract.objects.select_related("provider", "tender", "commission__lead", "lot")
        .prefetch_related(
            "shares__organisation",
            "documents",
            Prefetch(
                "variations",
                queryset=ContractVariation.objects.order_by("number").prefetch_related("shares__organisation"),
            ),
        )
        .get(pk=contract_id)
    )


def shares_table(
    shares: list[Any],
) -> tuple[list[int], list[tuple[str, list[Decimal], Decimal]], list[Decimal], Decimal]:
    """Rows per partner, columns per financial year, with totals (for the contract and recommendation pages)."""
    years = sorted({int(s["financial_year"] if isinstance(s, dict) else s.financial_year) for s in shares})
    partners: dict[str, dict[int, Decimal]] = {}
    for s in shares:
        if isinstance(s, dict):
            name, year, amount = s["organisation"], int(s["financial_year"]), Decimal(s["amount"])
        else:
            name, year, amount = s.organisation.name, s.financial_year, s.amount
        partners.setdefault(name, {})[year] = partners.setdefault(name, {}).get(year, Decimal("0")) + amount
    rows = [
        (name, [by_year.get(y, Decimal("0")) for y in years], sum(by_year.values(), Decimal("0")))
        for name, by_year in sorted(partners.items())
    ]
    totals = [sum((r[1][i] for r in rows), Decimal("0")) for i in range(len(years))]
    return years, rows, totals, sum(totals, Decimal("0"))
