"""Pure computations of the award (they read, never write): partners' shares, the ranking snapshot, checks
that shares still hold at signing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils import timezone

from commissioning.models import (
    JointCommission,
)
from commissioning.money.rules import pro_rata
from core.errors import DomainError
from core.money import financial_year_label, format_gbp, money, term_financial_years
from partners.models import Organisation
from procurement.award.models import (
    AwardLine,
    Contract,
    ContractShare,
    ContractVariation,
    TerminationKind,
    VariationKind,
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
    # A term that does not start on 1 April touches one more financial year than it has years, the first and last
    # in part: each line's annual value is spread over them pro rata by days, to the penny (as the partners'
    # contributions are), so the part years ask for part of a year's money.
    parts = term_financial_years(commission.start_date, tender.term_years)
    per_line = [[s.amount for s in pro_rata(value, parts)] for value in line_values]
    names = dict(Organisation.objects.values_list("pk", "name"))
    out: list[list[dict[str, Any]]] = [[] for _ in line_values]
    for index_year, part in enumerate(parts):
        year = part.year
        year_values = [money(values[index_year]) for values in per_line]
        total = money(sum(year_values, Decimal("0")))
        budget = confirmed_budget(commission, year)
        available = money(sum(budget.values(), Decimal("0")))
        if total > available:
            needed = "a year recommended" if not part.part_year else f"the award needs in {part.label}"
            raise DomainError(
                f"In {financial_year_label(year)} partners have confirmed {format_gbp(available)}, less than the "
                f"{format_gbp(total)} {needed}",
                field="annual_value",
            )
        ordered = dict(sorted(budget.items(), key=lambda kv: names.get(kv[0], "")))
        for index, shares in enumerate(scoring.split(ordered, year_values)):
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


# --- changing a contract (Procurement Act 2023 s.74-75) ------------------------------------------------------------

# s.75(2): no contract change notice where the modification changes the estimated value by 10% or less (goods or
# services; 15% for works) and the term by 10% or less of the maximum term provided for on award. Jointly's contracts
# are for services.
SERVICES_VALUE_SHARE = Decimal("0.10")
WORKS_VALUE_SHARE = Decimal("0.15")
TERM_SHARE = Decimal("0.10")


def signed_end_date(contract: Contract) -> dt.date:
    """The end date the contract had when it was awarded (before any change to its term)."""
    first = (
        ContractVariation.objects.unscoped(reason=WHOLE_RECORD)
        .filter(contract=contract)
        .order_by("number")
        .values_list("end_date_before", flat=True)
        .first()
    )
    return first or contract.end_date


def signed_value(contract: Contract) -> Decimal:
    """The contract's value over its term as signed (every partner's share of every year)."""
    first = (
        ContractVariation.objects.unscoped(reason=WHOLE_RECORD)
        .filter(contract=contract)
        .order_by("number")
        .values_list("value_before", flat=True)
        .first()
    )
    if first is not None:
        return money(first)
    return money(
        sum(
            ContractShare.objects.unscoped(reason=WHOLE_RECORD)
            .filter(contract=contract)
            .values_list("amount", flat=True),
            Decimal("0"),
        )
    )


def current_value(contract: Contract) -> Decimal:
    """The contract's value over its term now: as signed, or as the latest variation left it."""
    latest = (
        ContractVariation.objects.unscoped(reason=WHOLE_RECORD)
        .filter(contract=contract)
        .order_by("-number")
        .values_list("value_after", flat=True)
        .first()
    )
    return money(latest) if latest is not None else signed_value(contract)


def variation_needs_change_notice(variation: ContractVariation) -> bool:
    """Whether the Act requires a contract change notice before this modification (s.75).

    - A light-touch contract (Schedule 1 services) never needs one (s.75(6)(b)).
    - A change of scope is outside the s.75(2) exceptions: it needs one.
    - A change of value needs one when it moves the value by more than 10% (services; 15% works), and a change of term
      when it moves the end by more than 10% of the term on award -- this change on its own, or together with the
      earlier variations (s.75(4)-(5): changes that could have been made together count as one).
    """
    contract = variation.contract
    if getattr(contract.tender, "is_light_touch", False):  # the tender's regime (procurement.tenders)
        return False
    if variation.kind == VariationKind.SCOPE:
        return True
    base_value = signed_value(contract)
    base_end = signed_end_date(contract)
    term_days = (base_end - contract.start_date).days
    value_moves = (abs(variation.value_after - variation.value_before), abs(variation.value_after - base_value))
    term_moves = (
        abs((variation.end_date_after - variation.end_date_before).days),
        abs((variation.end_date_after - base_end).days),
    )
    if base_value > 0 and max(value_moves) > base_value * SERVICES_VALUE_SHARE:
        return True
    if base_value == 0 and max(value_moves) > 0:
        return True
    return max(term_moves) > term_days * TERM_SHARE


def split_change(contract: Contract, change: Decimal) -> dict[int, Decimal]:
    """Each partner's share of a change in value, in proportion to what each pays under the contract, in whole
    pennies adding up exactly to the change (negative for a reduction)."""
    paid: dict[int, Decimal] = {}
    for organisation_id, amount in (
        ContractShare.objects.unscoped(reason=WHOLE_RECORD)
        .filter(contract=contract)
        .values_list("organisation_id", "amount")
    ):
        paid[organisation_id] = paid.get(organisation_id, Decimal("0")) + amount
    if not paid:
        raise DomainError("The contract has no partner shares to split the change between")
    total = sum(paid.values(), Decimal("0"))
    magnitude = abs(money(change))
    if total <= 0:
        raise DomainError("The contract's value is nil: enter each partner's share of the change", field="shares")
    # Scale the contributions up to cover a change larger than the contract, then take the change from them.
    factor = max(Decimal("1"), (magnitude / total).to_integral_value(rounding="ROUND_CEILING"))
    scaled = scoring.scale_to({k: v * factor for k, v in paid.items()}, magnitude)
    sign = Decimal("-1") if change < 0 else Decimal("1")
    return {k: money(v * sign) for k, v in scaled.items()}


def termination_problems(contract: Contract, *, on: dt.date, kind: str, reason: str) -> list[str]:
    """What is wrong with ending ``contract`` on ``on`` for ``kind`` (pure)."""
    problems: list[str] = []
    if contract.terminated_on is not None:
        problems.append(f"The contract already ended on {contract.terminated_on:%-d %B %Y}")
        return problems
    if not reason.strip():
        problems.append("Say why the contract ended")
    if on < contract.signed_on:
        problems.append(f"The contract cannot end before it was signed ({contract.signed_on:%-d %B %Y})")
    if kind == TerminationKind.EXPIRED:
        if on != contract.end_date:
            problems.append(
                f"A contract expires on its end date ({contract.end_date:%-d %B %Y}): for another date, it ended early"
            )
        elif on > timezone.localdate():
            problems.append("The contract has not reached its end date yet")
    elif on >= contract.end_date:
        problems.append(f"An early end must come before the end date ({contract.end_date:%-d %B %Y})")
    return problems
