"""Pure checks and sums (read, never write): a grant's shares, its schedule and what each payment takes from whom.

Money is pence-exact. The rule that accounts for every penny: an instalment is attributed to the partners in
proportion to what each has still to pay of its share (largest remainder, ``procurement.evaluation.scoring.
scale_to``), so the last instalment takes exactly what is left; whatever the order instalments are paid in, each
instalment's parts add up to it and each partner's parts add up to its share of the award.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from core.errors import DomainError
from core.money import format_gbp, money
from grants.applications.models import ApplicationStatus, GrantApplication
from grants.payments.models import MAX_INSTALMENTS
from procurement.evaluation.scoring import scale_to

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class PlannedInstalment:
    amount: Decimal
    due_on: dt.date


def award_shares(contributions: Mapping[int, Decimal], award: Decimal) -> dict[int, Decimal]:
    """Each partner's share of ``award``, in proportion to its confirmed contribution to the programme, in whole
    pennies adding up exactly to the award. Refuses when the partners have confirmed less than the award."""
    funded = {k: money(v) for k, v in contributions.items() if v > 0}
    available = money(sum(funded.values(), ZERO))
    if not funded:
        raise DomainError("The partners have confirmed no money for this programme yet", field="amount")
    if award > available:
        raise DomainError(
            f"The partners have confirmed {format_gbp(available)}, less than the {format_gbp(award)} awarded",
            field="amount",
        )
    return scale_to(funded, money(award))


def attribute(remaining: Mapping[int, Decimal], amount: Decimal) -> dict[int, Decimal]:
    """What each partner pays of an instalment of ``amount``: in proportion to what each has still to pay, to the
    penny. Paying the whole remainder takes exactly each partner's remainder."""
    left = money(sum(remaining.values(), ZERO))
    if amount > left:
        raise DomainError(f"Only {format_gbp(left)} of the award is left to pay, not {format_gbp(amount)}")
    return scale_to(dict(remaining), money(amount))


def remaining(shares: Mapping[int, Decimal], paid_parts: Iterable[tuple[int, Decimal]]) -> dict[int, Decimal]:
    """Each partner's share less what its money has already paid."""
    out = {k: money(v) for k, v in shares.items()}
    for organisation_id, part in paid_parts:
        out[organisation_id] = money(out.get(organisation_id, ZERO) - part)
    return out


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def suggest_schedule(award: Decimal, count: int, first_due: dt.date, months_apart: int = 6) -> list[PlannedInstalment]:
    """``count`` instalments as equal as pennies allow (the first ones take the odd pennies), ``months_apart``."""
    pennies = int(money(award) * 100)
    base, odd = divmod(pennies, count)
    return [
        PlannedInstalment(money(Decimal(base + (1 if i < odd else 0)) / 100), add_months(first_due, i * months_apart))
        for i in range(count)
    ]


def schedule_problems(award: Decimal, paid: Decimal, planned: Sequence[PlannedInstalment]) -> dict[str, list[str]]:
    """What is wrong with a schedule for the unpaid part of an award (``paid`` is what was already paid)."""
    problems: dict[str, list[str]] = {}
    if not planned:
        problems["instalments"] = ["Add at least one instalment"]
        return problems
    if len(planned) > MAX_INSTALMENTS:
        problems["instalments"] = [f"A grant has at most {MAX_INSTALMENTS} instalments"]
    for row in planned:
        if row.amount <= 0:
            problems.setdefault("instalments", []).append("Each instalment must be more than £0.00")
            break
    total = money(sum((r.amount for r in planned), ZERO) + paid)
    if total != money(award):
        already = f" with the {format_gbp(paid)} already paid" if paid else ""
        problems.setdefault("instalments", []).append(
            f"The instalments add up to {format_gbp(total)}{already}: they must add up exactly to the "
            f"{format_gbp(award)} awarded ({format_gbp(money(award) - total)} difference)"
        )
    return problems


def grant_payable_problems(application: GrantApplication) -> list[str]:
    """Why a grant cannot have a payment schedule or be paid now (an accepted grant can)."""
    if application.status != ApplicationStatus.ACCEPTED:
        return [f"The grant is {application.get_status_display().lower()}: only an accepted grant is paid"]
    if application.amount_awarded is None or application.amount_awarded <= 0:
        return ["The grant has no amount awarded"]
    return []


def is_lead(application: GrantApplication, by: Any) -> bool:
    organisation = getattr(by, "organisation", None)
    return organisation is not None and application.programme.commission.lead_id == organisation.pk
