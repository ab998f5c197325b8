"""Pure rules: the route a value suggests (seed 002: the process is proportionate to the value) and the checks on a
partnership's own tiers. Nothing here reads or writes the database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from commissioning.thresholds.models import LOCAL_KINDS, MAX_TIER_VALUE, Tier, TierKind
from core.money import format_gbp

# Procurement Act 2023 notices (Find a Tender's UK numbers), the ones a route asks for.
NOTICE_TITLES: dict[str, str] = {
    "UK1": "UK1 pipeline notice",
    "UK2": "UK2 preliminary market engagement notice",
    "UK3": "UK3 planned procurement notice",
    "UK4": "UK4 tender notice",
    "UK5": "UK5 transparency notice",
    "UK6": "UK6 contract award notice",
    "UK7": "UK7 contract details notice",
    "UK9": "UK9 contract performance notice",
    "UK10": "UK10 contract change notice",
    "UK11": "UK11 contract termination notice",
    "UK12": "UK12 procurement termination notice",
}


class Route:
    GRANT = "grant"
    QUOTES = "quotes"
    BELOW_THRESHOLD = "below_threshold"
    LIGHT_TOUCH = "light_touch"
    STANDARD = "standard"


ROUTE_LABELS = {
    Route.GRANT: "Small grant: keep the existing allocation",
    Route.QUOTES: "Ask for quotations",
    Route.BELOW_THRESHOLD: "Advertised below-threshold contract",
    Route.LIGHT_TOUCH: "Light-touch procurement under the Procurement Act 2023",
    Route.STANDARD: "Competitive tendering procedure under the Procurement Act 2023",
}

ABOVE_THRESHOLD_NOTICES = ("UK4", "UK6", "UK7")
BELOW_THRESHOLD_NOTICES = ("UK4", "UK7")  # if advertised: a below-threshold tender notice, then contract details


@dataclass(frozen=True)
class SuggestedRoute:
    code: str
    label: str
    reason: str
    notices: list[str] = field(default_factory=list)
    tier: Tier | None = None

    @property
    def above_threshold(self) -> bool:
        return self.code in (Route.LIGHT_TOUCH, Route.STANDARD)

    @property
    def notice_titles(self) -> list[str]:
        return [NOTICE_TITLES.get(code, code) for code in self.notices]


def _find(tiers: Iterable[Tier], kind: str) -> Tier | None:
    return next((t for t in tiers if t.kind == kind), None)


def suggested_route(value_inc_vat: Decimal, *, light_touch: bool, tiers: Sequence[Tier]) -> SuggestedRoute:
    """The route a whole contract's estimated value (incl. VAT) suggests, given the tiers in force. A tier's figure is
    where it starts: a value equal to the statutory threshold is above threshold, one equal to the framework
    threshold follows the framework. The statutory threshold wins over any local tier."""
    value = Decimal(value_inc_vat)
    shown = format_gbp(value)
    statutory = _find(tiers, TierKind.LIGHT_TOUCH if light_touch else TierKind.STANDARD)
    notifiable = _find(tiers, TierKind.NOTIFIABLE)
    small = _find(tiers, TierKind.SMALL_GRANTS)
    framework = _find(tiers, TierKind.FRAMEWORK)
    if statutory is not None and value >= statutory.value:
        code = Route.LIGHT_TOUCH if light_touch else Route.STANDARD
        kind = "light-touch services" if light_touch else "goods and services"
        return SuggestedRoute(
            code,
            ROUTE_LABELS[code],
            f"{shown} including VAT is at or above the Procurement Act 2023 threshold for {kind} of "
            f"{statutory.figure}: publish a tender notice, an award notice and contract details.",
            list(ABOVE_THRESHOLD_NOTICES),
            statutory,
        )
    below = (
        f" and below the {'light-touch' if light_touch else 'goods and services'} threshold of {statutory.figure}"
        if statutory is not None
        else ""
    )
    is_notifiable = notifiable is not None and value >= notifiable.value
    if small is not None and value < small.value:
        return SuggestedRoute(
            Route.GRANT,
            ROUTE_LABELS[Route.GRANT],
            f"{shown} is below the small-grants tier of {small.figure}: small grant allocations stay as they are.",
            [],
            small,
        )
    if framework is not None and value < framework.value:
        notices = ["UK7"] if is_notifiable else []
        tail = (
            f" At {notifiable.figure} or more a council publishes a contract details notice (UK7) after the award."
            if is_notifiable and notifiable is not None
            else ""
        )
        return SuggestedRoute(
            Route.QUOTES,
            ROUTE_LABELS[Route.QUOTES],
            f"{shown} is below the framework threshold of {framework.figure}{below}: invite quotations.{tail}",
            notices,
            framework,
        )
    notices = list(BELOW_THRESHOLD_NOTICES) if is_notifiable else []
    floor = f"at or above the framework threshold of {framework.figure}" if framework is not None else shown
    tail = (
        " A council that advertises it must publish a below-threshold tender notice (UK4) first, and a contract "
        "details notice (UK7) after the award."
        if is_notifiable
        else ""
    )
    return SuggestedRoute(
        Route.BELOW_THRESHOLD,
        ROUTE_LABELS[Route.BELOW_THRESHOLD],
        f"{shown} is {floor}{below}: advertise a below-threshold contract.{tail}",
        notices,
        framework,
    )


def tier_problems(
    *,
    kind: str,
    value: Decimal | None,
    effective_from: dt.date | None,
    effective_to: dt.date | None,
    others: Iterable[Tier] = (),
) -> dict[str, list[str]]:
    """What is wrong with a local tier, field by field. ``others`` are the partnership's other tiers of any kind."""
    problems: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        problems.setdefault(name, []).append(message)

    if kind not in LOCAL_KINDS:
        add(
            "kind",
            "The Procurement Act 2023 thresholds are set by law and change by regulation: they cannot be edited. "
            "Choose small grants or the framework threshold.",
        )
    if value is None:
        add("value", "Enter the value including VAT")
    elif value <= 0:
        add("value", "The value must be more than £0")
    elif value > MAX_TIER_VALUE:
        add("value", f"The value must be at most {format_gbp(MAX_TIER_VALUE)}")
    if effective_from is None:
        add("effective_from", "Enter the date the tier takes effect")
    elif effective_to is not None and effective_to < effective_from:
        add("effective_to", "The end date must be on or after the start date")
    if problems:
        return problems
    assert effective_from is not None
    for other in others:
        if other.kind != kind or other.effective_from is None:
            continue
        starts_before = other.effective_from < effective_from
        if starts_before and other.effective_to is None:
            continue  # the service ends the open-ended earlier tier the day before
        other_end = other.effective_to or dt.date.max
        mine_end = effective_to or dt.date.max
        if other.effective_from <= mine_end and effective_from <= other_end:
            add(
                "effective_from",
                f"{other.label} already has {other.figure} from {other.effective_from:%-d %B %Y}"
                + (f" to {other.effective_to:%-d %B %Y}" if other.effective_to else "")
                + ": the dates overlap",
            )
            break
    return problems
