"""The transactional outbox: background work is recorded in PostgreSQL with the change that needs it.

``enqueue(task_name, args=..., kwargs=..., dedupe_key=...)`` inserts an ``OutboxEntry`` in the caller's transaction,
so the work exists exactly when the change does (a rolled-back request leaves nothing to do). After commit we try
once to publish it to Celery; if the broker is down the request still succeeds (a warning is logged) and the
dispatcher (``dispatch``: the beat task ``core.tasks.dispatch_outbox`` every few seconds, and
``manage.py dispatch_outbox`` for operators) publishes it when Redis is back.

An entry is done when its task finishes (the ``task_postrun`` hook below). A published entry that is not done by
``republish_after`` (the worker was killed, the broker lost the message) is published again, so every task run
through the outbox must be safe to run twice. This is the only module allowed to call ``.delay()`` /
``.apply_async()`` (``tests/core/test_outbox.py`` checks).
"""

from __future__ import annotations

import importlib
import logging
from datetime import datetime, timedelta
from typing import Any

from celery import current_app, current_task
from celery.signals import task_postrun
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from core.models import OutboxEntry

log = logging.getLogger(__name__)

TASK_ID_PREFIX = "outbox-"
DEFAULT_TIMEOUT = 600  # seconds a published run may take before it is published again
MAX_ATTEMPTS = 20  # publications before an entry is given up (and logged as an error)
BATCH = 200
KEEP_DONE = timedelta(days=7)  # finished entries are kept this long (for operators), then deleted

S = OutboxEntry.Status


def enqueue(
    task_name: str,
    *,
    args: list[Any] | tuple[Any, ...] = (),
    kwargs: dict[str, Any] | None = None,
    dedupe_key: str | None = None,
    timeout: int = DEFAULT_TIMEOUT,
    republish: bool = False,
) -> OutboxEntry:
    """Record work to run after the current transaction commits (arguments must be JSON: ids, not objects).

    With a ``dedupe_key`` an entry still outstanding under that key is reused rather than doubled; ``republish``
    publishes that entry again now even if it was published (its run is known to be lost)."""
    entry = OutboxEntry(
        task_name=task_name, args=list(args), kwargs=dict(kwargs or {}), dedupe_key=dedupe_key, timeout=timeout
    )
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        if dedupe_key is None:
            raise
        existing = OutboxEntry.objects.filter(dedupe_key=dedupe_key, status__in=[S.PENDING, S.PUBLISHED]).first()
        if existing is None:  # finished meanwhile: record the new work after all
            entry.save()
        else:
            entry = existing
            if republish and entry.status == S.PUBLISHED:
                entry.status = S.PENDING
                entry.save(update_fields=["status"])
    entry_id = entry.pk
    transaction.on_commit(lambda: publish(entry_id))
    return entry


def publish(entry_id: int) -> bool:
    """Publish one entry now if it is still waiting (called after commit). Never raises for a broker fault."""
    try:
        with transaction.atomic():
            entry = (
                OutboxEntry.objects.select_for_update(skip_locked=True).filter(pk=entry_id, status=S.PENDING).first()
            )
            if entry is None:
                return False  # done, or a dispatcher holds it
            _mark_published(entry)
            if not _eager():
                _send(entry)
    except Exception as exc:  # noqa: BLE001 - the user's change is saved; the dispatcher will publish it later
        _failed_to_publish(entry_id, exc)
        return False
    if _eager():
        _run_eagerly(entry)
    return True


def is_outstanding(dedupe_key: str) -> bool:
    """Whether work recorded under this key is still to be published or to finish."""
    return OutboxEntry.objects.filter(dedupe_key=dedupe_key, status__in=[S.PENDING, S.PUBLISHED]).exists()


def due() -> Q:
    now = timezone.now()
    return Q(status=S.PENDING) | Q(status=S.PUBLISHED, republish_after__lte=now)


def dispatch(*, limit: int = BATCH) -> int:
    """Publish every entry waiting or overdue; rows are locked and skipped by a second dispatcher running at the
    same time, so each is published once per round. Stops at the first broker fault (the rest wait for the next
    round). Returns how many were published."""
    _give_up_exhausted()
    _purge_done()
    sent: list[OutboxEntry] = []
    with transaction.atomic():
        entries = list(OutboxEntry.objects.select_for_update(skip_locked=True).filter(due()).order_by("pk")[:limit])
        for entry in entries:
            try:
                with transaction.atomic():  # a savepoint: a refused entry stays as it was
                    _mark_published(entry)
                    if not _eager():
                        _send(entry)
            except Exception as exc:  # noqa: BLE001 - broker down: the rest wait for the next round
                log.warning("Outbox: the broker refused work (%s); %s entries wait", exc, len(entries) - len(sent))
                OutboxEntry.objects.filter(pk=entry.pk).update(last_error=str(exc)[:2000])
                break
            sent.append(entry)
    if _eager():
        for entry in sent:
            _run_eagerly(entry)
    return len(sent)


def _eager() -> bool:
    return bool(current_app.conf.task_always_eager)


def _mark_published(entry: OutboxEntry) -> None:
    """Marked before sending, in the transaction holding the row lock: a task that finishes before we commit waits
    for the lock and then marks the entry done, never the other way round."""
    now = timezone.now()
    entry.status = S.PUBLISHED
    entry.published_at = now
    entry.republish_after = now + timedelta(seconds=entry.timeout)
    entry.attempts += 1
    entry.save(update_fields=["status", "published_at", "republish_after", "attempts"])


def _task_id(entry: OutboxEntry) -> str:
    return f"{TASK_ID_PREFIX}{entry.pk}-{entry.attempts}"


def _send(entry: OutboxEntry) -> None:
    current_app.send_task(
        entry.task_name,
        args=entry.args,
        kwargs=entry.kwargs,
        task_id=_task_id(entry),
        retry=False,  # a request must not wait for a dead broker: the dispatcher retries
    )


def _run_eagerly(entry: OutboxEntry) -> None:
    """Tests and eager mode: run the task in-process, after the lock is released (``send_task`` is never eager)."""
    if entry.task_name not in current_app.tasks:
        importlib.import_module(entry.task_name.rsplit(".", 1)[0])
    current_app.tasks[entry.task_name].apply_async(args=entry.args, kwargs=entry.kwargs, task_id=_task_id(entry))


def _failed_to_publish(entry_id: int, exc: BaseException) -> None:
    log.warning("Outbox: could not publish entry %s now (%s); the dispatcher will retry", entry_id, exc)
    try:
        OutboxEntry.objects.filter(pk=entry_id, status=S.PENDING).update(last_error=str(exc)[:2000])
    except Exception:
        log.exception("Outbox: could not record the failure for entry %s", entry_id)


def _purge_done() -> None:
    old = OutboxEntry.objects.filter(status=S.DONE, done_at__lt=timezone.now() - KEEP_DONE).values("pk")[:1000]
    OutboxEntry.objects.filter(pk__in=old).delete()


def _give_up_exhausted() -> None:
    gave_up = OutboxEntry.objects.filter(due(), attempts__gte=MAX_ATTEMPTS).update(status=S.FAILED)
    if gave_up:
        log.error("Outbox: gave up %s entries after %s attempts", gave_up, MAX_ATTEMPTS)


# --- Completion: the task reports back -------------------------------------------------------------------------

_deferred: dict[str, datetime] = {}  # task id -> when to publish again instead of marking done


def entry_id_of(task_id: str | None) -> int | None:
    if not task_id or not task_id.startswith(TASK_ID_PREFIX):
        return None
    head = task_id[len(TASK_ID_PREFIX) :].split("-", 1)[0]
    return int(head) if head.isdigit() else None


def defer(*, until: datetime) -> None:
    """Called by a task that cannot do its work yet (another worker's lease is still live): its entry stays open
    and is published again at ``until`` instead of being marked done."""
    task_id: str | None = getattr(current_task.request, "id", None) if current_task else None
    if task_id is not None and entry_id_of(task_id) is not None:
        _deferred[task_id] = max(until, _deferred.get(task_id, until))


@task_postrun.connect(weak=False, dispatch_uid="core-outbox-postrun")
def _task_finished(task_id: str | None = None, state: str | None = None, **kwargs: Any) -> None:
    entry_id = entry_id_of(task_id)
    if entry_id is None:
        return
    until = _deferred.pop(task_id or "", None)
    open_ = OutboxEntry.objects.filter(pk=entry_id, status__in=[S.PENDING, S.PUBLISHED])
    if until is not None:
        open_.update(status=S.PUBLISHED, republish_after=until)
    elif state == "SUCCESS":
        open_.update(status=S.DONE, done_at=timezone.now())
    elif state == "FAILURE":
        # Left open: published again after its timeout (until MAX_ATTEMPTS), as a lost run would be.
        open_.update(last_error=f"{kwargs.get('retval')!r}"[:2000])
