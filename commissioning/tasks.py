"""Thin Celery tasks: run as the system (``SystemTask``: unscoped, with the task's name as the reason) and call a
service."""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from commissioning.following import services as following_services
from commissioning.register import services as register_services
from commissioning.risks import services as risk_services
from commissioning.service_map.services import map_decision_reminders_send
from commissioning.timetable import services
from core.tasks import RetriedTask


@shared_task(base=RetriedTask)
def send_stage_reminders(today: str | None = None) -> int:
    """Remind stage owners and lead commissioners before stages end and when they are overdue. Safe to run
    twice, retried, or from two beats at once: each reminder has a dedupe key and goes out exactly once."""
    return services.stage_reminders_send(today=dt.date.fromisoformat(today) if today else None)


@shared_task(base=RetriedTask)
def send_map_decision_reminders(today: str | None = None) -> int:
    """Remind partners when a "keep as it is" (or other) decision on the map is due for review. Safe to run twice:
    each reminder's dedupe key names the decision and its review date."""
    return map_decision_reminders_send(today=dt.date.fromisoformat(today) if today else None)


@shared_task(base=RetriedTask)
def enqueue_risk_reviews(today: str | None = None) -> int:
    """Daily: enqueue a review reminder (through the outbox) for each risk whose review date has passed, once per
    risk per review date."""
    return risk_services.risk_reviews_enqueue(today=dt.date.fromisoformat(today) if today else None)


@shared_task(base=RetriedTask)
def send_risk_review_reminder(risk_id: int, review_date: str) -> int:
    """Tell the risk's owner and the lead that its review is due; safe to run twice (dedupe key)."""
    return risk_services.risk_review_remind(risk_id=risk_id, review_date=review_date)


@shared_task(base=RetriedTask)
def send_monthly_digest(now: str | None = None) -> int:
    """Each follower's monthly digest of forthcoming opportunities. Safe to run twice, retried, or from two beats at
    once: the dedupe key names the person and the month, so each follower gets one digest per calendar month."""
    return following_services.digest_send(now=dt.datetime.fromisoformat(now) if now else None)


@shared_task(base=RetriedTask)
def enqueue_document_expiry_reminders(today: str | None = None) -> int:
    """Daily: enqueue (through the outbox) one reminder for each provider document expiring within 30 days, once
    per document and expiry date."""
    return register_services.document_reminders_enqueue(today=dt.date.fromisoformat(today) if today else None)


@shared_task(base=RetriedTask)
def send_document_expiry_reminder(document_id: int, expires_on: str) -> int:
    """Tell the provider its document is about to expire; safe to run twice (dedupe key)."""
    return register_services.document_expiry_remind(document_id=document_id, expires_on=expires_on)
