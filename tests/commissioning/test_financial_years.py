"""Issue 13, "Part-year terms are cut short": a term of N years starting on any day but 1 April touches N+1 UK
financial years, the first and last in part, and every page, form and report offers all of them."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commissioning.commissions.models import Contribution
from commissioning.money.rules import pro_rata
from commissioning.money.services import contribution_set
from core.errors import DomainError
from core.money import term_end, term_financial_years
from tests.conftest import sign_in
from tests.factories.commissioning import lichfield_example

OCTOBER = dt.date(2026, 10, 1)


def test_three_years_from_1_october_2026_touch_four_financial_years():
    parts = term_financial_years(OCTOBER, 3)
    assert term_end(OCTOBER, 3) == dt.date(2029, 9, 30)
    assert [p.short_label for p in parts] == ["2026/27", "2027/28", "2028/29", "2029/30"]
    assert [p.part_year for p in parts] == [True, False, False, True]
    assert (parts[0].start, parts[0].end, parts[0].days) == (OCTOBER, dt.date(2027, 3, 31), 182)
    assert (parts[-1].start, parts[-1].end, parts[-1].days) == (dt.date(2029, 4, 1), dt.date(2029, 9, 30), 183)
    assert parts[0].label == "2026/27 (part year: 1 October 2026 to 31 March 2027)"
    assert parts[-1].label == "2029/30 (part year: 1 April 2029 to 30 September 2029)"
    assert parts[1].label == "2027/28"
    assert parts[1].days == 366  # 2027/28 holds 29 February 2028


def test_a_term_from_1_april_is_whole_years():
    parts = term_financial_years(dt.date(2027, 4, 1), 3)
    assert [p.short_label for p in parts] == ["2027/28", "2028/29", "2029/30"]
    assert not any(p.part_year for p in parts)


@given(
    start=st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2040, 12, 31)),
    years=st.integers(min_value=1, max_value=5),
)
def test_the_years_cover_every_day_of_the_term_once(start, years):
    parts = term_financial_years(start, years)
    assert parts[0].start == start and parts[-1].end == term_end(start, years)
    assert sum(p.days for p in parts) == (term_end(start, years) - start).days + 1
    for before, after in itertools.pairwise(parts):
        assert after.start == before.end + dt.timedelta(days=1)
        assert after.year == before.year + 1
    assert len(parts) == (years if (start.month, start.day) == (4, 1) else years + 1)
    assert all(p.days == p.year_days for p in parts[1:-1])


def test_pro_rata_from_23750_a_year_over_a_term_from_1_october_2026():
    split = pro_rata(Decimal("23750"), term_financial_years(OCTOBER, 3))
    assert [s.amount for s in split] == [
        Decimal("11842.47"),  # 182 of 365 days
        Decimal("23750.00"),
        Decimal("23750.00"),
        Decimal("11907.53"),  # 183 of 365 days, the rounding on the last year
    ]
    assert sum(s.amount for s in split) == Decimal("71250.00")
    assert split[0].note == "182 of 365 days"


def test_the_rounding_goes_on_the_last_year_and_says_so():
    # From 1 October 2027: 183 of 366 days in 2027/28 (a leap year), 183 of 365 in 2030/31.
    split = pro_rata(Decimal("20000"), term_financial_years(dt.date(2027, 10, 1), 3))
    assert sum(s.amount for s in split) == Decimal("60000.00")
    assert split[0].amount == Decimal("10000.00")
    assert split[-1].remainder != 0
    assert "so the years add up exactly to the term's money" in split[-1].note


@given(
    annual=st.decimals(min_value=Decimal("0"), max_value=Decimal("9999999"), places=2),
    start=st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2035, 12, 31)),
    years=st.integers(min_value=1, max_value=5),
)
def test_the_suggested_years_always_add_up_to_the_penny(annual, start, years):
    split = pro_rata(annual, term_financial_years(start, years))
    assert sum(s.amount for s in split) == annual * years
    assert all(s.amount == s.amount.quantize(Decimal("0.01")) for s in split)


@pytest.fixture
def october(world):
    return lichfield_example(world, start_date=OCTOBER)


def test_the_last_part_year_is_no_longer_outside_the_term(october):
    c = contribution_set(
        commission=october.commission,
        organisation=october.district,
        financial_year=2029,
        amount=Decimal("10000"),
        by=october.district_commissioner,
    )
    assert c.financial_year == 2029
    assert october.commission.financial_years == [2026, 2027, 2028, 2029]


def test_a_year_after_the_term_is_still_refused(october):
    with pytest.raises(DomainError, match="outside the term"):
        contribution_set(
            commission=october.commission,
            organisation=october.district,
            financial_year=2030,
            amount=Decimal("10000"),
            by=october.district_commissioner,
        )


def test_recording_a_years_money_splits_the_part_years_pro_rata(october):
    county = dict(
        Contribution.objects.unscoped(reason="test")
        .filter(commission=october.commission, organisation=october.county)
        .values_list("financial_year", "amount")
    )
    assert county == {
        2026: Decimal("11842.47"),
        2027: Decimal("23750.00"),
        2028: Decimal("23750.00"),
        2029: Decimal("11907.53"),
    }


def test_the_commission_page_and_the_form_offer_all_four_years(october, world, client):
    sign_in(client, world.lead_commissioner, world.county)
    detail = client.get(f"/commissions/{october.commission.pk}/").content.decode()
    assert "1 October 2026 to 30 September 2029" in detail
    assert "2029/30 (part year: 1 April 2029 to 30 September 2029)" in detail
    page = client.get(f"/commissions/{october.commission.pk}/contributions/").content.decode()
    for label in (
        "2026/27 (part year: 1 October 2026 to 31 March 2027)",
        "2027/28",
        "2028/29",
        "2029/30 (part year: 1 April 2029 to 30 September 2029)",
    ):
        assert label in page
    assert 'name="year_2029"' in page
