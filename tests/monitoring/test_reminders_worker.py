"""Each return reminder goes out exactly once -- proved with the real Redis broker and a real Celery worker: the same
task delivered twice, a retry after a partial run, and two beats enqueuing the sweep at the same moment."""

from __future__ import annotations

import threading
import time
from unittest import mock

import pytest
from django.core import mail

from core.models import Notification
from core.tenancy import unscoped
from monitoring import people
from monitoring.tasks import send_return_reminders
from tests.celery_support import settle, wait_for
from tests.monitoring.test_reminders import EXPECTED_KEYS, REMINDER_DAY, reminder_world

pytestmark = [pytest.mark.celery, pytest.mark.xdist_group("celery")]

TASK = "monitoring.tasks.send_return_reminders"
DAY = REMINDER_DAY.isoformat()


@pytest.fixture
def contracts(transactional_db, world):
    made = reminder_world(world)
    mail.outbox.clear()
    return made


def notifications() -> list[tuple[str, int]]:
    with unscoped(reason="the test reads every notification the sweep sent"):
        return sorted(
            Notification.objects.filter(dedupe_key__startswith="return:").values_list("dedupe_key", "recipient_id")
        )


def emails() -> list[tuple[str, tuple[str, ...]]]:
    return sorted((m.subject, tuple(m.to)) for m in mail.outbox if m.subject.startswith(("Reminder:", "Overdue:")))


def wait_until_delivered(expected: int) -> None:
    wait_for(lambda: len(notifications()) >= expected, what=f"{expected} notifications")
    wait_for(lambda: len(emails()) >= expected, what=f"{expected} emails")
    settle(lambda: (len(notifications()), len(emails())), quiet=1.5)


def assert_each_reminder_once() -> None:
    keys = notifications()
    assert len(keys) == EXPECTED_KEYS and len(set(keys)) == EXPECTED_KEYS
    sent = emails()
    assert len(sent) == EXPECTED_KEYS, sent
    assert len(set(sent)) == EXPECTED_KEYS


def test_same_task_delivered_twice_sends_once(contracts, celery_worker, task_runs):
    send_return_reminders.apply_async(args=[DAY], task_id="return-reminders-twice")
    send_return_reminders.apply_async(args=[DAY], task_id="return-reminders-twice")
    wait_for(lambda: task_runs.by_id["return-reminders-twice"] >= 2, what="both deliveries to run")
    wait_until_delivered(EXPECTED_KEYS)
    assert_each_reminder_once()


def test_a_retried_task_sends_each_reminder_once(contracts, celery_worker, task_runs):
    """The first attempt fails half way, after some reminders were committed; Celery retries it."""
    real_notify = people.notify
    calls = {"n": 0}

    def flaky_notify(**kwargs):
        calls["n"] += 1
        created = real_notify(**kwargs)
        if calls["n"] == 3:
            raise OSError("mail relay went away")  # retryable, after this reminder's work is saved
        return created

    with mock.patch.object(people, "notify", flaky_notify):
        send_return_reminders.apply_async(args=[DAY], task_id="return-reminders-retried")
        wait_for(
            lambda: any(s == "SUCCESS" for name, _, s in task_runs.states if name == TASK),
            what="the retried task to succeed",
        )
    assert [s for name, _, s in task_runs.states if name == TASK] == ["RETRY", "SUCCESS"]
    wait_until_delivered(EXPECTED_KEYS)
    assert_each_reminder_once()


def test_two_beats_at_once_send_each_reminder_once(contracts, celery_worker, task_runs):
    """Two beats enqueue the same sweep at the same moment; the worker runs both at once (two threads), made to
    overlap inside the same step."""
    real_notify = people.notify
    inside = threading.Barrier(2, timeout=10)
    met = {"both": False}

    def slow_notify(**kwargs):
        if not met["both"]:
            try:
                inside.wait()
                met["both"] = True
            except threading.BrokenBarrierError:
                pass
        time.sleep(0.05)
        return real_notify(**kwargs)

    with mock.patch.object(people, "notify", slow_notify):
        first = send_return_reminders.apply_async(args=[DAY])
        second = send_return_reminders.apply_async(args=[DAY])
        assert first.id != second.id
        wait_for(lambda: task_runs.by_name[TASK] >= 2, what="both sweeps to run")
    assert met["both"], "the two sweeps did not overlap"
    wait_until_delivered(EXPECTED_KEYS)
    assert_each_reminder_once()
    # and the next hour's beat sends nothing new
    send_return_reminders.apply_async(args=[DAY])
    wait_for(lambda: task_runs.by_name[TASK] >= 3, what="the next sweep")
    settle(lambda: (len(notifications()), len(emails())), quiet=1.0)
    assert_each_reminder_once()
