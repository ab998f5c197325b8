"""Money and UK financial years. Amounts are Decimal pounds and pence; never floats.

The amount functions live in ``core.amounts`` (pure, so forms and serializers can use them without this module's
model field) and are re-exported here: ``from core.money import money, format_gbp, parse_amount`` keeps working."""

from __future__ import annotations

import datetime as dt
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
    "MoneyField",
    "financial_year_label",
    "financial_year_of",
    "financial_year_start",
    "financial_years",
    "format_gbp",
    "largest_amount",
    "money",
    "parse_amount",
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
