"""Each return reminder goes out exactly once -- proved with the real Redis broker and a real Celery worker: the same
task delivered twice, a retry after a partial run, and two beats enqueuing the sweep at the same moment."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core import mail

from core import notifications
from monitoring.tasks import send_return_reminders
from tests.celery_support import wait_for
from tests.monitoring.test_reminders import EXPECTED_KEYS, REMINDER_DAY, reminder_world
from tests.reminder_support import Sent, failing_on_third_call, overlapping

pytestmark = [pytest.mark.celery, pytest.mark.xdist_group("celery")]

TASK = "monitoring.tasks.send_return_reminders"
DAY = REMINDER_DAY.isoformat()


@pytest.fixture
def contracts(transactional_db, world, settings):
    # One notification per batch, so a sweep makes several batches: one can fail, or two sweeps meet, in between.
    settings.JOINTLY_NOTIFY_BATCH_SIZE = 1
    made = reminder_world(world)
    mail.outbox.clear()
    return made


SENT = Sent(prefix="return:", expected=EXPECTED_KEYS)


def test_same_task_delivered_twice_sends_once(contracts, celery_worker, task_runs):
    send_return_reminders.apply_async(args=[DAY], task_id="return-reminders-twice")
    send_return_reminders.apply_async(args=[DAY], task_id="return-reminders-twice")
    wait_for(lambda: task_runs.by_id["return-reminders-twice"] >= 2, what="both deliveries to run")
    SENT.wait_until_delivered()
    SENT.assert_each_reminder_once()


def test_a_retried_task_sends_each_reminder_once(contracts, celery_worker, task_runs):
    """The first attempt fails half way, after some reminders were committed; Celery retries it."""
    flaky_notify = failing_on_third_call(notifications.notify_batch, "mail relay went away")

    with mock.patch.object(notifications, "notify_batch", flaky_notify):
        send_return_reminders.apply_async(args=[DAY], task_id="return-reminders-retried")
        wait_for(
            lambda: any(s == "SUCCESS" for name, _, s in task_runs.states if name == TASK),
            what="the retried task to succeed",
        )
    assert [s for name, _, s in task_runs.states if name == TASK] == ["RETRY", "SUCCESS"]
    SENT.wait_until_delivered()
    SENT.assert_each_reminder_once()


def test_two_beats_at_once_send_each_reminder_once(contracts, celery_worker, task_runs):
    """Two beats enqueue the same sweep at the same moment; the worker runs both at once (two threads), made to
    overlap inside the same step."""
    slow_notify, met = overlapping(notifications.notify_batch)

    with mock.patch.object(notifications, "notify_batch", slow_notify):
        first = send_return_reminders.apply_async(args=[DAY])
        second = send_return_reminders.apply_async(args=[DAY])
        assert first.id != second.id
        wait_for(lambda: task_runs.by_name[TASK] >= 2, what="both sweeps to run")
    assert met["both"], "the two sweeps did not overlap"
    SENT.wait_until_delivered()
    SENT.assert_each_reminder_once()
    # and the next hour's beat sends nothing new
    send_return_reminders.apply_async(args=[DAY])
    wait_for(lambda: task_runs.by_name[TASK] >= 3, what="the next sweep")
    SENT.settle(quiet=1.0)
    SENT.assert_each_reminder_once()
