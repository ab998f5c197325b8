"""Pure checks (read, never write): the service map (what each partner already funds)."""

from __future__ import annotations

from typing import Any

from django.db import models

from commissioning.service_map.models import MappedContract
from commissioning.service_map.permissions import is_active_partner
from core.actors import Actor
from core.errors import NotPermitted
from core.money import money
from core.text import MULTILINE_MAX_LENGTH, text_problem
from partners.models import Partnership


def require_partner(partnership: Partnership, by: Actor, *roles: str, doing: str) -> None:
    if not is_active_partner(partnership.pk, by):
        raise NotPermitted(f"Only a member of {partnership} can {doing}")
    if roles and not by.has_role(*roles):
        raise NotPermitted(f"Your role does not allow you to {doing}")


CONTRACT_FIELDS = (
    "service_area",
    "provider_name",
    "title",
    "reference",
    "annual_value",
    "start_date",
    "end_date",
    "funding_source",
    "alignable",
    "not_alignable_reason",
)


def _contract_problems(values: dict[str, Any]) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    if not str(values.get("provider_name") or "").strip():
        add("provider_name", "Enter the provider's name")
    value = values.get("annual_value")
    if value is None:
        add("annual_value", "Enter the annual value")
    elif money(value) < 0:
        add("annual_value", "The annual value cannot be negative")
    start, end = values.get("start_date"), values.get("end_date")
    if start is None:
        add("start_date", "Enter the start date")
    if end is None:
        add("end_date", "Enter the end date")
    if start is not None and end is not None and end < start:
        add("end_date", "The end date must be on or after the start date")
    if not str(values.get("funding_source") or "").strip():
        add("funding_source", "Say where the money comes from")
    if not values.get("alignable", True) and not str(values.get("not_alignable_reason") or "").strip():
        add("not_alignable_reason", "Say why this money cannot be aligned, for example a ring-fenced grant")
    return problems


IMPORT_COLUMNS = {
    "service area": "service_area",
    "provider": "provider_name",
    "provider name": "provider_name",
    "title": "title",
    "what it pays for": "title",
    "reference": "reference",
    "annual value": "annual_value",
    "value per year": "annual_value",
    "start date": "start_date",
    "start": "start_date",
    "end date": "end_date",
    "end": "end_date",
    "expiry": "end_date",
    "expiry date": "end_date",
    "funding source": "funding_source",
    "can be aligned": "alignable",
    "alignable": "alignable",
    "why not": "not_alignable_reason",
    "reason not alignable": "not_alignable_reason",
    "why it cannot be aligned": "not_alignable_reason",
    "funder": "funder",
}


REQUIRED_IMPORT_FIELDS = ("service_area", "provider_name", "annual_value", "start_date", "end_date", "funding_source")


EXPORT_HEADERS = [
    "Service area",
    "Funder",
    "Provider",
    "Title",
    "Reference",
    "Annual value",
    "Start date",
    "End date",
    "Funding source",
    "Can be aligned",
    "Why not",
]


_IMPORT_LABELS = {
    "provider_name": "Provider",
    "title": "Title",
    "reference": "Reference",
    "funding_source": "Funding source",
    "not_alignable_reason": "Why not",
}


def _cell_problem(name: str, value: str) -> str | None:
    """A text cell against its column: length (the column's own) and the text rules (one line, no control
    characters), so a long or odd cell refuses its row with a reason instead of failing the insert."""
    field = MappedContract._meta.get_field(name)
    label = _IMPORT_LABELS[name]
    multiline = isinstance(field, models.TextField)
    problem = text_problem(value, multiline=multiline)
    if problem:
        return f"{label}: {problem[0].lower()}{problem[1:]}"
    limit = getattr(field, "max_length", None) or MULTILINE_MAX_LENGTH
    if len(value) > limit:
        return f"{label} is {len(value):,} characters long; it can be at most {limit:,}"
    return None
