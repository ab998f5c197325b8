"""Thresholds as data: the route a value suggests is proportionate to it (seed 002), and the figures in force are
the ones for the day the procurement starts. Pure rules: the tiers are passed in."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from commissioning.thresholds.models import Tier, TierKind
from commissioning.thresholds.rules import Route, suggested_route, tier_problems
from commissioning.thresholds.statutory import DEFAULT_LOCAL_TIERS, statutory_in_force

PENNY = Decimal("0.01")


def tiers_on(day: dt.date) -> list[Tier]:
    return [*DEFAULT_LOCAL_TIERS, *statutory_in_force(day)]


TODAY_2026 = dt.date(2026, 11, 26)


@pytest.mark.parametrize(
    ("value", "light_touch", "route", "notices"),
    [
        # small grants £10,000 (default): below it the allocation stays as it is
        (Decimal("9999.99"), True, Route.GRANT, []),
        (Decimal("10000.00"), True, Route.QUOTES, []),
        (Decimal("10000.01"), True, Route.QUOTES, []),
        # notifiable below-threshold contract at £30,000: a contract details notice after the award
        (Decimal("29999.99"), True, Route.QUOTES, []),
        (Decimal("30000.00"), True, Route.QUOTES, ["UK7"]),
        # framework £35,000 (default): at it, an advertised below-threshold contract
        (Decimal("34999.99"), True, Route.QUOTES, ["UK7"]),
        (Decimal("35000.00"), True, Route.BELOW_THRESHOLD, ["UK4", "UK7"]),
        (Decimal("35000.01"), True, Route.BELOW_THRESHOLD, ["UK4", "UK7"]),
        # light-touch threshold £663,540 (unchanged from 1 January 2026)
        (Decimal("663539.99"), True, Route.BELOW_THRESHOLD, ["UK4", "UK7"]),
        (Decimal("663540.00"), True, Route.LIGHT_TOUCH, ["UK4", "UK6", "UK7"]),
        (Decimal("663540.01"), True, Route.LIGHT_TOUCH, ["UK4", "UK6", "UK7"]),
        # goods and services threshold for a council, £207,720 from 1 January 2026
        (Decimal("207719.99"), False, Route.BELOW_THRESHOLD, ["UK4", "UK7"]),
        (Decimal("207720.00"), False, Route.STANDARD, ["UK4", "UK6", "UK7"]),
        (Decimal("207720.01"), False, Route.STANDARD, ["UK4", "UK6", "UK7"]),
        # the same £300,000 is above the standard threshold but below the light-touch one
        (Decimal("300000.00"), False, Route.STANDARD, ["UK4", "UK6", "UK7"]),
        (Decimal("300000.00"), True, Route.BELOW_THRESHOLD, ["UK4", "UK7"]),
    ],
)
def test_the_route_at_and_either_side_of_each_threshold(value, light_touch, route, notices):
    suggestion = suggested_route(value, light_touch=light_touch, tiers=tiers_on(TODAY_2026))
    assert suggestion.code == route
    assert suggestion.notices == notices
    assert suggestion.label


def test_the_reason_names_the_tier_and_its_figure():
    above = suggested_route(Decimal("700000"), light_touch=True, tiers=tiers_on(TODAY_2026))
    assert "£663,540" in above.reason and "light-touch" in above.reason
    assert above.notice_titles == ["UK4 tender notice", "UK6 contract award notice", "UK7 contract details notice"]
    quotes = suggested_route(Decimal("20000"), light_touch=True, tiers=tiers_on(TODAY_2026))
    assert "framework threshold of £35,000" in quotes.reason
    grant = suggested_route(Decimal("5000"), light_touch=True, tiers=tiers_on(TODAY_2026))
    assert "small-grants tier of £10,000" in grant.reason
    below = suggested_route(Decimal("131250"), light_touch=True, tiers=tiers_on(TODAY_2026))
    assert "below-threshold tender notice (UK4)" in below.reason


@pytest.mark.parametrize(
    ("day", "standard", "works"),
    [
        (dt.date(2025, 12, 31), Decimal("214904.00"), Decimal("5372609.00")),
        (dt.date(2026, 1, 1), Decimal("207720.00"), Decimal("5193000.00")),
    ],
)
def test_the_statutory_figures_change_on_1_january_2026(day, standard, works):
    found = {t.kind: t.value for t in statutory_in_force(day)}
    assert found[TierKind.STANDARD] == standard
    assert found[TierKind.WORKS] == works
    assert found[TierKind.LIGHT_TOUCH] == Decimal("663540.00")


def test_a_value_between_the_old_and_new_standard_thresholds_changes_route_on_the_boundary():
    value = Decimal("210000.00")  # above £207,720 (2026) but below £214,904 (2024-25)
    before = suggested_route(value, light_touch=False, tiers=tiers_on(dt.date(2025, 12, 31)))
    after = suggested_route(value, light_touch=False, tiers=tiers_on(dt.date(2026, 1, 1)))
    assert (before.code, after.code) == (Route.BELOW_THRESHOLD, Route.STANDARD)


def test_notifiable_below_threshold_contracts_start_with_the_act():
    assert TierKind.NOTIFIABLE not in {t.kind for t in statutory_in_force(dt.date(2025, 2, 23))}
    assert TierKind.NOTIFIABLE in {t.kind for t in statutory_in_force(dt.date(2025, 2, 24))}
    under_old_rules = suggested_route(Decimal("50000"), light_touch=True, tiers=tiers_on(dt.date(2025, 2, 23)))
    assert under_old_rules.code == Route.BELOW_THRESHOLD and under_old_rules.notices == []


def test_the_statutory_threshold_wins_over_a_local_tier_set_above_it():
    tiers = [
        Tier(TierKind.FRAMEWORK, Decimal("900000"), None, None, "", statutory=False),
        *statutory_in_force(TODAY_2026),
    ]
    assert suggested_route(Decimal("700000"), light_touch=True, tiers=tiers).code == Route.LIGHT_TOUCH


def test_a_statutory_tier_cannot_be_made_local():
    problems = tier_problems(
        kind=TierKind.STANDARD, value=Decimal("1"), effective_from=dt.date(2026, 4, 1), effective_to=None
    )
    assert "set by law" in problems["kind"][0]


def test_tier_dates_and_values_are_checked():
    problems = tier_problems(
        kind=TierKind.FRAMEWORK,
        value=Decimal("0"),
        effective_from=dt.date(2026, 4, 1),
        effective_to=dt.date(2026, 3, 31),
    )
    assert problems["value"] == ["The value must be more than £0"]
    assert problems["effective_to"] == ["The end date must be on or after the start date"]


def test_overlapping_tiers_of_one_kind_are_refused_but_an_open_ended_earlier_one_is_ended():
    earlier_open = Tier(TierKind.FRAMEWORK, Decimal("35000"), dt.date(2025, 4, 1), None, "", statutory=False, pk=1)
    later_closed = Tier(
        TierKind.FRAMEWORK, Decimal("40000"), dt.date(2027, 4, 1), dt.date(2028, 3, 31), "", statutory=False, pk=2
    )
    ok = tier_problems(
        kind=TierKind.FRAMEWORK,
        value=Decimal("50000"),
        effective_from=dt.date(2026, 4, 1),
        effective_to=dt.date(2027, 3, 31),
        others=[earlier_open, later_closed],
    )
    assert ok == {}
    clash = tier_problems(
        kind=TierKind.FRAMEWORK,
        value=Decimal("50000"),
        effective_from=dt.date(2026, 4, 1),
        effective_to=None,
        others=[earlier_open, later_closed],
    )
    assert "overlap" in clash["effective_from"][0]
