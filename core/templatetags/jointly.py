from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import format_html

from core.money import financial_year_label, format_gbp
from core.workflow import colour_for, get_workflow

register = template.Library()


@register.filter
def gbp(value: Decimal | None) -> str:
    return format_gbp(value)


@register.filter
def fy(year_starting: int) -> str:
    return financial_year_label(int(year_starting))


# Colours for words that are not a workflow's state ("overdue", "waiting") and the fallback for states no workflow
# colours yet. Where a workflow declares a state's colour (``Workflow(colours=...)``) this map must agree with it
# (tests/core/test_workflow_mechanism.py checks). GOV.UK: grey for things finished without success or closed.
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
    "cancelled": "grey",
    "overdue": "red",
    "revoked": "red",
    "expired": "grey",
    "closed": "grey",
    "left": "grey",
}


@register.simple_tag
def status_tag(value: Any, label: Any = None, workflow: str | None = None) -> str:
    """A GOV.UK tag for a state: the colour its workflow declares (``workflow=`` names it when two workflows colour
    the same state differently), else this module's map, else blue."""
    key = str(value).lower()
    colour = colour_for(key, workflow) or _TAG_COLOURS.get(key, "blue")
    if not label:
        declared = get_workflow(workflow) if workflow else None
        label = declared.label_of(key) if declared is not None else str(value).capitalize()
    return format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>', colour, label)


@register.filter
def get_item(mapping: dict, key: Any) -> Any:
    return mapping.get(key) if mapping else None
