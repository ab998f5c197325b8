"""The conflicts assessment's URL keywords (the county's draft tender's assessment, being prepared by its lead).

- ``conflicts_assessment_id``: the draft assessment before the tender notice (the county's, read by its partners).
- ``conflicts_entry_id``: the lead commissioner's own line in it.
"""

from __future__ import annotations

from typing import Any

from procurement.conflicts import services as conflicts_services
from procurement.conflicts.models import AssessmentEntry, ConflictsAssessment
from tests.factories.procurement import draft_tender, lead_of
from tests.route_targets import Target


def _assessment(w: Any) -> ConflictsAssessment:
    if "procurement:conflicts" not in w.extras:
        tender = draft_tender(w, title="A tender being assessed for conflicts")
        w.extras["procurement:conflicts"] = conflicts_services.assessment_start(
            tender=tender, stage="tender", by=lead_of(w)
        )
    return w.extras["procurement:conflicts"]  # type: ignore[no-any-return]


KWARGS = {
    "conflicts_assessment_id": lambda w: Target(_assessment(w).pk, w.county, user=w.lead_commissioner),
    "conflicts_entry_id": lambda w: Target(
        AssessmentEntry._base_manager.filter(assessment=_assessment(w)).first().pk,
        w.county,
        user=w.lead_commissioner,
    ),
}

API_OBJECTS: dict[Any, Any] = {
    ConflictsAssessment: lambda w: Target(_assessment(w).pk, w.county, user=w.lead_commissioner),
}
