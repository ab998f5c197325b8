"""Small display helpers for commissioning templates."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

register = template.Library()


@register.filter
def percent(fraction: Decimal | None) -> str:
    """0.4571 -> "45.71%" (shares are display-only; money itself is never divided)."""
    if fraction is None:
        return "—"
    return f"{fraction * 100:.2f}%"


@register.filter
def cell(row: Any, year: int) -> Any:
    """The contribution in a partner row for a financial year."""
    return row.cells.get(year)


@register.filter
def year_figures(table: Any, year: int) -> Any:
    return table.totals.get(year)


@register.filter
def others_in(table: Any, year: int) -> Any:
    return (table.others or {}).get(year)


@register.filter
def share_in(table: Any, args: Any) -> Any:
    row, year = args
    return table.share_of(row, year)


@register.simple_tag
def row_share(table: Any, row: Any, year: int) -> str:
    return percent(table.share_of(row, year))


@register.filter
def overdue(stage: Any, today: Any) -> bool:
    return bool(stage.is_overdue(today))
