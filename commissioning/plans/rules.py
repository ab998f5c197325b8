"""Pure checks on forward plans: what a plan must have, who may change it, and where plans overlap."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from commissioning.plans.models import HORIZON_MONTHS, ForwardPlan
from commissioning.service_map.models import MappedContract
from core.actors import Actor
from core.money import money
from partners.models import Role

MAX_WINDOW_MONTHS = 24


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months, clamped to the month's last day (31 Jan + 1 month is 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def within_months(a: dt.date, b: dt.date, months: int) -> bool:
    """Are the two dates no more than ``months`` whole months apart (either way)?"""
    first, last = min(a, b), max(a, b)
    return last <= add_months(first, months)


def plan_problems(
    *,
    title: str,
    estimated_value: Decimal | None,
    procurement_date: dt.date | None,
    start_date: dt.date | None,
    today: dt.date,
) -> dict[str, list[str]]:
    """What is wrong with a plan's details, by field (empty when nothing)."""
    problems: dict[str, list[str]] = {}
    if not (title or "").strip():
        problems["title"] = ["Enter a title"]
    if estimated_value is None or estimated_value < 0:
        problems["estimated_value"] = ["Enter the estimated value in pounds and pence"]
    if procurement_date is None:
        problems["procurement_date"] = ["Enter the planned procurement date"]
    elif procurement_date > add_months(today, HORIZON_MONTHS):
        problems["procurement_date"] = [
            f"A forward plan looks {HORIZON_MONTHS} months ahead: plan a date before "
            f"{add_months(today, HORIZON_MONTHS):%d %B %Y}"
        ]
    if start_date is None:
        problems["start_date"] = ["Enter the planned start date"]
    elif procurement_date is not None and start_date < procurement_date:
        problems["start_date"] = ["The service cannot start before procurement does"]
    return problems


def may_edit(plan: ForwardPlan, by: Actor) -> bool:
    """A partner edits only its own plans (its commissioners)."""
    return by.organisation is not None and by.organisation.pk == plan.organisation_id and by.has_role(Role.COMMISSIONER)


def window_problems(months: int | None) -> list[str]:
    if months is None or not 1 <= months <= MAX_WINDOW_MONTHS:
        return [f"Choose a window from 1 to {MAX_WINDOW_MONTHS} months"]
    return []


@dataclass
class Overlap:
    """Plans in one service area within the window of each other, or a plan near a partner's contract that ends."""

    service_area_id: int
    service_area_name: str
    plans: list[ForwardPlan] = field(default_factory=list)
    contracts: list[MappedContract] = field(default_factory=list)

    @property
    def combined_value(self) -> Decimal:
        """The plans' estimated values added up (the contracts' annual values are shown beside, not added)."""
        return money(sum((p.estimated_value for p in self.plans), Decimal("0")))

    @property
    def contracts_annual_value(self) -> Decimal:
        return money(sum((c.annual_value for c in self.contracts), Decimal("0")))

    @property
    def organisation_ids(self) -> list[int]:
        ids = {p.organisation_id for p in self.plans} | {c.funder_id for c in self.contracts}
        return sorted(ids)

    @property
    def startable(self) -> bool:
        """Nothing in it is already linked to a joint commission."""
        return all(p.commission_id is None for p in self.plans)

    @property
    def key(self) -> str:
        return ",".join(str(p.pk) for p in self.plans) + ("|" + ",".join(str(c.pk) for c in self.contracts))


def find_overlaps(
    plans: Sequence[ForwardPlan], contracts: Iterable[MappedContract], *, months: int, today: dt.date
) -> list[Overlap]:
    """The overlaps among ``plans`` (active ones count): in each service area, plans of at least two partners whose
    procurement dates lie within ``months`` of one another (linked in a chain), together with other partners'
    contracts there that end within ``months`` of a plan's start and have not ended yet. A single partner's plan
    near another partner's ending contract is an overlap too."""
    active = [p for p in plans if p.is_active]
    by_area: dict[int, list[ForwardPlan]] = {}
    for p in active:
        by_area.setdefault(p.service_area_id, []).append(p)
    ending: dict[int, list[MappedContract]] = {}
    for c in contracts:
        if c.end_date >= today:
            ending.setdefault(c.service_area_id, []).append(c)
    found: list[Overlap] = []
    for area_id, area_plans in by_area.items():
        area_plans.sort(key=lambda p: (p.procurement_date, p.pk))
        groups: list[list[ForwardPlan]] = []
        for p in area_plans:
            # single linkage: a plan joins the group it is within the window of (dates are sorted)
            if groups and within_months(groups[-1][-1].procurement_date, p.procurement_date, months):
                groups[-1].append(p)
            else:
                groups.append([p])
        for group in groups:
            near = [
                c
                for c in ending.get(area_id, [])
                if any(
                    c.funder_id != p.organisation_id and within_months(c.end_date, p.start_date, months) for p in group
                )
            ]
            partners = {p.organisation_id for p in group}
            if len(partners) >= 2 or near:
                area = group[0].service_area
                near.sort(key=lambda c: (c.end_date, c.pk))
                found.append(Overlap(area_id, area.name, plans=group, contracts=near))
    found.sort(key=lambda o: (o.plans[0].procurement_date, o.service_area_name))
    return found
