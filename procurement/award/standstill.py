"""Working days and the standstill period, counted with the bank holidays of England and Wales.

Pure functions: no database, no clock. The standstill starts the day award letters are sent; that day does not
count. It ends at the end of the Nth working day after it (Monday to Friday, not a bank holiday in England and
Wales). The contract may be signed from the day after the standstill ends.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays

DEFAULT_STANDSTILL_DAYS = 8


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[dt.date]:
    # England and Wales share their bank holidays; the "ENG" subdivision holds them.
    return frozenset(holidays.UK(subdiv="ENG", years=year).keys())


def is_bank_holiday(day: dt.date) -> bool:
    return day in _bank_holidays(day.year)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and not is_bank_holiday(day)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The ``days``-th working day after ``start`` (``start`` itself never counts)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def standstill_end(letters_sent_on: dt.date, days: int = DEFAULT_STANDSTILL_DAYS) -> dt.date:
    """The last day of the standstill: it ends at the end of this day."""
    if days < 1:
        raise ValueError("A standstill lasts at least one working day")
    return add_working_days(letters_sent_on, days)


def standstill_over(ends_on: dt.date, today: dt.date) -> bool:
    return today > ends_on


def bank_holidays_between(start: dt.date, end: dt.date) -> list[tuple[dt.date, str]]:
    """The bank holidays from ``start`` to ``end`` inclusive, with their names (for showing the count)."""
    out: list[tuple[dt.date, str]] = []
    for year in range(start.year, end.year + 1):
        for day, name in sorted(holidays.UK(subdiv="ENG", years=year).items()):
            if start <= day <= end:
                out.append((day, name))
    return out
