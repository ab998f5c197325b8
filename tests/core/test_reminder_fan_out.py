"""Reminders in bulk (``core.notifications.fan_out``): a sweep that tells thousands of people makes their
notifications in batches, one insert and one delivery task per batch, and each person still gets each reminder once:
proved on the real Redis broker with a real Celery worker, two beats sending the same sweep at the same moment."""

from __future__ import annotations

import time
from collections import Counter

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchmarks.fanout_data import REMINDER_DAY, build_fanout
from core import notifications
from core.models import Notification, OutboxEntry
from core.notifications import Message, fan_out, notify
from core.tenancy import unscoped
from monitoring.returns.reminders import return_reminders_send
from monitoring.tasks import send_return_reminders
from tests import celery_support
from tests.celery_support import wait_for

# The real worker's fixtures (tests/core has no conftest of its own to import them into).
celery_queue = celery_support.celery_queue
celery_worker = celery_support.celery_worker
task_runs = celery_support.task_runs

DELIVER = "core.tasks.deliver_notification_emails"


def _inserts(ctx: CaptureQueriesContext) -> int:
    return sum(1 for q in ctx.captured_queries if q["sql"].startswith('INSERT INTO "core_notification"'))


def _deliveries() -> list[OutboxEntry]:
    return list(OutboxEntry.objects.filter(task_name=DELIVER).order_by("pk"))


def test_a_sweep_makes_one_insert_and_one_delivery_task_per_batch(world, settings):
    """250 messages at 100 a batch: three inserts, three delivery tasks, every id in exactly one of them."""
    settings.JOINTLY_NOTIFY_BATCH_SIZE = 100
    people = [world.lead_commissioner, world.county_admin, world.finance_officer, world.board_member, world.bidder]
    batch = [
        Message(recipient_id=p.pk, subject=f"Reminder {n}", organisation_id=world.provider.pk, dedupe_key=f"t:{n}")
        for n in range(50)
        for p in people
    ]
    with CaptureQueriesContext(connection) as ctx:
        assert fan_out(batch) == 250
    assert _inserts(ctx) == 3
    deliveries = _deliveries()
    assert [len(e.args[0]) for e in deliveries] == [100, 100, 50]
    with unscoped(reason="the test reads every notification"):
        made = set(Notification.objects.filter(dedupe_key__startswith="t:").values_list("pk", flat=True))
    assert sorted(pk for e in deliveries for pk in e.args[0]) == sorted(made)


def test_a_second_sweep_and_notify_itself_make_nothing_already_made(world):
    """The person's key is the reminder's key plus ``:u<id>``, as ``notify`` makes it: either path sends it once,
    a repeated sweep creates nothing and enqueues no delivery, and a key twice in one batch is made once."""
    ravi = world.lead_commissioner
    first = Message(recipient_id=ravi.pk, subject="Overdue: the Q2 return", dedupe_key="return:1:2026-07-01:overdue")
    assert fan_out([first, first]) == 1
    before = len(_deliveries())
    assert fan_out([first]) == 0
    assert len(_deliveries()) == before
    assert notify(recipients=[ravi], subject="Overdue: the Q2 return", dedupe_key="return:1:2026-07-01:overdue") == []
    notify(recipients=[world.bidder], subject="Papers ready", dedupe_key="board-meeting:9:papers")
    again = notifications.messages(
        [world.bidder, world.bidder], subject="Papers ready", dedupe_key="board-meeting:9:papers"
    )
    assert len(again) == 1 and fan_out(again) == 0
    with unscoped(reason="the test reads every notification"):
        made = Notification.objects.get(dedupe_key=f"return:1:2026-07-01:overdue:u{ravi.pk}")
    assert (made.subject, made.recipient_id, made.email, made.emailed_at) == (
        "Overdue: the Q2 return",
        ravi.pk,
        True,
        None,
    )


@pytest.mark.parametrize("contracts", [4, 40])
def test_the_return_reminder_sweep_runs_the_same_queries_for_4_or_40_contracts(db, contracts, settings):
    """The sweep reads contracts, returns and people once, whatever the number of contracts: no query per reminder."""
    settings.JOINTLY_NOTIFY_BATCH_SIZE = 10_000
    world = build_fanout(contracts=contracts, providers=2, people_per_provider=3)
    with CaptureQueriesContext(connection) as ctx:
        assert return_reminders_send(today=REMINDER_DAY) == world.reminders
    # kpi sets, contracts, submitted returns, provider people, lead people; the insert; the outbox entry
    assert len(ctx.captured_queries) <= 12, [q["sql"][:120] for q in ctx.captured_queries]
    assert _inserts(ctx) == 1


@pytest.mark.celery
@pytest.mark.xdist_group("celery")
def test_three_thousand_reminders_reach_everyone_once_on_a_real_worker(transactional_db, celery_worker, task_runs):
    """Fanshire's 150 advice contracts each have their Q2 return overdue: the sweep tells the provider's 19 bid
    writers and the lead contact, 3,000 reminders. Two beats send the sweep at the same moment; every reminder is
    emailed exactly once, in batches of 1,000 (three delivery tasks, not 3,000)."""
    world = build_fanout(contracts=150, providers=15, people_per_provider=19)
    assert world.reminders == 3000
    mail.outbox.clear()
    started = time.monotonic()
    send_return_reminders.apply_async(args=[REMINDER_DAY.isoformat()])
    send_return_reminders.apply_async(args=[REMINDER_DAY.isoformat()])  # a second beat, by mistake
    wait_for(
        lambda: task_runs.by_name["monitoring.tasks.send_return_reminders"] >= 2,
        timeout=120,
        what="both sweeps to run",
    )
    wait_for(
        lambda: len(mail.outbox) >= world.reminders,
        timeout=180,
        what=lambda: f"{world.reminders} emails (have {len(mail.outbox)})",
    )
    elapsed = time.monotonic() - started
    time.sleep(1.5)  # nothing more is coming
    ids = Counter(m.extra_headers["Message-ID"] for m in mail.outbox)
    assert len(ids) == world.reminders and set(ids.values()) == {1}, "an email went twice"
    people = Counter((tuple(m.to), m.subject) for m in mail.outbox)
    assert set(people.values()) == {1}
    with unscoped(reason="the test reads every notification the sweep made"):
        made = Notification.objects.filter(dedupe_key__startswith="return:")
        assert made.count() == world.reminders
        assert not made.filter(emailed_at__isnull=True).exists()
    assert len(_deliveries()) == 3  # one per batch of 1,000, however many sweeps ran
    assert task_runs.by_name[DELIVER] == 3
    assert elapsed < 120, f"{elapsed:.0f} s"
