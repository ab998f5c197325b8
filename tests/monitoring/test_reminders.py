"""Reminders before a return is due and when it is overdue: which ones go on which day, each exactly once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from core.models import Notification
from monitoring import periods
from monitoring.returns.reminders import reminder_for, return_reminders_send
from monitoring.tasks import send_return_reminders
from tests.factories.monitoring import debt_advice
from tests.factories.partners import ProviderFactory

D = dt.date


def keys() -> list[str]:
    """The reminders sent (dedupe keys without the per-person suffix ``:u<id>``)."""
    found = Notification.objects.filter(dedupe_key__startswith="return:").values_list("dedupe_key", flat=True)
    return sorted({k.rsplit(":u", 1)[0] for k in found})


def test_reminder_for_picks_the_one_reminder_due_today():
    period = periods.period_containing(D(2026, 8, 1), periods.QUARTERLY)  # Q2 2026/27, due 20 October
    due = period.due_on(20)

    def kind(today, submitted=False):
        r = reminder_for(
            contract=type("C", (), {"pk": 7})(),
            period=period,
            due_on=due,
            today=today,
            reminder_days=[7, 1],
            submitted=submitted,
        )
        return r and (r.kind, r.threshold, r.dedupe_key)

    assert kind(D(2026, 10, 12)) is None
    assert kind(D(2026, 10, 13)) == ("due", 7, "return:7:2026-07-01:due:7")
    assert kind(D(2026, 10, 16)) == ("due", 7, "return:7:2026-07-01:due:7")  # a missed day still reminds, once
    assert kind(D(2026, 10, 19)) == ("due", 1, "return:7:2026-07-01:due:1")
    assert kind(D(2026, 10, 20)) == ("due", 1, "return:7:2026-07-01:due:1")  # due today
    assert kind(D(2026, 10, 21)) == ("overdue", None, "return:7:2026-07-01:overdue")
    assert kind(D(2026, 12, 19)) == ("overdue", None, "return:7:2026-07-01:overdue")
    assert kind(D(2026, 12, 20)) is None  # a long-past backlog is not chased every hour
    assert kind(D(2026, 10, 21), submitted=True) is None


def test_each_reminder_goes_once_across_days_and_repeated_sweeps(debt, world):
    debt.submitted_return(D(2026, 4, 1))  # Q1 2026/27 is in; Q2 2026/27 is not
    mail.outbox.clear()
    assert return_reminders_send(today=D(2026, 10, 13)) == 1
    assert return_reminders_send(today=D(2026, 10, 13)) == 0
    assert return_reminders_send(today=D(2026, 10, 14)) == 0
    assert return_reminders_send(today=D(2026, 10, 19)) == 1
    created = return_reminders_send(today=D(2026, 10, 21))
    assert created == 2  # the provider, and the lead commissioner (overdue)
    assert return_reminders_send(today=D(2026, 10, 22)) == 0
    base = f"return:{debt.contract.pk}:2026-07-01"
    assert keys() == [f"{base}:due:1", f"{base}:due:7", f"{base}:overdue", f"{base}:overdue:lead"]
    to_provider = Notification.objects.filter(recipient=world.bidder, dedupe_key__startswith="return:")
    assert [n.subject for n in to_provider.order_by("created_at", "pk")] == [
        f"Reminder: the Q2 2026/27 return for {debt.contract.title} is due in 7 days",
        f"Reminder: the Q2 2026/27 return for {debt.contract.title} is due in 1 day",
        f"Overdue: the Q2 2026/27 return for {debt.contract.title}",
    ]
    assert Notification.objects.filter(recipient=world.lead_commissioner, subject__startswith="Overdue:").count() == 1


def test_a_submitted_return_stops_its_reminders(debt):
    debt.submitted_return(D(2026, 4, 1))
    debt.submitted_return(D(2026, 7, 1))
    assert return_reminders_send(today=D(2026, 10, 21)) == 0


@pytest.mark.django_db
def test_the_task_runs_as_the_system(debt):
    debt.submitted_return(D(2026, 4, 1))
    assert send_return_reminders.delay(D(2026, 10, 13).isoformat()).get() == 1
    assert send_return_reminders.delay(D(2026, 10, 13).isoformat()).get() == 0


def reminder_world(world):
    """Two contracts with reminders due on 21 October 2026: the debt advice one (quarterly: Q2 overdue) and a
    monthly one with another provider (August and September overdue)."""
    debt = debt_advice(world)
    debt.submitted_return(D(2026, 4, 1))
    other = ProviderFactory(name="Lichfield Money Matters")
    monthly = debt_advice(world, provider=other, return_frequency="monthly", title="Money skills workshops")
    for month in range(4, 8):
        monthly.submitted_return(D(2026, month, 1))
    return debt, monthly


REMINDER_DAY = D(2026, 10, 21)
EXPECTED_KEYS = 6  # three overdue returns, each to the provider and to the lead


def test_the_reminder_world(world):
    reminder_world(world)
    assert return_reminders_send(today=REMINDER_DAY) == EXPECTED_KEYS
    assert len(keys()) == EXPECTED_KEYS
