from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from core.money import financial_year_label, format_gbp

register = template.Library()


@register.filter
def gbp(value: Decimal | None) -> str:
    return format_gbp(value)


@register.filter
def fy(year_starting: int) -> str:
    return financial_year_label(int(year_starting))


_TAG_COLOURS = {
    "draft": "grey",
    "invited": "yellow",
    "waiting": "yellow",
    "indicative": "yellow",
    "confirmed": "blue",
    "active": "green",
    "accepted": "green",
    "transferred": "green",
    "approved": "green",
    "awarded": "green",
    "live": "green",
    "published": "turquoise",
    "declined": "red",
    "rejected": "red",
    "cancelled": "red",
    "overdue": "red",
    "revoked": "red",
    "expired": "grey",
    "closed": "grey",
    "left": "grey",
}


@register.simple_tag
def status_tag(value: Any, label: Any = None) -> str:
    from django.utils.html import format_html

    key = str(value).lower()
    colour = _TAG_COLOURS.get(key, "blue")
    return format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>', colour, label or str(value).capitalize())


@register.filter
def get_item(mapping: dict, key: Any) -> Any:
    return mapping.get(key) if mapping else None
