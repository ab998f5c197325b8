from __future__ import annotations

from typing import Any

from celery import Task, shared_task
from django.db import DatabaseError

from core import outbox
from core.notifications import deliver_emails
from core.tenancy import unscoped


class SystemTask(Task):
    """Base of every Celery task: background work is the system's, across tenants, and says so.

    Like pretix's ``EventTask``, the base class sets the context once so no task body can forget it: the body runs
    inside ``core.tenancy.unscoped`` with the task's name as the reason. Services the task calls with a person as
    actor still run in that person's organisation's scope (``core.service``).
    """

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with unscoped(reason=f"background task {self.name}"):
            return super().__call__(*args, **kwargs)


class RetriedTask(SystemTask):
    """A system task that may meet a database or mail server briefly away: retried with backoff (up to five times,
    at most five minutes apart) and acknowledged only when done, so a lost worker's job runs again. Only for work
    that is safe to repeat (e.g. reminders, each with a dedupe key)."""

    autoretry_for = (OSError, DatabaseError)
    retry_backoff = True
    retry_backoff_max = 300
    max_retries = 5
    acks_late = True


@shared_task(base=SystemTask, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def deliver_notification_emails(notification_ids: list[int] | None = None) -> int:
    return deliver_emails(notification_ids=notification_ids)


@shared_task(base=SystemTask, ignore_result=True)
def dispatch_outbox() -> int:
    """The outbox dispatcher (beat, every few seconds): publish work the broker missed or a dead worker lost."""
    return outbox.dispatch()
