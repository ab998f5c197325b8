"""Thin Celery tasks: run as the system (``SystemTask``) and call a service."""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from core.tasks import RetriedTask
from monitoring.returns.reminders import return_reminders_send


@shared_task(base=RetriedTask)
def send_return_reminders(today: str | None = None) -> int:
    """Remind providers before each return is due and when it is overdue. Safe to run twice, retried, or from two
    beats at once: each reminder has a dedupe key and goes out exactly once."""
    return return_reminders_send(today=dt.date.fromisoformat(today) if today else None)
