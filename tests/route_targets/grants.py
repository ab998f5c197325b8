"""Route-walker builders for grant rounds:

- ``programme_id`` / ``grant_section_id``: a draft programme the county leads and a section of its form (unpublished,
  so another organisation gets a 404);
- ``grant_round_id`` / ``section_id``: an open round (public) and a section of its form;
- ``application_id``: the provider's own application to the open round, submitted (its bidder).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from grants.applications.models import GrantApplication
from grants.programmes.models import GrantProgramme
from procurement.bids.models import ProviderProfile
from tests.factories.commissioning import acting
from tests.factories.grants import food_poverty_round, submitted
from tests.route_targets import Target


def _draft(w: Any) -> GrantProgramme:
    return food_poverty_round(w, open_it=False).programme


def _open(w: Any) -> GrantProgramme:
    return food_poverty_round(w).programme


def _application(w: Any) -> GrantApplication:
    if "grants:application" not in w.extras:
        ProviderProfile.objects.get_or_create(organisation=w.provider, defaults={"annual_income": Decimal("90000.00")})
        application, _ = submitted(food_poverty_round(w), acting(w.bidder, w.provider))
        w.extras["grants:application"] = application
    return w.extras["grants:application"]  # type: ignore[no-any-return]


KWARGS = {
    "programme_id": lambda w: Target(_draft(w).pk, w.county, user=w.lead_commissioner),
    "grant_section_id": lambda w: Target(_draft(w).sections.first().pk, w.county, user=w.lead_commissioner),
    "grant_round_id": lambda w: Target(_open(w).pk, None),
    "section_id": lambda w: Target(_open(w).sections.first().pk, None),
    "application_id": lambda w: Target(_application(w).public_id, w.provider, user=w.bidder),
}

API_OBJECTS = {
    GrantProgramme: lambda w: Target(_draft(w).pk, w.county, user=w.lead_commissioner),
    GrantApplication: lambda w: Target(_application(w).public_id, w.provider, user=w.bidder),
}
