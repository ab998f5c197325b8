"""A tender's legal regime under the Procurement Act 2023 and the notices it must publish, from its estimated value
including VAT, whether it is a light-touch contract, and the partnership's threshold tiers in force on the day the
procurement starts (published, or today for a draft)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.utils import timezone

from commissioning.thresholds.rules import NOTICE_TITLES, Route, SuggestedRoute, suggested_route
from commissioning.thresholds.selectors import tiers_for
from core import versions
from procurement.tenders.cpv import all_light_touch, normalise, title_for
from procurement.tenders.models import Procedure, Tender


class Regime(models.TextChoices):
    STANDARD = "standard", "Above threshold: competitive tendering procedure"
    LIGHT_TOUCH = "light_touch", "Above threshold: light-touch contract"
    BELOW_THRESHOLD = "below_threshold", "Below threshold"


def regime_date(tender: Tender) -> dt.date:
    """The day whose thresholds apply: the procurement starts when the tender is published."""
    if tender.published_at is not None:
        return timezone.localdate(tender.published_at)
    return timezone.localdate()


def route_for(tender: Tender) -> SuggestedRoute:
    """The tender's route. The tiers are read once per tender object, day and data version (the page, its regime
    summary and its notices all ask): kept on the object, keyed by what decides them, so a tier added since is seen."""
    on = regime_date(tender)
    key = (tender.commission.partnership_id, on, versions.current())
    cached = tender.__dict__.get("_regime_tiers")
    if cached is None or cached[0] != key:
        cached = (key, tiers_for(tender.commission.partnership, on=on))
        tender.__dict__["_regime_tiers"] = cached
    return suggested_route(tender.estimated_value_inc_vat, light_touch=tender.is_light_touch, tiers=cached[1])


def _regime_of(route: SuggestedRoute) -> Regime:
    if route.code == Route.LIGHT_TOUCH:
        return Regime.LIGHT_TOUCH
    if route.code == Route.STANDARD:
        return Regime.STANDARD
    return Regime.BELOW_THRESHOLD


def regime_for(tender: Tender) -> Regime:
    return _regime_of(route_for(tender))


def _notices(tender: Tender, route: SuggestedRoute) -> list[str]:
    if tender.procedure == Procedure.GRANT:
        return []  # a grant round is not a contract under the Act
    if route.above_threshold:
        return list(route.notices)
    # A tender in Jointly is advertised (the opportunities portal): a notifiable below-threshold contract publishes a
    # below-threshold tender notice and, after the award, its contract details.
    return ["UK4", "UK7"] if "UK7" in route.notices else []


def required_notices(tender: Tender) -> list[str]:
    """The notice codes the Act asks of this tender ("UK4", "UK6", "UK7"; below threshold "UK4", "UK7" once the
    contract is notifiable; none for a grant round)."""
    return _notices(tender, route_for(tender))


def suggests_light_touch(codes: list[str]) -> bool:
    """A tender whose CPV codes are all Schedule 1 light-touch services suggests a light-touch contract."""
    return all_light_touch(codes)


@dataclass(frozen=True)
class RegimeSummary:
    regime: Regime
    route: SuggestedRoute
    notices: list[str]
    cpv: list[tuple[str, str]]
    on: dt.date
    suggests_light_touch: bool

    @property
    def notice_titles(self) -> list[str]:
        return [NOTICE_TITLES.get(code, code) for code in self.notices]


def summary_for(tender: Tender) -> RegimeSummary:
    route = route_for(tender)
    return RegimeSummary(
        regime=_regime_of(route),
        route=route,
        notices=_notices(tender, route),
        cpv=[(normalise(code), title_for(code)) for code in tender.cpv_codes],
        on=regime_date(tender),
        suggests_light_touch=suggests_light_touch(list(tender.cpv_codes)),
    )
