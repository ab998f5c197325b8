"""Pure rules of the Transparency Code export: which quarter a ``YYYY-Qn`` names, the £5,000 threshold, and what
makes a supplier an SME or a VCSE organisation."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from core.errors import DomainError
from core.money import financial_year_label
from partners.models import Organisation

THRESHOLD = Decimal("5000.00")
# The Procurement Act 2023 (s.123) and the Code: fewer than 250 staff, and turnover up to £44 million.
SME_STAFF = 250
SME_TURNOVER = Decimal("44000000.00")
QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


@dataclass(frozen=True)
class Quarter:
    """A quarter of a UK financial year: ``2026-Q1`` is April to June 2026, ``2026-Q4`` January to March 2027."""

    year: int
    number: int

    @property
    def start(self) -> dt.date:
        month = 4 + 3 * (self.number - 1)
        return dt.date(self.year + (month > 12), (month - 1) % 12 + 1, 1)

    @property
    def end(self) -> dt.date:
        nxt = Quarter(self.year + (self.number == 4), self.number % 4 + 1).start
        return nxt - dt.timedelta(days=1)

    @property
    def code(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def label(self) -> str:
        return f"Q{self.number} {financial_year_label(self.year)} ({self.start:%-d %B %Y} to {self.end:%-d %B %Y})"


def parse_quarter(value: str | None) -> Quarter:
    match = QUARTER.match((value or "").strip())
    if not match or not 2000 <= int(match.group(1)) <= 2100:
        raise DomainError(
            "Enter the quarter as a year and quarter number, like 2026-Q1 (April to June 2026)", field="quarter"
        )
    return Quarter(int(match.group(1)), int(match.group(2)))


def quarter_of(day: dt.date) -> Quarter:
    year = day.year if day.month >= 4 else day.year - 1
    return Quarter(year, ((day.month - 4) % 12) // 3 + 1)


def is_vcse(org: Organisation) -> bool:
    return org.is_third_sector


def is_sme(staff: int | None, turnover: Decimal | None) -> bool | None:
    """True or False when the provider's profile says; None when it does not (a voluntary organisation with no
    profile is reported as not known rather than guessed)."""
    if staff is None and turnover is None:
        return None
    return (staff is None or staff < SME_STAFF) and (turnover is None or turnover <= SME_TURNOVER)


def review_date(start: dt.date, end: dt.date, quarter_end: dt.date) -> dt.date:
    """The contract's next annual review after the quarter: the first anniversary of its start after the quarter
    ends, and never after the contract ends."""
    years = max(1, quarter_end.year - start.year)
    for n in range(years, years + 3):
        try:
            anniversary = start.replace(year=start.year + n)
        except ValueError:
            anniversary = start.replace(year=start.year + n, day=28)
        if anniversary > quarter_end:
            return min(anniversary, end)
    return end
