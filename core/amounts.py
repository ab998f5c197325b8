"""Amounts of money: Decimal pounds and pence, never floats; formatting, and the one reader for amounts people type.

Pure (no models, no forms), so that ``core.forms`` and ``core.api_fields`` can read amounts without importing the
model field in ``core.money``, which needs ``core.forms``. Import from ``core.money`` elsewhere; it re-exports these."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

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


# --- reading amounts people type ---------------------------------------------------------------------------------
# One reader for every way an amount arrives (form fields, API fields, the bid page's autosave JSON), so each refuses
# the same things with the same words: NaN/Infinity and exponent notation ("1e3" is not £1,000.00 to a person),
# fractions of a penny, negatives where not allowed, and anything the column cannot hold (which would be a 500).

_AMOUNT = re.compile(r"^(?P<sign>-?)(?P<units>\d+)(?:\.(?P<pence>\d+))?$")
FORMAT_MESSAGE = "Enter an amount in pounds and pence, like £1,250.50"


class AmountError(ValueError):
    """An amount a person typed that cannot be taken; ``message`` says what to type instead."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def largest_amount(max_digits: int = 12, decimal_places: int = 2) -> Decimal:
    return (Decimal(10) ** (max_digits - decimal_places) - Decimal(1).scaleb(-decimal_places)).quantize(
        Decimal(1).scaleb(-decimal_places)
    )


def _amount_text(value: object) -> str:
    if isinstance(value, bool):
        raise AmountError(FORMAT_MESSAGE)
    if isinstance(value, float):
        # JSON numbers arrive as floats: judge the digits as written (repr is the shortest exact form), never
        # compute with the float itself.
        return repr(value)
    if isinstance(value, int | Decimal | str):
        return str(value)
    raise AmountError(FORMAT_MESSAGE)


def parse_amount(
    value: object,
    *,
    max_digits: int = 12,
    decimal_places: int = 2,
    allow_negative: bool = False,
    min_value: Decimal | None = None,
) -> Decimal | None:
    """``None`` for nothing typed; otherwise a Decimal rounded to ``decimal_places``, or ``AmountError``."""
    if value is None:
        return None
    text = _amount_text(value).strip().replace(",", "").replace(" ", "")
    if text == "":
        return None
    if text.startswith("-£"):
        text = "-" + text[2:]
    elif text.startswith("£"):
        text = text[1:]
    match = _AMOUNT.match(text)
    if not match:
        raise AmountError(FORMAT_MESSAGE)
    if match["pence"] is not None and len(match["pence"]) > decimal_places:
        if decimal_places == 2:
            raise AmountError("Enter an amount with no more than 2 decimal places (pence), like £1,250.50")
        raise AmountError(f"Enter a number with no more than {decimal_places} decimal places")
    amount = Decimal(text).quantize(Decimal(1).scaleb(-decimal_places))
    largest = largest_amount(max_digits, decimal_places)
    if abs(amount) > largest:
        if amount < 0:
            raise AmountError(f"Enter an amount of {format_gbp(-largest)} or more")
        raise AmountError(f"Enter an amount of {format_gbp(largest)} or less")
    floor = min_value if min_value is not None else (None if allow_negative else Decimal("0"))
    if floor is not None and amount < floor:
        raise AmountError(f"Enter an amount of {format_gbp(floor)} or more")
    return amount
