"""KPI values in their units: reading what a person typed (strictly, as a Decimal) and showing it back."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from core.errors import DomainError
from core.money import format_gbp, money
from monitoring.kpis.models import Unit


def parse_value(raw: Any, unit: str, *, label: str = "The value") -> Decimal | None:
    """A KPI value in its unit: whole numbers for counts, 0 to 100 for percentages, pounds and pence for money,
    1 (yes) or 0 (no). Empty means not given. Raises DomainError with a message for the person."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, float):
        raise DomainError(f"{label} must be exact, not a floating-point number")
    if isinstance(raw, bool):
        raw = 1 if raw else 0
    if isinstance(raw, str):
        text = raw.strip().replace(",", "").replace("£", "").rstrip("%").strip().lower()
        if unit == Unit.YES_NO and text in ("yes", "y", "true"):
            text = "1"
        elif unit == Unit.YES_NO and text in ("no", "n", "false"):
            text = "0"
        raw = text
    try:
        value = Decimal(raw)
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise DomainError(f"{label} must be a number") from exc
    if not value.is_finite():
        raise DomainError(f"{label} must be a number")
    if unit == Unit.COUNT:
        if value != value.to_integral_value():
            raise DomainError(f"{label} must be a whole number")
        if value < 0:
            raise DomainError(f"{label} cannot be negative")
        return value.quantize(Decimal("1"))
    if unit == Unit.PERCENTAGE:
        if value < 0 or value > 100:
            raise DomainError(f"{label} must be a percentage from 0 to 100")
        if value != value.quantize(Decimal("0.01")):
            raise DomainError(f"{label} can have at most 2 decimal places")
        return value.quantize(Decimal("0.01"))
    if unit == Unit.MONEY:
        if value < 0:
            raise DomainError(f"{label} cannot be negative")
        if value != value.quantize(Decimal("0.01")):
            raise DomainError(f"{label} must be in pounds and pence")
        return money(value)
    if unit == Unit.YES_NO:
        if value not in (Decimal(0), Decimal(1)):
            raise DomainError(f"{label} must be yes or no")
        return value.quantize(Decimal("1"))
    raise DomainError(f"Unknown unit {unit!r}")


def _plain(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"


def format_value(value: Decimal | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == Unit.MONEY:
        return format_gbp(value)
    if unit == Unit.PERCENTAGE:
        return f"{value.normalize():f}%" if value == value.to_integral_value() else f"{value:.2f}%"
    if unit == Unit.YES_NO:
        return "Yes" if value == 1 else "No"
    return f"{value:,.0f}"
