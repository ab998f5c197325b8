"""A contract whose term starts on 1 October touches four financial years: the award's shares follow the partners'
pro-rata contributions into both part years, and add up to the contract's value to the penny (issue 13)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.errors import DomainError
from core.tenancy import unscoped
from procurement.award.rules import compute_shares
from procurement.tenders.models import Tender
from tests.factories.commissioning import lichfield_example

A_YEAR = Decimal("43750.00")  # the county's £23,750 and the district's £20,000


def _confirmed_from_october(world):
    ex = lichfield_example(world, start_date=dt.date(2026, 10, 1))
    ex.confirm_all(ex.county, ex.county_lead)
    ex.confirm_all(ex.district, ex.district_commissioner)
    return ex


def test_the_award_is_shared_over_four_financial_years_with_a_part_year_at_each_end(world):
    ex = _confirmed_from_october(world)
    with unscoped(reason="test reads the rule's answer"):
        [shares] = compute_shares(Tender(commission_id=ex.commission.pk, term_years=3), [A_YEAR])
    by_year: dict[int, Decimal] = {}
    for share in shares:
        by_year[share["financial_year"]] = by_year.get(share["financial_year"], Decimal("0")) + Decimal(share["amount"])
    assert sorted(by_year) == [2026, 2027, 2028, 2029]
    # 1 Oct 2026 - 31 Mar 2027 is 182 of 365 days; the full years are a year's money; the last takes the rest.
    assert by_year[2026] == Decimal("21815.07")
    assert by_year[2027] == by_year[2028] == A_YEAR
    assert sum(by_year.values()) == A_YEAR * 3
    # Each partner's share of a year never exceeds what it confirmed for that year.
    for share in shares:
        confirmed = ex.commission.contributions.get(
            organisation_id=share["organisation_id"], financial_year=share["financial_year"]
        ).amount
        assert Decimal(share["amount"]) <= confirmed


def test_an_award_above_a_part_year_s_confirmed_money_is_refused_naming_the_part_year(world):
    ex = _confirmed_from_october(world)
    with unscoped(reason="test reads the rule's answer"), pytest.raises(DomainError) as refused:
        compute_shares(Tender(commission_id=ex.commission.pk, term_years=3), [Decimal("50000.00")])
    assert "In 2026/27 partners have confirmed" in str(refused.value)
    assert "the award needs in 2026/27 (part year: 1 October 2026 to 31 March 2027)" in str(refused.value)
