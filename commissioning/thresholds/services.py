"""Writes (keyword-only, atomic, audited): a partnership's own threshold tiers. The statutory ones are data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from commissioning.service_map.rules import require_partner
from commissioning.thresholds.models import ThresholdTier, TierKind
from commissioning.thresholds.rules import tier_problems
from core import audit
from core.actors import Actor
from core.errors import DomainError
from core.money import money
from core.service import service
from partners.models import Partnership, Role


def _snapshot(tier: ThresholdTier) -> dict[str, str]:
    return {
        "kind": tier.kind,
        "value": f"{tier.value:.2f}",
        "effective_from": tier.effective_from.isoformat(),
        "effective_to": tier.effective_to.isoformat() if tier.effective_to else "",
        "note": tier.note,
    }


def _others(partnership: Partnership, *, kind: str, excluding: int | None = None) -> list[ThresholdTier]:
    rows = ThresholdTier.objects.select_for_update().filter(partnership=partnership, kind=kind)
    if excluding is not None:
        rows = rows.exclude(pk=excluding)
    return list(rows)


def _check(
    *,
    partnership: Partnership,
    kind: str,
    value: Decimal | None,
    effective_from: dt.date | None,
    effective_to: dt.date | None,
    excluding: int | None = None,
) -> list[ThresholdTier]:
    others = _others(partnership, kind=kind, excluding=excluding) if kind in TierKind.values else []
    problems = tier_problems(
        kind=kind,
        value=money(value) if value is not None else None,
        effective_from=effective_from,
        effective_to=effective_to,
        others=[o.as_tier() for o in others],
    )
    if problems:
        raise DomainError("Check the tier", field_errors=problems)
    return others


def _end_open_tiers_before(others: list[ThresholdTier], *, starts: dt.date, by: Actor) -> None:
    """An open-ended earlier tier of the same kind ends the day before the new one starts."""
    for other in others:
        if other.effective_to is None and other.effective_from < starts:
            before = _snapshot(other)
            other.effective_to = starts - dt.timedelta(days=1)
            other.save(update_fields=["effective_to", "updated_at"])
            audit.record(obj=other, action="threshold_tier.ended", by=by, data={"from": before, "to": _snapshot(other)})


@service
def tier_add(
    *,
    partnership: Partnership,
    kind: str,
    value: Decimal,
    effective_from: dt.date,
    effective_to: dt.date | None = None,
    note: str = "",
    by: Actor,
) -> ThresholdTier:
    """A commissioner of the partnership sets one of its own tiers from a date. An open-ended earlier tier of the
    same kind ends the day before."""
    require_partner(partnership, by, Role.COMMISSIONER, doing="change the partnership's thresholds")
    others = _check(
        partnership=partnership, kind=kind, value=value, effective_from=effective_from, effective_to=effective_to
    )
    _end_open_tiers_before(others, starts=effective_from, by=by)
    tier = ThresholdTier.objects.create(
        partnership=partnership,
        kind=kind,
        value=money(value),
        effective_from=effective_from,
        effective_to=effective_to,
        note=" ".join(note.split()),
        created_by=by.user,
    )
    audit.record(obj=tier, action="threshold_tier.added", by=by, data={"to": _snapshot(tier)})
    return tier


@service
def tier_update(
    *,
    tier: ThresholdTier,
    value: Decimal,
    effective_from: dt.date,
    effective_to: dt.date | None = None,
    note: str = "",
    by: Actor,
) -> ThresholdTier:
    """Change a tier's figure, dates or note (its kind stays)."""
    tier = ThresholdTier.objects.select_for_update().select_related("partnership").get(pk=tier.pk)
    require_partner(tier.partnership, by, Role.COMMISSIONER, doing="change the partnership's thresholds")
    _check(
        partnership=tier.partnership,
        kind=tier.kind,
        value=value,
        effective_from=effective_from,
        effective_to=effective_to,
        excluding=tier.pk,
    )
    before = _snapshot(tier)
    tier.value = money(value)
    tier.effective_from = effective_from
    tier.effective_to = effective_to
    tier.note = " ".join(note.split())
    after = _snapshot(tier)
    if after == before:
        return tier
    tier.save()
    audit.record(obj=tier, action="threshold_tier.changed", by=by, data={"from": before, "to": after})
    return tier


@service
def tier_delete(*, tier: ThresholdTier, by: Actor) -> None:
    """Remove a tier entered by mistake (the default applies again where no other tier is in force)."""
    tier = ThresholdTier.objects.select_for_update().select_related("partnership").get(pk=tier.pk)
    require_partner(tier.partnership, by, Role.COMMISSIONER, doing="change the partnership's thresholds")
    audit.record(obj=tier, action="threshold_tier.removed", by=by, data={"from": _snapshot(tier)})
    tier.delete()
