from __future__ import annotations

from celery import shared_task

from core import outbox
from core.notifications import deliver_emails


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def deliver_notification_emails(notification_ids: list[int] | None = None) -> int:
    return deliver_emails(notification_ids=notification_ids)


@shared_task(ignore_result=True)
def dispatch_outbox() -> int:
    """The outbox dispatcher (beat, every few seconds): publish work the broker missed or a dead worker lost."""
    return outbox.dispatch()
