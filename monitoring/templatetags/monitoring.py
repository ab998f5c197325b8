"""Template helpers for monitoring pages: RAG and state tags, KPI values in their units."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import format_html

from monitoring import rag as rag_module
from monitoring.services import format_value

register = template.Library()

_RAG_COLOURS = {rag_module.RED: "red", rag_module.AMBER: "orange", rag_module.GREEN: "green"}
_STATE_COLOURS = {
    "draft": "grey",
    "submitted": "blue",
    "queried": "purple",
    "answered": "light-blue",
    "accepted": "green",
    "accepted_with_note": "turquoise",
    "overdue": "red",
    "due": "yellow",
    "open": "grey",
    "consultation": "yellow",
    "agreed": "green",
    "planned": "blue",
    "done": "green",
    "cancelled": "grey",
    "closed": "grey",
    "feedback_given": "turquoise",
    "not_started": "grey",
    "in_progress": "blue",
}
CODES = {"red": "R", "amber": "A", "green": "G", "overdue": "!", "due": "D", "open": "·"}


@register.simple_tag
def rag_tag(value: str) -> str:
    if not value:
        return format_html('<strong class="govuk-tag govuk-tag--grey">{}</strong>', "Not reported")
    return format_html(
        '<strong class="govuk-tag govuk-tag--{}">{}</strong>',
        _RAG_COLOURS.get(value, "grey"),
        rag_module.LABELS.get(value, value),
    )


@register.simple_tag
def state_tag(value: Any, label: Any = None) -> str:
    key = str(value)
    return format_html(
        '<strong class="govuk-tag govuk-tag--{}">{}</strong>',
        _STATE_COLOURS.get(key, "blue"),
        label or key.replace("_", " ").capitalize(),
    )


@register.filter
def kpi_value(value: Decimal | None, unit: str) -> str:
    return format_value(value, unit)


@register.filter
def cell_code(cell: Any) -> str:
    return CODES.get(cell.rag or cell.state, "✓" if cell.state in ("accepted", "accepted_with_note") else "S")


@register.filter
def cell_class(cell: Any) -> str:
    return f"rag--{cell.rag or cell.state}"


@register.filter
def humanise(value: Any) -> str:
    return str(value or "").replace("_", " ").capitalize()
