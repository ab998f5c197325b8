"""Demo thresholds (idempotent), set through the services: TSCiP keeps its small grants below £5,000 and the
framework threshold of £35,000 from 1 April 2025; Lichfield's board raised its framework threshold to £40,000 from
1 April 2026, the earlier default-level tier ending the day before."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from commissioning.thresholds.models import ThresholdTier, TierKind
from commissioning.thresholds.services import tier_add
from partners.acting import Acting
from partners.models import Partnership

TIERS: dict[str, list[tuple[str, str, dt.date, str]]] = {
    "Staffordshire Third Sector Commissioning in Partnership": [
        (TierKind.SMALL_GRANTS, "5000", dt.date(2025, 4, 1), "Small grant allocations stay as they are (seed 000)"),
        (
            TierKind.FRAMEWORK,
            "35000",
            dt.date(2025, 4, 1),
            "Third-sector commissioning framework: services over £35,000",
        ),
    ],
    "Lichfield Locality Commissioning Partnership": [
        (TierKind.FRAMEWORK, "35000", dt.date(2025, 4, 1), "As TSCiP"),
        (TierKind.FRAMEWORK, "40000", dt.date(2026, 4, 1), "Raised by the board at its March 2026 meeting"),
    ],
}


def load(partnerships: dict[str, Partnership], actors: dict[str, Acting]) -> None:
    for name, tiers in TIERS.items():
        partnership = partnerships.get(name)
        by = actors.get(name)
        if partnership is None or by is None:
            continue
        for kind, value, starts, note in tiers:
            if ThresholdTier.objects.filter(partnership=partnership, kind=kind, effective_from=starts).exists():
                continue
            tier_add(partnership=partnership, kind=kind, value=Decimal(value), effective_from=starts, note=note, by=by)
