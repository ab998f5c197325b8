"""The transactional outbox: work exists exactly when the change that needs it is committed, a broker outage delays it
but never fails the request or loses it, and two dispatchers never publish the same entry twice."""

from __future__ import annotations

import ast
import threading
import time
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from config.celery import app
from core import outbox
from core.models import OutboxEntry
from tests.concurrency import run_at_once

S = OutboxEntry.Status
ROOT = Path(__file__).resolve().parents[2]
APP_PACKAGES = ("core", "partners", "boards", "commissioning", "procurement", "monitoring", "config")


class Broker:
    """Stands in for Redis: records what was published, or refuses while it is "down"."""

    def __init__(self, *, pause: float = 0.0) -> None:
        self.down = False
        self.pause = pause
        self.sent: list[tuple[str, list[Any], str]] = []
        self._lock = threading.Lock()

    def send_task(self, name: str, args: Any = None, kwargs: Any = None, task_id: str = "", **options: Any) -> None:
        if self.down:
            raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        time.sleep(self.pause)
        with self._lock:
            self.sent.append((name, list(args or []), task_id))


@pytest.fixture
def broker(monkeypatch, settings) -> Broker:
    """Background work is published, not run in the test (as in production)."""
    fake = Broker()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False  # restored by the suite's autouse fixture
    monkeypatch.setattr(app, "send_task", fake.send_task)
    return fake


def test_work_recorded_in_a_rolled_back_change_is_never_published(db, broker, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        outbox.enqueue("partners.tasks.generate_board_pack", args=[1])
        raise RuntimeError("the clerk's change failed validation")
    assert callbacks == [] and broker.sent == []
    assert not OutboxEntry.objects.exists()
    assert outbox.dispatch() == 0 and broker.sent == []


def test_committed_work_is_published_after_commit(db, broker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        entry = outbox.enqueue("partners.tasks.remind_papers_ready", args=[7], dedupe_key="board-meeting:7:papers")
        assert broker.sent == []  # nothing leaves before the change is committed
    entry.refresh_from_db()
    assert entry.status == S.PUBLISHED and entry.attempts == 1
    assert broker.sent == [("partners.tasks.remind_papers_ready", [7], f"outbox-{entry.pk}-1")]


def test_a_broker_outage_keeps_the_work_and_the_dispatcher_publishes_it_when_redis_is_back(
    db, broker, django_capture_on_commit_callbacks, caplog
):
    broker.down = True
    with django_capture_on_commit_callbacks(execute=True):
        entry = outbox.enqueue("core.tasks.deliver_notification_emails", args=[[1, 2]])  # does not raise
    entry.refresh_from_db()
    assert entry.status == S.PENDING and "Connection refused" in entry.last_error
    assert "could not publish" in caplog.text
    assert outbox.dispatch() == 0  # still down: waits
    broker.down = False
    assert outbox.dispatch() == 1
    assert outbox.dispatch() == 0  # published once, not every round
    entry.refresh_from_db()
    assert entry.status == S.PUBLISHED and [s[0] for s in broker.sent] == ["core.tasks.deliver_notification_emails"]


def test_outstanding_work_under_the_same_key_is_not_doubled(db, broker):
    first = outbox.enqueue("partners.tasks.generate_board_pack", args=[3], dedupe_key="board-pack:3")
    again = outbox.enqueue("partners.tasks.generate_board_pack", args=[3], dedupe_key="board-pack:3")
    assert again.pk == first.pk and OutboxEntry.objects.count() == 1
    OutboxEntry.objects.filter(pk=first.pk).update(status=S.DONE)
    later = outbox.enqueue("partners.tasks.generate_board_pack", args=[3], dedupe_key="board-pack:3")
    assert later.pk != first.pk  # finished work may be asked for again


def test_a_published_run_that_never_finishes_is_published_again_after_its_timeout(db, broker):
    entry = outbox.enqueue("partners.tasks.generate_board_pack", args=[5], timeout=60)
    assert outbox.dispatch() == 1
    assert outbox.dispatch() == 0  # within its timeout: the worker may still be on it
    OutboxEntry.objects.filter(pk=entry.pk).update(republish_after=timezone.now() - timedelta(seconds=1))
    assert outbox.dispatch() == 1  # the worker died: published again, under a new task id
    assert [s[2] for s in broker.sent] == [f"outbox-{entry.pk}-1", f"outbox-{entry.pk}-2"]


def test_an_entry_that_keeps_failing_is_given_up_and_logged(db, broker, caplog):
    entry = outbox.enqueue("partners.tasks.generate_board_pack", args=[5])
    OutboxEntry.objects.filter(pk=entry.pk).update(attempts=outbox.MAX_ATTEMPTS)
    assert outbox.dispatch() == 0
    entry.refresh_from_db()
    assert entry.status == S.FAILED and "gave up" in caplog.text


def test_the_task_marks_its_entry_done_when_it_finishes(db, django_capture_on_commit_callbacks):
    """Eager (as the rest of the suite runs): the task runs after commit and reports back."""
    with django_capture_on_commit_callbacks(execute=True):
        entry = outbox.enqueue("partners.tasks.remind_papers_ready", args=[999_999])  # no such meeting: nothing to do
    entry.refresh_from_db()
    assert entry.status == S.DONE and entry.done_at is not None


@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_at_once_publish_each_entry_once(broker):
    broker.pause = 0.01  # a slow broker, so the two rounds overlap
    for n in range(30):
        outbox.enqueue("partners.tasks.generate_board_pack", args=[n])
    broker.sent.clear()  # the after-commit attempts (autocommit here) went out; make them all wait again
    OutboxEntry.objects.update(status=S.PENDING, attempts=0)
    counts: list[int] = []
    start = threading.Barrier(2)

    def dispatcher() -> None:
        try:
            start.wait()
            counts.append(outbox.dispatch())
        finally:
            connection.close()

    run_at_once(dispatcher)
    published = [s[1][0] for s in broker.sent]
    assert sorted(published) == list(range(30))  # every entry once, none twice
    assert sum(counts) == 30
    assert set(OutboxEntry.objects.values_list("attempts", flat=True)) == {1}


def _delay_calls(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    return [
        f"{path.relative_to(ROOT)}:{node.lineno} .{node.func.attr}()"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in {"delay", "apply_async", "send_task"}
    ]


def test_app_code_enqueues_through_the_outbox_never_delay():
    """``.delay()`` after commit raises while Redis is down (a 500 for a saved change) and loses the work:
    background work is recorded with ``core.outbox.enqueue`` instead. Only the outbox itself publishes."""
    found = []
    for package in APP_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if path == ROOT / "core" / "outbox.py" or "migrations" in path.parts:
                continue
            found += _delay_calls(path)
    assert found == [], "Enqueue with core.outbox.enqueue(...), not:\n" + "\n".join(found)


def test_beat_runs_the_dispatcher_every_few_seconds():
    """``make run`` starts beat with this schedule: work recorded during an outage starts soon after Redis returns."""
    entry = app.conf.beat_schedule["outbox-dispatch"]
    assert entry["task"] == "core.tasks.dispatch_outbox" and entry["schedule"] <= 15
    assert app.conf.beat_schedule["board-packs-recover"]["task"] == "partners.tasks.recover_board_packs"


def test_operators_can_dispatch_by_hand(db, broker):
    broker.down = True
    outbox.enqueue("partners.tasks.generate_board_pack", args=[9])
    broker.down = False
    out = StringIO()
    call_command("dispatch_outbox", stdout=out)
    assert out.getvalue().strip() == "Published 1; 0 still waiting"
    assert [s[1] for s in broker.sent] == [[9]]


def test_finished_work_is_kept_a_week_then_deleted(db, broker):
    old = outbox.enqueue("partners.tasks.generate_board_pack", args=[1])
    recent = outbox.enqueue("partners.tasks.generate_board_pack", args=[2])
    OutboxEntry.objects.filter(pk=old.pk).update(status=S.DONE, done_at=timezone.now() - timedelta(days=8))
    OutboxEntry.objects.filter(pk=recent.pk).update(status=S.DONE, done_at=timezone.now() - timedelta(days=6))
    outbox.dispatch()
    assert list(OutboxEntry.objects.values_list("pk", flat=True)) == [recent.pk]
