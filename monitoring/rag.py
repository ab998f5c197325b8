"""Red, amber, green: a pure function from a KPI's thresholds, its direction and an actual.

- Green: at or better than the green threshold.
- Red: worse than the red threshold.
- Amber: in between, including exactly on the red threshold.

"Better" means higher when higher is better, lower when lower is better. Yes/no KPIs record 1 for yes and 0 for no
and use the same rule (a "yes" target: green at 1, red below 1).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

HIGHER = "higher"
LOWER = "lower"
RED = "red"
AMBER = "amber"
GREEN = "green"
NOT_REPORTED = ""
SEVERITY = {NOT_REPORTED: 0, GREEN: 1, AMBER: 2, RED: 3}
LABELS = {RED: "Red", AMBER: "Amber", GREEN: "Green", NOT_REPORTED: "Not reported"}


def thresholds_problem(*, direction: str, green: Decimal, red: Decimal) -> str | None:
    """Why these thresholds make no sense, or None."""
    if direction == HIGHER and red > green:
        return "When higher is better, the red threshold must not be above the green threshold"
    if direction == LOWER and red < green:
        return "When lower is better, the red threshold must not be below the green threshold"
    if direction not in (HIGHER, LOWER):
        return f"Unknown direction {direction!r}"
    return None


def rag_for(*, actual: Decimal | None, direction: str, green: Decimal, red: Decimal) -> str:
    if actual is None:
        return NOT_REPORTED
    problem = thresholds_problem(direction=direction, green=green, red=red)
    if problem:
        raise ValueError(problem)
    if direction == HIGHER:
        if actual >= green:
            return GREEN
        return RED if actual < red else AMBER
    if actual <= green:
        return GREEN
    return RED if actual > red else AMBER


def worst(rags: Iterable[str]) -> str:
    """The most severe status among ``rags`` (not reported counts as nothing)."""
    return max(rags, key=lambda r: SEVERITY[r], default=NOT_REPORTED)
