"""Weighted totals, price scores, ranking, and the per-partner split of an award. Pure functions on plain data.

- Each quality-type criterion (quality, social value, local benefit) scores ``weight x sum(question weight x
  moderated score / scale maximum) / sum(question weight)``.
- Price scores by the formula the method names, against the lowest price among compliant bids for the same lot.
- A bid that fails a pass/fail question is not compliant: it is not ranked and does not set the lowest price.
- Criterion scores are rounded to the penny-like 0.01 and the total is their sum, so the figures shown add up.
- Splits are in whole pennies and reconcile exactly: every partner's shares add up to its (scaled) contribution and
  every award line's shares add up to its value.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import TypeVar

TWO = Decimal("0.01")
ZERO = Decimal("0")

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class CriterionSpec:
    id: int
    kind: str  # quality | price | social_value | local_benefit
    name: str
    weight: int


@dataclass(frozen=True)
class QuestionSpec:
    id: int
    criterion_id: int | None
    weight: int = 1
    pass_fail: bool = False


@dataclass
class BidInput:
    bid_id: int
    name: str
    annual_price: Decimal | None
    scores: dict[int, int | None] = field(default_factory=dict)  # question id -> moderated score
    passes: dict[int, bool | None] = field(default_factory=dict)  # pass/fail question id -> passed
    lot_id: int | None = None


@dataclass
class BidResult:
    bid_id: int
    name: str
    lot_id: int | None
    annual_price: Decimal | None
    compliant: bool
    failed_questions: list[int]
    criterion_scores: dict[int, Decimal]
    total: Decimal
    rank: int | None = None


def _q(value: Fraction | Decimal) -> Decimal:
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return value.quantize(TWO, rounding=ROUND_HALF_UP)


def price_score(price: Decimal, lowest: Decimal, weight: int, formula: str) -> Decimal:
    """The price criterion's score. ``lowest_ratio``: lowest / price x weight; ``difference``:
    (1 - (price - lowest) / lowest) x weight, never below zero."""
    if weight <= 0:
        return ZERO
    if price <= 0 or lowest <= 0:
        return ZERO
    p, lo = Fraction(price), Fraction(lowest)
    value = max(Fraction(0), 1 - (p - lo) / lo) * weight if formula == "difference" else lo / p * weight
    return _q(value)


def evaluate(
    criteria: Sequence[CriterionSpec],
    questions: Sequence[QuestionSpec],
    bids: Sequence[BidInput],
    *,
    max_score: int,
    formula: str,
) -> list[BidResult]:
    """Weighted totals and ranks (per lot; competition ranking, so equal totals share a rank). Sorted best first
    within each lot, lots in order of first appearance; non-compliant bids last."""
    pass_fail = [q for q in questions if q.pass_fail]
    by_criterion: dict[int, list[QuestionSpec]] = {}
    for q in questions:
        if not q.pass_fail and q.criterion_id is not None:
            by_criterion.setdefault(q.criterion_id, []).append(q)

    results: list[BidResult] = []
    for bid in bids:
        failed = [q.id for q in pass_fail if bid.passes.get(q.id) is False]
        scores: dict[int, Decimal] = {}
        for c in criteria:
            if c.kind == "price":
                continue
            qs = by_criterion.get(c.id, [])
            total_weight = sum(q.weight for q in qs)
            if not qs or total_weight == 0 or max_score <= 0:
                scores[c.id] = ZERO
                continue
            got = sum((Fraction(q.weight) * Fraction(bid.scores.get(q.id) or 0) / max_score for q in qs), Fraction(0))
            scores[c.id] = _q(got / total_weight * c.weight)
        results.append(
            BidResult(
                bid_id=bid.bid_id,
                name=bid.name,
                lot_id=bid.lot_id,
                annual_price=bid.annual_price,
                compliant=not failed and bid.annual_price is not None and bid.annual_price > 0,
                failed_questions=failed,
                criterion_scores=scores,
                total=ZERO,
            )
        )

    price_criteria = [c for c in criteria if c.kind == "price"]
    lots: list[int | None] = []
    for r in results:
        if r.lot_id not in lots:
            lots.append(r.lot_id)
    ordered: list[BidResult] = []
    for lot in lots:
        in_lot = [r for r in results if r.lot_id == lot]
        compliant_prices = [r.annual_price for r in in_lot if r.compliant and r.annual_price]
        lowest = min(compliant_prices) if compliant_prices else None
        for r in in_lot:
            for c in price_criteria:
                r.criterion_scores[c.id] = (
                    price_score(r.annual_price, lowest, c.weight, formula)
                    if r.compliant and lowest is not None and r.annual_price is not None
                    else ZERO
                )
            r.total = sum(r.criterion_scores.values(), ZERO)
        ranked = sorted(
            (r for r in in_lot if r.compliant),
            key=lambda r: (-r.total, r.annual_price or ZERO, r.name, r.bid_id),
        )
        previous: BidResult | None = None
        for position, r in enumerate(ranked, start=1):
            r.rank = previous.rank if previous is not None and previous.total == r.total else position
            previous = r
        ordered += ranked + sorted((r for r in in_lot if not r.compliant), key=lambda r: (r.name, r.bid_id))
    return ordered


# --- splitting money between partners ---------------------------------------------------------------------------


def _pennies(value: Decimal) -> int:
    return int((value * 100).to_integral_value(rounding=ROUND_HALF_UP))


def _money(pennies: int) -> Decimal:
    return (Decimal(pennies) / 100).quantize(TWO)


def scale_to(contributions: dict[K, Decimal], target: Decimal) -> dict[K, Decimal]:
    """Each partner's share of ``target``, in proportion to its contribution, in whole pennies adding up exactly
    to ``target`` (largest remainder). When ``target`` equals the total, every share equals its contribution."""
    keys = list(contributions)
    amounts = [_pennies(contributions[k]) for k in keys]
    total = sum(amounts)
    goal = _pennies(target)
    if goal > total:
        raise ValueError(f"{_money(goal)} is more than the {_money(total)} contributed")
    if goal == total:
        return {k: _money(a) for k, a in zip(keys, amounts, strict=True)}
    if total == 0:
        return dict.fromkeys(keys, _money(0))
    exact = [Fraction(a * goal, total) for a in amounts]
    floors = [int(x) for x in exact]
    left = goal - sum(floors)
    order = sorted(range(len(keys)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return {k: _money(a) for k, a in zip(keys, floors, strict=True)}


def split(contributions: dict[K, Decimal], line_values: Sequence[Decimal]) -> list[dict[K, Decimal]]:
    """Split the partners' contributions across award lines (one per lot, or one), in whole pennies.

    The partners pay ``sum(line_values)`` in proportion to their contributions (``scale_to``); each line is then
    funded in the same proportions. Rows (partners) and columns (lines) both add up exactly: the remaining pennies
    go first to the cells with the largest fractions, then by the north-west corner rule.
    """
    keys = list(contributions)
    values = [_pennies(v) for v in line_values]
    target = sum(values)
    rows = [_pennies(a) for a in scale_to(contributions, _money(target)).values()]
    if target == 0:
        return [{k: _money(0) for k in keys} for _ in values]
    cells = [[Fraction(r * v, target) for v in values] for r in rows]
    grid = [[int(x) for x in row] for row in cells]
    row_left = [r - sum(g) for r, g in zip(rows, grid, strict=True)]
    col_left = [v - sum(grid[i][j] for i in range(len(rows))) for j, v in enumerate(values)]
    order = sorted(
        ((i, j) for i in range(len(rows)) for j in range(len(values))),
        key=lambda ij: (-(cells[ij[0]][ij[1]] - grid[ij[0]][ij[1]]), ij),
    )
    for i, j in order:
        if row_left[i] > 0 and col_left[j] > 0:
            grid[i][j] += 1
            row_left[i] -= 1
            col_left[j] -= 1
    i = j = 0
    while i < len(rows) and j < len(values):
        give = min(row_left[i], col_left[j])
        grid[i][j] += give
        row_left[i] -= give
        col_left[j] -= give
        if row_left[i] == 0:
            i += 1
        if j < len(values) and col_left[j] == 0:
            j += 1
    return [{k: _money(grid[i][j]) for i, k in enumerate(keys)} for j in range(len(values))]
