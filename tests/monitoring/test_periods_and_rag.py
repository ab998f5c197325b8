"""Reporting periods and RAG status: pure functions, with the edge cases."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest

from core.errors import DomainError
from monitoring import periods, rag
from monitoring.kpis.units import format_value, parse_value

D = dt.date


def labels(ps):
    return [p.label for p in ps]


def test_quarters_follow_the_uk_financial_year():
    ps = periods.reporting_periods(D(2026, 4, 1), D(2027, 3, 31), periods.QUARTERLY)
    assert labels(ps) == ["Q1 2026/27", "Q2 2026/27", "Q3 2026/27", "Q4 2026/27"]
    assert [(p.start, p.end) for p in ps] == [
        (D(2026, 4, 1), D(2026, 6, 30)),
        (D(2026, 7, 1), D(2026, 9, 30)),
        (D(2026, 10, 1), D(2026, 12, 31)),
        (D(2027, 1, 1), D(2027, 3, 31)),
    ]
    assert not any(p.is_partial for p in ps)


def test_a_contract_starting_mid_quarter_has_a_short_first_and_last_period():
    ps = periods.reporting_periods(D(2026, 5, 15), D(2027, 5, 14), periods.QUARTERLY)
    assert labels(ps) == ["Q1 2026/27", "Q2 2026/27", "Q3 2026/27", "Q4 2026/27", "Q1 2027/28"]
    assert (ps[0].start, ps[0].end) == (D(2026, 5, 15), D(2026, 6, 30))
    assert (ps[-1].start, ps[-1].end) == (D(2027, 4, 1), D(2027, 5, 14))
    assert ps[0].is_partial and ps[-1].is_partial and not ps[1].is_partial


def test_monthly_and_annual_periods():
    months = periods.reporting_periods(D(2026, 1, 10), D(2026, 4, 30), periods.MONTHLY)
    assert labels(months) == ["January 2026", "February 2026", "March 2026", "April 2026"]
    assert months[1].end == D(2026, 2, 28) and months[0].start == D(2026, 1, 10)
    years = periods.reporting_periods(D(2025, 4, 1), D(2028, 3, 31), periods.ANNUAL)
    assert labels(years) == ["2025/26", "2026/27", "2027/28"]
    # a year starting in January belongs to the financial year that began the April before
    assert periods.reporting_periods(D(2026, 1, 1), D(2026, 3, 31), periods.ANNUAL)[0].label == "2025/26"


def test_every_day_of_the_contract_is_in_exactly_one_period():
    start, end = D(2025, 11, 17), D(2028, 2, 3)
    for frequency in periods.FREQUENCIES:
        ps = periods.reporting_periods(start, end, frequency)
        assert ps[0].start == start and ps[-1].end == end
        for a, b in itertools.pairwise(ps):
            assert b.start == a.end + dt.timedelta(days=1)


def test_a_single_day_contract_and_a_backwards_one():
    assert len(periods.reporting_periods(D(2026, 3, 31), D(2026, 3, 31), periods.QUARTERLY)) == 1
    assert periods.reporting_periods(D(2026, 4, 1), D(2026, 3, 31), periods.QUARTERLY) == []
    with pytest.raises(ValueError):
        periods.reporting_periods(D(2026, 4, 1), D(2027, 3, 31), "weekly")


def test_due_dates_and_which_kpis_are_due():
    q4 = periods.period_containing(D(2027, 2, 1), periods.QUARTERLY)
    assert q4.due_on(20) == D(2027, 4, 20)
    q3 = periods.period_containing(D(2026, 11, 1), periods.QUARTERLY)
    assert periods.is_due_in(periods.QUARTERLY, q3, contract_end=D(2028, 3, 31))
    assert not periods.is_due_in(periods.ANNUAL, q3, contract_end=D(2028, 3, 31))
    assert periods.is_due_in(periods.ANNUAL, q4, contract_end=D(2028, 3, 31))
    # the last return of a contract ending mid-year carries the annual KPIs too
    last = periods.period_containing(D(2027, 5, 1), periods.QUARTERLY, clip=(D(2026, 5, 15), D(2027, 5, 14)))
    assert periods.is_due_in(periods.ANNUAL, last, contract_end=D(2027, 5, 14))
    with pytest.raises(ValueError):
        periods.is_due_in(periods.MONTHLY, q3, contract_end=D(2028, 3, 31))


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        ("151", rag.GREEN),
        ("150", rag.GREEN),  # exactly on the green threshold: green
        ("149.99", rag.AMBER),
        ("120", rag.AMBER),  # exactly on the red threshold: amber, not red
        ("119.99", rag.RED),
        ("0", rag.RED),
    ],
)
def test_rag_when_higher_is_better(actual, expected):
    assert (
        rag.rag_for(actual=Decimal(actual), direction=rag.HIGHER, green=Decimal("150"), red=Decimal("120")) == expected
    )


@pytest.mark.parametrize(
    ("actual", "expected"),
    [("0", rag.GREEN), ("1", rag.GREEN), ("2", rag.AMBER), ("3", rag.AMBER), ("4", rag.RED)],
)
def test_rag_when_lower_is_better(actual, expected):
    assert rag.rag_for(actual=Decimal(actual), direction=rag.LOWER, green=Decimal("1"), red=Decimal("3")) == expected


def test_rag_edge_cases():
    # green and red thresholds equal: no amber band
    assert rag.rag_for(actual=Decimal("1"), direction=rag.HIGHER, green=Decimal("1"), red=Decimal("1")) == rag.GREEN
    assert rag.rag_for(actual=Decimal("0"), direction=rag.HIGHER, green=Decimal("1"), red=Decimal("1")) == rag.RED
    assert rag.rag_for(actual=Decimal("0"), direction=rag.LOWER, green=Decimal("0"), red=Decimal("0")) == rag.GREEN
    assert rag.rag_for(actual=Decimal("1"), direction=rag.LOWER, green=Decimal("0"), red=Decimal("0")) == rag.RED
    assert rag.rag_for(actual=None, direction=rag.HIGHER, green=Decimal("1"), red=Decimal("0")) == rag.NOT_REPORTED
    with pytest.raises(ValueError):
        rag.rag_for(actual=Decimal("1"), direction=rag.HIGHER, green=Decimal("1"), red=Decimal("2"))
    assert rag.thresholds_problem(direction=rag.LOWER, green=Decimal("3"), red=Decimal("1"))
    assert rag.worst([rag.GREEN, rag.RED, rag.AMBER]) == rag.RED
    assert rag.worst([rag.NOT_REPORTED, rag.GREEN]) == rag.GREEN
    assert rag.worst([]) == rag.NOT_REPORTED


def test_values_are_parsed_exactly_in_their_unit():
    assert parse_value("1,250", "count") == Decimal("1250")
    assert parse_value("£250,000.50", "money") == Decimal("250000.50")
    assert parse_value("82.5%", "percentage") == Decimal("82.50")
    assert parse_value("yes", "yes_no") == Decimal("1") and parse_value("No", "yes_no") == Decimal("0")
    assert parse_value("", "count") is None
    for raw, unit in (
        ("12.5", "count"),
        ("-1", "count"),
        ("101", "percentage"),
        ("1.234", "money"),
        ("2", "yes_no"),
        ("lots", "count"),
        ("NaN", "money"),
    ):
        with pytest.raises(DomainError):
            parse_value(raw, unit)
    with pytest.raises(DomainError):
        parse_value(0.1, "money")  # never a float
    assert format_value(Decimal("250000"), "money") == "£250,000.00"
    assert format_value(Decimal("82.50"), "percentage") == "82.50%"
    assert format_value(Decimal("80.00"), "percentage") == "80%"
    assert format_value(Decimal("1"), "yes_no") == "Yes"
    assert format_value(None, "count") == "—"
