"""Reads: the tiers in force for a partnership on a date, and the route a value suggests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone

from commissioning.thresholds.models import LOCAL_KINDS, ThresholdTier, Tier, TierKind
from commissioning.thresholds.rules import SuggestedRoute, suggested_route
from commissioning.thresholds.statutory import DEFAULT_LOCAL_TIERS, STATUTORY_TIERS, statutory_in_force
from partners.models import Partnership

KIND_ORDER = {kind: n for n, kind in enumerate(TierKind.values)}


def local_tiers(partnership: Partnership) -> QuerySet[ThresholdTier]:
    """Every tier the partnership has set, past, present and future."""
    return ThresholdTier.objects.filter(partnership=partnership).order_by("kind", "-effective_from", "-pk")


def tiers_for(partnership: Partnership, *, on: dt.date) -> list[Tier]:
    """One tier per kind in force on ``on``: the partnership's own where it has set one for that date, else the
    default; and the statutory thresholds in force that day. Smallest first."""
    rows = ThresholdTier.objects.filter(partnership=partnership, effective_from__lte=on).filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=on)
    )
    own = {row.kind: row.as_tier() for row in rows.order_by("effective_from", "pk")}
    local = [own.get(default.kind, default) for default in DEFAULT_LOCAL_TIERS if default.kind in LOCAL_KINDS]
    return sorted([*local, *statutory_in_force(on)], key=lambda t: (t.value, KIND_ORDER[t.kind]))


def statutory_tiers() -> list[Tier]:
    return sorted(STATUTORY_TIERS, key=lambda t: (KIND_ORDER[t.kind], t.effective_from or dt.date.min))


def route_for(
    partnership: Partnership, *, value_inc_vat: Decimal, light_touch: bool, on: dt.date | None = None
) -> SuggestedRoute:
    return suggested_route(
        value_inc_vat, light_touch=light_touch, tiers=tiers_for(partnership, on=on or timezone.localdate())
    )


def tier_rows(tiers: Sequence[Tier]) -> list[dict[str, object]]:
    """Tiers as the API shows them."""
    return [
        {
            "id": t.pk,
            "kind": t.kind,
            "label": t.label,
            "value_inc_vat": f"{t.value:.2f}",
            "effective_from": t.effective_from.isoformat() if t.effective_from else None,
            "effective_to": t.effective_to.isoformat() if t.effective_to else None,
            "note": t.note,
            "statutory": t.statutory,
        }
        for t in tiers
    ]
