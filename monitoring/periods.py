"""Reporting periods: pure functions from a contract's dates and a frequency to the periods it reports on.

Periods are aligned to the calendar the public sector plans in, so that monthly, quarterly and annual periods nest:

- monthly: calendar months ("April 2026");
- quarterly: UK financial quarters, Q1 April to June ... Q4 January to March ("Q1 2026/27");
- annual: UK financial years, 1 April to 31 March ("2026/27").

The first period starts on the contract's start date and the last ends on its end date (both inclusive), so a
contract starting mid-quarter has a shorter first quarter. A KPI reported less often than the contract's returns is
due in the return whose period ends when the KPI's own period ends.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from core.money import financial_year_label, financial_year_of

MONTHLY = "monthly"
QUARTERLY = "quarterly"
ANNUAL = "annual"
FREQUENCIES = (MONTHLY, QUARTERLY, ANNUAL)
# How many months each period spans (finest first).
MONTHS = {MONTHLY: 1, QUARTERLY: 3, ANNUAL: 12}


@dataclass(frozen=True)
class Period:
    frequency: str
    start: dt.date
    end: dt.date  # inclusive
    label: str

    def due_on(self, days_after: int) -> dt.date:
        """The day a return for this period is due: ``days_after`` days after the period ends."""
        return self.end + dt.timedelta(days=days_after)

    @property
    def key(self) -> str:
        return self.start.isoformat()

    @property
    def is_partial(self) -> bool:
        natural = period_containing(self.start, self.frequency, clip=None)
        return natural.start != self.start or natural.end != self.end

    def has_ended(self, today: dt.date) -> bool:
        return today > self.end


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    return dt.date(day.year + index // 12, index % 12 + 1, 1)


def _natural_start(day: dt.date, frequency: str) -> dt.date:
    if frequency == MONTHLY:
        return dt.date(day.year, day.month, 1)
    if frequency == QUARTERLY:
        # Financial quarters start in April, July, October and January.
        month = ((day.month - 4) % 12) // 3 * 3 + 4
        month = month if month <= 12 else month - 12
        year = day.year if month <= day.month else day.year - 1
        return dt.date(year, month, 1)
    if frequency == ANNUAL:
        return dt.date(financial_year_of(day), 4, 1)
    raise ValueError(f"Unknown frequency {frequency!r}")


def label_for(start: dt.date, frequency: str) -> str:
    """The period's name, from its natural (unclipped) start: "April 2026", "Q1 2026/27", "2026/27"."""
    natural = _natural_start(start, frequency)
    if frequency == MONTHLY:
        return f"{natural:%B %Y}"
    year = financial_year_of(natural)
    if frequency == QUARTERLY:
        quarter = ((natural.month - 4) % 12) // 3 + 1
        return f"Q{quarter} {financial_year_label(year)}"
    return financial_year_label(year)


def period_containing(day: dt.date, frequency: str, *, clip: tuple[dt.date, dt.date] | None = None) -> Period:
    """The period of ``frequency`` containing ``day``, clipped to ``clip`` (the contract's start and end)."""
    start = _natural_start(day, frequency)
    end = _add_months(start, MONTHS[frequency]) - dt.timedelta(days=1)
    label = label_for(start, frequency)
    if clip is not None:
        start, end = max(start, clip[0]), min(end, clip[1])
    return Period(frequency=frequency, start=start, end=end, label=label)


def reporting_periods(start: dt.date, end: dt.date, frequency: str) -> list[Period]:
    """Every period of ``frequency`` from ``start`` to ``end`` (inclusive), the first and last clipped."""
    if frequency not in MONTHS:
        raise ValueError(f"Unknown frequency {frequency!r}")
    return list(_periods(start, end, frequency))


@functools.lru_cache(maxsize=4096)
def _periods(start: dt.date, end: dt.date, frequency: str) -> tuple[Period, ...]:
    """Cached: a portfolio asks for the same contract dates many times (periods are immutable)."""
    periods: list[Period] = []
    day = start
    while day <= end:
        period = period_containing(day, frequency, clip=(start, end))
        periods.append(period)
        day = period.end + dt.timedelta(days=1)
    return tuple(periods)


def is_due_in(kpi_frequency: str, period: Period, *, contract_end: dt.date) -> bool:
    """Whether a KPI reported ``kpi_frequency`` is due in the return for ``period`` (a period of the return
    frequency): when its own period ends on the same day, or the contract ends in this period."""
    if MONTHS[kpi_frequency] < MONTHS[period.frequency]:
        raise ValueError("A KPI cannot be reported more often than the returns it is reported in")
    own = period_containing(period.end, kpi_frequency)
    return own.end == period.end or period.end >= contract_end


def finer_or_equal(a: str, b: str) -> bool:
    """Whether frequency ``a`` is at least as frequent as ``b``."""
    return MONTHS[a] <= MONTHS[b]
