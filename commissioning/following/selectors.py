"""Reads: what may be followed, who follows what, and the words of the monthly digest."""

from __future__ import annotations

from typing import Any

from commissioning.following.models import Follow
from commissioning.service_map.models import ServiceArea
from core.opportunities import CATEGORIES
from partners.models import Organisation


def followable_areas() -> list[ServiceArea]:
    """Every partnership's service areas, with or without anything open: their names are public facts."""
    return list(
        ServiceArea.objects.unscoped(reason="a provider may follow any service area, open or not")
        .select_related("partnership")
        .order_by("name", "partnership__name")
    )


def follows_for(*, organisation: Organisation, user: Any) -> list[Follow]:
    return list(
        Follow.objects.filter(organisation=organisation, user=user)
        .select_related("service_area__partnership")
        .order_by("category", "service_area__name")
    )


def category_choices() -> list[tuple[str, str]]:
    return list(CATEGORIES)
