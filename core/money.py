"""Money and UK financial years. Amounts are Decimal pounds and pence; never floats."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.db import models

PENNY = Decimal("0.01")


def money(value: Decimal | int | str) -> Decimal:
    if isinstance(value, float):
        raise TypeError("Money is never a float")
    return Decimal(value).quantize(PENNY, rounding=ROUND_HALF_UP)


def total(values: Iterable[Decimal]) -> Decimal:
    return money(sum(values, Decimal("0")))


def format_gbp(value: Decimal | None) -> str:
    if value is None:
        return "—"
    amount = money(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"


class MoneyField(models.DecimalField):
    """Pounds and pence, up to £9,999,999,999.99."""

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)

    def deconstruct(self):  # type: ignore[no-untyped-def]
        name, path, args, kwargs = super().deconstruct()
        return name, path, args, kwargs


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
