"""Reminders to providers before each return is due and when it is overdue, each sent exactly once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.utils import timezone

from core.notifications import Message, fan_out, messages
from core.tenancy import unscoped
from monitoring import periods
from monitoring.kpis.models import KpiSet, KpiSetStatus
from monitoring.kpis.selectors import contract_periods
from monitoring.people import contract_url, people_by_organisation
from monitoring.returns.models import KpiReturn, ReturnStatus
from monitoring.reviews.models import ReviewStatus
from partners.models import Role, User
from procurement.award.models import Contract

# Overdue reminders go for returns that fell due within this many days (not for a long-past backlog).
OVERDUE_WINDOW_DAYS = 60


@dataclass(frozen=True)
class ReturnReminder:
    contract: Contract
    period: periods.Period
    due_on: dt.date
    kind: str  # "due" or "overdue"
    threshold: int | None
    days_left: int

    @property
    def dedupe_key(self) -> str:
        base = f"return:{self.contract.pk}:{self.period.start.isoformat()}"
        return f"{base}:overdue" if self.kind == "overdue" else f"{base}:due:{self.threshold}"


def reminder_for(
    *,
    contract: Contract,
    period: periods.Period,
    due_on: dt.date,
    today: dt.date,
    reminder_days: Sequence[int],
    submitted: bool,
) -> ReturnReminder | None:
    """The one reminder a period's return is due today, if any: overdue once the due date has passed (within the
    window); otherwise the most urgent threshold reached (so a reminder missed on its day still goes, and only the
    latest is sent)."""
    if submitted:
        return None
    days_left = (due_on - today).days
    if days_left < 0:
        if -days_left > OVERDUE_WINDOW_DAYS:
            return None
        return ReturnReminder(contract, period, due_on, "overdue", None, days_left)
    reached = [d for d in reminder_days if days_left <= d]
    if not reached:
        return None
    return ReturnReminder(contract, period, due_on, "due", min(reached), days_left)


def _reminder_text(r: ReturnReminder) -> tuple[str, str]:
    contract = r.contract
    if r.kind == "overdue":
        late = -r.days_left
        return (
            f"Overdue: the {r.period.label} return for {contract.title}",
            f"The return for {r.period.label} was due on {r.due_on:%-d %B %Y} ({late} day{'s' if late != 1 else ''} "
            f"ago). Please submit it, or tell {contract.commission.lead} if you need help.",
        )
    when = "today" if r.days_left == 0 else f"in {r.days_left} day{'s' if r.days_left != 1 else ''}"
    return (
        f"Reminder: the {r.period.label} return for {contract.title} is due {when}",
        f"The return for {r.period.label} is due on {r.due_on:%-d %B %Y}.",
    )


def return_reminders_send(*, today: dt.date | None = None) -> int:
    """Remind providers before each return is due and when it is overdue (the lead too, when overdue), each reminder
    exactly once: the dedupe key (contract, period, kind, threshold) and the notifications' unique constraint make
    retries, restarted workers and duplicate beats harmless. The notifications are made in batches
    (``core.notifications.fan_out``), the people read once for every contract. Returns how many were created."""
    today = today or timezone.localdate()
    with unscoped(reason="return reminders go to every provider with a return due"):
        due = _due_reminders(today)
        contracts = [r.contract for r in due]
        providers = people_by_organisation({c.provider_id for c in contracts}, Role.BIDDER, Role.ORG_ADMIN)
        commissioners = people_by_organisation(
            {c.commission.lead_id for c in contracts if not _active_contact(c)}, Role.COMMISSIONER
        )
        return fan_out(_messages(due, providers, commissioners))


def _active_contact(contract: Contract) -> User | None:
    contact = contract.commission.lead_contact
    return contact if contact is not None and contact.is_active else None


def _due_reminders(today: dt.date) -> list[ReturnReminder]:
    sets: dict[int, list[KpiSet]] = {}
    for s in KpiSet.objects.filter(status=KpiSetStatus.AGREED):
        sets.setdefault(s.commission_id, []).append(s)
    horizon = today - dt.timedelta(days=OVERDUE_WINDOW_DAYS + 120)
    contracts = (
        Contract.objects.filter(commission_id__in=list(sets), end_date__gte=horizon)
        .exclude(end_review__status=ReviewStatus.CLOSED)
        .select_related("commission__lead", "commission__lead_contact", "provider")
        .order_by("pk")
    )
    submitted = {
        (c, s)
        for c, s in KpiReturn.objects.filter(contract__in=contracts)
        .exclude(status=ReturnStatus.DRAFT)
        .values_list("contract_id", "period_start")
    }
    due: list[ReturnReminder] = []
    for contract in contracts:
        candidates = sets[contract.commission_id]
        own = [s for s in candidates if s.lot_id is not None and s.lot_id == contract.lot_id]
        wide = [s for s in candidates if s.lot_id is None]
        kpi_set = own[0] if own else (wide[0] if wide else None)
        if kpi_set is None:
            continue
        for period in contract_periods(contract, kpi_set):
            r = reminder_for(
                contract=contract,
                period=period,
                due_on=period.due_on(kpi_set.return_due_days),
                today=today,
                reminder_days=kpi_set.reminder_days,
                submitted=(contract.pk, period.start) in submitted,
            )
            if r is not None:
                due.append(r)
    return due


def _messages(
    due: list[ReturnReminder], providers: dict[int, list[User]], commissioners: dict[int, list[User]]
) -> Iterator[Message]:
    for r in due:
        contract, commission = r.contract, r.contract.commission
        subject, body = _reminder_text(r)
        url = contract_url(contract)
        yield from messages(
            providers.get(contract.provider_id, []),
            subject=subject,
            body=body,
            url=url,
            organisation_id=contract.provider_id,
            dedupe_key=r.dedupe_key,
        )
        if r.kind == "overdue":
            contact = _active_contact(contract)
            # The commission's lead contact, else its lead organisation's commissioners (``people.lead_people``).
            leads = [contact] if contact is not None else commissioners.get(commission.lead_id, [])
            yield from messages(
                leads,
                subject=subject,
                body=body,
                url=url,
                organisation_id=commission.lead_id,
                dedupe_key=f"{r.dedupe_key}:lead",
            )
