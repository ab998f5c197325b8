"""Pure checks and suggestions (read, never write): contributions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from core.money import PENNY, FinancialYearPart, format_gbp, money


@dataclass(frozen=True)
class YearSuggestion:
    """A suggested amount for one financial year of the term, pro rata by the days the term covers in it."""

    part: FinancialYearPart
    amount: Decimal
    remainder: Decimal  # the rounding pennies put on this year (the last) so the years add up exactly

    @property
    def year(self) -> int:
        return self.part.year

    @property
    def note(self) -> str:
        days = f"{self.part.days} of {self.part.year_days} days"
        if self.remainder:
            sign = "plus" if self.remainder > 0 else "less"
            return f"{days}, {sign} {format_gbp(abs(self.remainder))} so the years add up exactly to the term's money"
        return days


def pro_rata(annual: Decimal, parts: Sequence[FinancialYearPart]) -> list[YearSuggestion]:
    """Each year's share of ``annual`` (a year's money) by the days the term covers in it, to the penny. The years
    add up exactly to ``annual`` x the term in years: the rounding difference goes on the last year, which says so.

    A term of N whole years has N full years (each ``annual``); a term starting 1 October 2026 has 182/365 of a year
    in 2026/27 and 183/365 in 2029/30. Leap years count 366 days."""
    annual = money(annual)
    if not parts:
        return []
    # The term's length in years: a full financial year counts 1, a part year days / days-in-that-year. Whole
    # terms (what the commission is for) always come to an integer number of years.
    term_years = _term_years(parts)
    target = money(annual * term_years)
    out: list[YearSuggestion] = []
    running = Decimal("0")
    for index, part in enumerate(parts):
        if index == len(parts) - 1:
            amount = money(target - running)
            exact = (annual * part.days / part.year_days).quantize(PENNY, rounding=ROUND_HALF_UP)
            out.append(YearSuggestion(part, amount, money(amount - exact)))
        else:
            amount = (annual * part.days / part.year_days).quantize(PENNY, rounding=ROUND_HALF_UP)
            running += amount
            out.append(YearSuggestion(part, amount, Decimal("0.00")))
    return out


def _term_years(parts: Sequence[FinancialYearPart]) -> int:
    """Whole years in the term: the full years, plus one for the two part-years at either end together."""
    full = sum(1 for p in parts if not p.part_year)
    partial = sum(1 for p in parts if p.part_year)
    return full + (partial + 1) // 2
