"""Pure computations of the award (they read, never write): partners' shares, the ranking snapshot, checks
that shares still hold at signing.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from commissioning.models import (
    JointCommission,
)
from core.errors import DomainError
from core.money import financial_year_label, financial_years, format_gbp, money
from partners.models import Organisation
from procurement.award.models import (
    AwardLine,
)
from procurement.evaluation import scoring
from procurement.evaluation.rules import evaluation_results
from procurement.tenders.models import (
    Tender,
)
from procurement.tenders.rules import confirmed_budget

# --- award --------------------------------------------------------------------------------------------------------

# A check reads the whole record, whoever asks: it answers with problems, never with rows.
WHOLE_RECORD = "a check reads the whole record, whoever asks; it answers with problems, not rows"


def compute_shares(tender: Tender, line_values: Sequence[Decimal]) -> list[list[dict[str, Any]]]:
    """Each award line's per-partner, per-financial-year shares from the commission's confirmed contributions,
    reconciling to the penny. Refuses when partners have not confirmed enough in some year."""
    commission = JointCommission.objects.unscoped(reason="the shares follow every partner's confirmed figure").get(
        pk=tender.commission_id
    )
    years = financial_years(commission.start_date, tender.term_years)
    names = dict(Organisation.objects.values_list("pk", "name"))
    out: list[list[dict[str, Any]]] = [[] for _ in line_values]
    total = money(sum(line_values, Decimal("0")))
    for year in years:
        budget = confirmed_budget(commission, year)
        available = money(sum(budget.values(), Decimal("0")))
        if total > available:
            raise DomainError(
                f"In {financial_year_label(year)} partners have confirmed {format_gbp(available)}, less than the "
                f"{format_gbp(total)} a year recommended",
                field="annual_value",
            )
        ordered = dict(sorted(budget.items(), key=lambda kv: names.get(kv[0], "")))
        for index, shares in enumerate(scoring.split(ordered, list(line_values))):
            for organisation_id, amount in shares.items():
                out[index].append(
                    {
                        "organisation_id": organisation_id,
                        "organisation": names.get(organisation_id, ""),
                        "financial_year": year,
                        "amount": str(amount),
                    }
                )
    return out


def ranking_snapshot(tender: Tender) -> list[dict[str, Any]]:

    return [
        {
            "bid_id": r.bid_id,
            "bidder": r.name,
            "lot_id": r.lot_id,
            "rank": r.rank,
            "compliant": r.compliant,
            "total": str(r.total),
            "annual_price": str(r.annual_price) if r.annual_price is not None else None,
            "criteria": {str(k): str(v) for k, v in r.criterion_scores.items()},
        }
        for r in evaluation_results(tender).results
    ]


def check_shares_still_hold(line: AwardLine, tender: Tender) -> None:
    lines = list(
        AwardLine.objects.unscoped(reason=WHOLE_RECORD)
        .filter(recommendation=line.recommendation)
        .order_by("lot__number", "id")
    )
    fresh = compute_shares(tender, [ln.annual_value for ln in lines])
    index = [ln.pk for ln in lines].index(line.pk)
    key = lambda s: (s["financial_year"], s["organisation_id"])  # noqa: E731
    if sorted((key(s), s["amount"]) for s in fresh[index]) != sorted((key(s), s["amount"]) for s in line.shares):
        raise DomainError(
            "Partners' confirmed contributions have changed since the award was approved: the split no longer "
            "reconciles. Ask the partners to restore their contributions, or return the award to evaluation"
        )
