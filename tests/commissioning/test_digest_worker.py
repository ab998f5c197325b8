"""The monthly digest goes to each follower exactly once, proved on the real Redis broker and a real Celery worker:
two beat schedulers (a deployment that started two by mistake) fire the digest entry at the same moment, the worker
runs both sweeps at once, and each follower gets one email; a later beat in the same month sends nothing more."""

from __future__ import annotations

import threading
from unittest import mock

import pytest
from celery.beat import Scheduler
from django.core import mail

from commissioning.following import services
from config.celery import app
from tests.celery_support import settle, wait_for
from tests.factories.commissioning import ServiceAreaFactory
from tests.factories.following import follower
from tests.reminder_support import overlapping

pytestmark = [pytest.mark.celery, pytest.mark.xdist_group("celery")]

TASK = "commissioning.tasks.send_monthly_digest"
ENTRY = "commissioning-monthly-digest"


@pytest.fixture
def followers(transactional_db, world):
    befriending = ServiceAreaFactory(partnership=world.partnership, name="Befriending")
    made = [
        follower("Rita Reader", areas=[befriending]),
        follower("Fay Food", categories=["food"]),
        follower("Bo Both", areas=[befriending], categories=["carers"]),
    ]
    follower("Olly Off", areas=[befriending], digest=False)
    mail.outbox.clear()
    return [user for user, _ in made]


def digests() -> list[tuple[str, ...]]:
    return sorted(tuple(m.to) for m in mail.outbox if m.subject.startswith("Your opportunities digest"))


def fire_together(schedulers: list[Scheduler]) -> None:
    """Each beat sends its due digest entry at the same instant, as two beat processes would."""
    start = threading.Barrier(len(schedulers), timeout=10)

    def fire(scheduler: Scheduler) -> None:
        start.wait()
        scheduler.apply_entry(scheduler.schedule[ENTRY], producer=None)

    threads = [threading.Thread(target=fire, args=(s,)) for s in schedulers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(15)


def test_two_beats_fire_the_digest_and_each_follower_gets_one_email(followers, celery_worker, task_runs):
    beats = [Scheduler(app=app, lazy=False), Scheduler(app=app, lazy=False)]
    assert all(ENTRY in b.schedule and b.schedule[ENTRY].task == TASK for b in beats)
    slow_notify, met = overlapping(services.notify)

    with mock.patch.object(services, "notify", slow_notify):
        fire_together(beats)
        wait_for(lambda: task_runs.by_name[TASK] >= 2, what="both beats' digests to run")
    assert met["both"], "the two digest sweeps did not overlap"

    expected = sorted((u.email,) for u in followers)
    wait_for(lambda: len(digests()) >= len(expected), what=lambda: f"{len(expected)} digests (have {digests()})")
    settle(lambda: len(digests()), quiet=1.5)
    assert digests() == expected  # each follower once; the follower who turned the digest off, never

    # The next beat this month finds every digest sent.
    fire_together(beats[:1])
    wait_for(lambda: task_runs.by_name[TASK] >= 3, what="the third run")
    settle(lambda: len(mail.outbox), quiet=1.0)
    assert digests() == expected
