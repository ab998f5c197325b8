"""The standstill: N working days (8 by default) counted with England and Wales bank holidays."""

from __future__ import annotations

import datetime as dt

import pytest

from procurement.award.standstill import (
    add_working_days,
    bank_holidays_between,
    is_working_day,
    standstill_end,
    standstill_over,
)

D = dt.date


@pytest.mark.parametrize(
    ("sent", "days", "ends", "why"),
    [
        (D(2026, 6, 1), 8, D(2026, 6, 11), "an ordinary fortnight: Monday to the next Thursday but one"),
        (D(2026, 6, 5), 8, D(2026, 6, 17), "sent on a Friday: the weekend does not count"),
        (D(2026, 6, 6), 8, D(2026, 6, 17), "sent on a Saturday: counting starts on Monday"),
        (D(2025, 12, 23), 8, D(2026, 1, 7), "Christmas Day, Boxing Day and New Year's Day skipped"),
        (D(2026, 12, 22), 8, D(2027, 1, 6), "Christmas 2026 falls on a Friday: Boxing Day is moved to Monday 28th"),
        (D(2026, 3, 30), 8, D(2026, 4, 13), "Easter 2026: Good Friday 3 April and Easter Monday 6 April"),
        (D(2025, 4, 15), 8, D(2025, 4, 29), "Easter 2025: Good Friday 18 April and Easter Monday 21 April"),
        (D(2026, 4, 28), 8, D(2026, 5, 11), "the early May bank holiday (4 May 2026)"),
        (D(2026, 5, 20), 8, D(2026, 6, 2), "the spring bank holiday (25 May 2026)"),
        (D(2026, 8, 24), 8, D(2026, 9, 4), "the summer bank holiday (31 August 2026)"),
        (D(2026, 6, 1), 10, D(2026, 6, 15), "a standstill of 10 working days"),
    ],
)
def test_standstill_end(sent, days, ends, why):
    assert standstill_end(sent, days) == ends, why


def test_bank_holidays_are_england_and_wales():
    assert not is_working_day(D(2026, 4, 3))  # Good Friday
    assert not is_working_day(D(2026, 4, 6))  # Easter Monday (not a bank holiday in Scotland)
    assert is_working_day(D(2026, 1, 2))  # 2 January is a holiday in Scotland only
    assert is_working_day(D(2026, 11, 30))  # St Andrew's Day: Scotland only
    assert not is_working_day(D(2026, 12, 28))  # substitute Boxing Day


def test_the_contract_can_be_signed_only_the_day_after_the_standstill_ends():
    ends = standstill_end(D(2025, 12, 23))
    assert not standstill_over(ends, ends)
    assert standstill_over(ends, ends + dt.timedelta(days=1))


def test_holidays_in_the_period_are_named():
    names = [name for _, name in bank_holidays_between(D(2025, 12, 23), D(2026, 1, 7))]
    assert names == ["Christmas Day", "Boxing Day", "New Year's Day"]


def test_bad_lengths_are_refused():
    with pytest.raises(ValueError):
        standstill_end(D(2026, 6, 1), 0)
    with pytest.raises(ValueError):
        add_working_days(D(2026, 6, 1), -1)
