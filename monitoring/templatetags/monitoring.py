"""Template helpers for monitoring pages: RAG and state tags, KPI values in their units."""

from __future__ import annotations

from decimal import Decimal
from html import escape
from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from core.workflow import colour_for
from monitoring import rag as rag_module
from monitoring.kpis.units import format_value

register = template.Library()

_RAG_COLOURS = {rag_module.RED: "red", rag_module.AMBER: "orange", rag_module.GREEN: "green"}
# Words that are no workflow's state: a period not yet reported ("due", "overdue", "open"), and the statuses of visits,
# plans and their actions, which their services set. A workflow's states take the colours it declares.
_OTHER_COLOURS = {
    "overdue": "red",
    "due": "yellow",
    "open": "grey",
    "planned": "blue",
    "done": "green",
    "cancelled": "grey",
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
def state_tag(value: Any, label: Any = None, workflow: str | None = None) -> str:
    """A tag for a state: the colour its workflow declares (``workflow=`` names it), else a colour for the words
    above, else blue."""
    key = str(value)
    return format_html(
        '<strong class="govuk-tag govuk-tag--{}">{}</strong>',
        (colour_for(key, workflow) if workflow else None) or _OTHER_COLOURS.get(key, "blue"),
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


_RETURN_URL: list[str] = []


def _return_url(pk: int) -> str:
    """The return page's address, reversed once (thousands of cells on a portfolio page)."""
    if not _RETURN_URL:
        _RETURN_URL.append(reverse("kpi-return", kwargs={"kpi_return_id": 987654321}))
    return _RETURN_URL[0].replace("987654321", str(int(pk)))


@register.simple_tag
def period_cells(row: Any) -> str:
    """A portfolio row's periods as small coloured cells, each with its period and state for screen readers and a
    link to the return where the viewer may open it. Built here rather than in a template loop: a portfolio of 200
    contracts has 2,400 cells."""
    if not row.cells:
        return mark_safe('<span class="govuk-body-s">No returns yet</span>')
    parts = ['<ul class="jointly-periods">']
    for cell in row.cells:
        inner = (
            f'<span aria-hidden="true">{escape(cell_code(cell))}</span>'
            f'<span class="govuk-visually-hidden">{escape(cell.period.label)}: {escape(cell.label)}</span>'
        )
        css = f"jointly-cell {escape(cell_class(cell))}"
        if row.linked and cell.return_id:
            parts.append(f'<li><a class="{css}" href="{_return_url(cell.return_id)}">{inner}</a></li>')
        else:
            parts.append(f'<li><span class="{css}">{inner}</span></li>')
    parts.append("</ul>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated string is escaped above


@register.filter
def css_text(value: Any) -> str:
    """Text for a CSS ``content: "..."`` string in a PDF's page footer (no quotes, backslashes or angle brackets)."""
    cleaned = "".join(ch for ch in str(value) if ch not in '"\\<>\n\r')
    return mark_safe(cleaned)  # noqa: S308 - the characters that could end the string or the style are removed
