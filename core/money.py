"""Money and UK financial years. Amounts are Decimal pounds and pence; never floats.

The amount functions live in ``core.amounts`` (pure, so forms and serializers can use them without this module's
model field) and are re-exported here: ``from core.money import money, format_gbp, parse_amount`` keeps working."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import models

from core.amounts import (
    FORMAT_MESSAGE,
    PENNY,
    AmountError,
    format_gbp,
    largest_amount,
    money,
    parse_amount,
    total,
)
from core.forms import MoneyField as MoneyFormField

__all__ = [
    "FORMAT_MESSAGE",
    "PENNY",
    "AmountError",
    "FinancialYearPart",
    "MoneyField",
    "add_years",
    "financial_year_label",
    "financial_year_of",
    "financial_year_start",
    "financial_years",
    "format_gbp",
    "largest_amount",
    "money",
    "parse_amount",
    "term_end",
    "term_financial_years",
    "total",
]


class MoneyField(models.DecimalField):
    """Pounds and pence, up to £9,999,999,999.99."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs: Any) -> Any:
        # Model forms get the strict pounds-and-pence reader.
        return super().formfield(**{"form_class": MoneyFormField, **kwargs})


def financial_year_start(year_starting: int) -> dt.date:
    return dt.date(year_starting, 4, 1)


def financial_year_of(day: dt.date) -> int:
    """The year in which the financial year containing ``day`` starts (1 April)."""
    return day.year if day >= dt.date(day.year, 4, 1) else day.year - 1


def financial_year_label(year_starting: int) -> str:
    return f"{year_starting}/{(year_starting + 1) % 100:02d}"


def financial_years(start: dt.date, years: int) -> list[int]:
    first = financial_year_of(start)
    return list(range(first, first + years))


@dataclass(frozen=True)
class FinancialYearPart:
    """The part of one UK financial year (1 April to 31 March) that a term covers."""

    year: int  # the year the financial year starts
    start: dt.date  # the first day of the term in this year
    end: dt.date  # the last day of the term in this year
    year_days: int  # days in the whole financial year (366 when it holds 29 February)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def part_year(self) -> bool:
        return self.days < self.year_days

    @property
    def short_label(self) -> str:
        return financial_year_label(self.year)

    @property
    def label(self) -> str:
        """ "2026/27", or "2026/27 (part year: 1 October 2026 to 31 March 2027)"."""
        if not self.part_year:
            return self.short_label
        return f"{self.short_label} (part year: {_long_date(self.start)} to {_long_date(self.end)})"


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def term_end(start: dt.date, years: int) -> dt.date:
    """The last day of a term of ``years`` years from ``start``: 3 years from 1 October 2026 ends 30 September 2029."""
    return add_years(start, years) - dt.timedelta(days=1)


def term_financial_years(start: dt.date, years: int) -> list[FinancialYearPart]:
    """Every financial year a term touches, with the days it covers in each. A term of N years starting on
    1 April covers N whole years; starting on any other day it touches N+1, the first and last in part."""
    end = term_end(start, years)
    out = []
    for year in range(financial_year_of(start), financial_year_of(end) + 1):
        first, last = financial_year_start(year), financial_year_start(year + 1) - dt.timedelta(days=1)
        out.append(
            FinancialYearPart(year=year, start=max(first, start), end=min(last, end), year_days=(last - first).days + 1)
        )
    return out
