"""Each stage reminder goes out exactly once -- proved with the real Redis broker and a real Celery worker: a task
delivered twice (a retry after a partial run), two beats enqueuing the sweep at the same moment, and a worker
restarted between attempts."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core import mail

from commissioning.tasks import send_stage_reminders
from core import notifications
from tests.celery_support import running_worker, wait_for
from tests.commissioning.test_timetable import EXPECTED_KEYS, TODAY, reminder_stages
from tests.factories.commissioning import lichfield_example
from tests.reminder_support import Sent, failing_on_third_call, overlapping

pytestmark = [pytest.mark.celery, pytest.mark.xdist_group("celery")]

TASK = "commissioning.tasks.send_stage_reminders"


@pytest.fixture
def stages(transactional_db, world, settings):
    # One notification per batch, so a sweep makes several batches: one can fail, or two sweeps meet, in between.
    settings.JOINTLY_NOTIFY_BATCH_SIZE = 1
    made = reminder_stages(lichfield_example(world))
    mail.outbox.clear()  # invitations and the like, sent while setting up
    return made


SENT = Sent(prefix="stage:", expected=EXPECTED_KEYS)


def test_same_task_delivered_twice_sends_once(stages, celery_worker, task_runs):
    """The broker redelivers a task (acks-late after a lost ack): the same task id runs twice."""
    send_stage_reminders.apply_async(args=[TODAY.isoformat()], task_id="reminders-2027-01-10")
    send_stage_reminders.apply_async(args=[TODAY.isoformat()], task_id="reminders-2027-01-10")
    wait_for(lambda: task_runs.by_id["reminders-2027-01-10"] >= 2, what="both deliveries to run")
    SENT.wait_until_delivered()
    SENT.assert_each_reminder_once()


def test_a_retry_after_a_partial_run_sends_once(stages, celery_worker, task_runs):
    """The first attempt fails half way (after some reminders were committed); Celery retries it."""
    flaky_notify = failing_on_third_call(notifications.notify_batch, "mail relay went away")

    with mock.patch.object(notifications, "notify_batch", flaky_notify):
        send_stage_reminders.apply_async(args=[TODAY.isoformat()], task_id="reminders-retried")
        wait_for(
            lambda: any(s == "SUCCESS" for name, _, s in task_runs.states if name == TASK),
            what="the retried task to succeed",
        )
    states = [s for name, _, s in task_runs.states if name == TASK]
    assert states == ["RETRY", "SUCCESS"]
    SENT.wait_until_delivered()
    SENT.assert_each_reminder_once()


def test_two_beats_enqueue_the_sweep_at_once_and_each_reminder_goes_once(stages, celery_worker, task_runs):
    """Two beat processes (a misconfigured deployment) enqueue the same sweep at the same moment; the worker runs
    both concurrently (two threads), each made slower so that they overlap."""
    slow_notify, met = overlapping(notifications.notify_batch)

    with mock.patch.object(notifications, "notify_batch", slow_notify):
        first = send_stage_reminders.apply_async(args=[TODAY.isoformat()])
        second = send_stage_reminders.apply_async(args=[TODAY.isoformat()])
        assert first.id != second.id
        wait_for(lambda: task_runs.by_name[TASK] >= 2, what="both sweeps to run")
    assert met["both"], "the two sweeps did not overlap"
    SENT.wait_until_delivered()
    SENT.assert_each_reminder_once()


def test_worker_restarted_between_attempts_sends_once(stages, celery_queue, task_runs):
    """Attempt 1 runs on one worker and fails half way; that worker stops before the retry runs; a new worker
    picks the retry up from Redis and finishes the job."""
    # The third batch fails after it was saved: three reminders are made, the rest wait for the retry.
    failing_once = failing_on_third_call(notifications.notify_batch, "worker about to be restarted")

    # The retry is due 3 seconds later (not Celery's random 0-1 s), so the first worker is gone before it is due.
    with (
        mock.patch.object(notifications, "notify_batch", failing_once),
        mock.patch("celery.app.autoretry.get_exponential_backoff_interval", return_value=3),
    ):
        with running_worker(queue=celery_queue):
            send_stage_reminders.apply_async(args=[TODAY.isoformat()], task_id="reminders-restarted")
            wait_for(
                lambda: "RETRY" in [s for n, _, s in task_runs.states if n == TASK], what="the first attempt to fail"
            )
        assert [s for n, _, s in task_runs.states if n == TASK] == [
            "RETRY"
        ]  # the first worker stopped before the retry
        partial = len(SENT.notifications())
        assert 0 < partial < EXPECTED_KEYS
        with running_worker(queue=celery_queue):
            wait_for(
                lambda: any(s == "SUCCESS" for n, _, s in task_runs.states if n == TASK),
                timeout=60,
                what="the restarted worker to finish the retry",
            )
            SENT.wait_until_delivered()
    assert [s for n, _, s in task_runs.states if n == TASK] == ["RETRY", "SUCCESS"]
    SENT.assert_each_reminder_once()
    # and a later sweep (the next beat) still sends nothing new
    with running_worker(queue=celery_queue):
        send_stage_reminders.apply_async(args=[TODAY.isoformat()])
        wait_for(lambda: task_runs.by_name[TASK] >= 3, what="the next sweep")
        SENT.settle(quiet=1.0)
    SENT.assert_each_reminder_once()
