from __future__ import annotations

from celery import shared_task

from core.notifications import deliver_emails


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def deliver_notification_emails(notification_ids: list[int] | None = None) -> int:
    return deliver_emails(notification_ids=notification_ids)
