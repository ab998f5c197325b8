"""Thin Celery tasks: run as the system (``SystemTask``: unscoped, with the task's name as the reason) and call a
service."""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from commissioning.engagement import services as engagement_services
from commissioning.following import services as following_services
from commissioning.money import report_pdf
from commissioning.register import services as register_services
from commissioning.risks import services as risk_services
from commissioning.service_map.services import map_decision_reminders_send
from commissioning.timetable import services
from core.tasks import RetriedTask, SystemTask


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
    """Daily: remind the owner and lead of each risk whose review date has passed, once per risk per review date
    (in batches: ``core.notifications.fan_out``)."""
    return risk_services.risk_reviews_enqueue(today=dt.date.fromisoformat(today) if today else None)


@shared_task(base=RetriedTask)
def send_risk_review_reminder(risk_id: int, review_date: str) -> int:
    """Tell the risk's owner and the lead that its review is due; safe to run twice (dedupe key). Kept for the
    reminders enqueued one by one before the daily sweep made them in batches."""
    return risk_services.risk_review_remind(risk_id=risk_id, review_date=review_date)


@shared_task(base=SystemTask, acks_late=True)
def generate_contribution_report(report_file_id: int) -> str:
    """Build the all-partner contribution report's PDF. Safe to run twice: a ready file is left alone, and a run
    while another holds the file's lease waits."""
    return report_pdf.report_pdf_generate(report_file_id=report_file_id).status


@shared_task(base=RetriedTask)
def enqueue_event_reminders() -> int:
    """Hourly: enqueue (through the outbox) one reminder per booked place at an event starting within two days."""
    return engagement_services.event_reminders_enqueue()


@shared_task(base=RetriedTask)
def send_event_reminder(signup_id: int) -> int:
    """Remind one person of their place at an event; safe to run twice (the place is stamped once, dedupe key)."""
    return engagement_services.event_reminder_send(signup_id=signup_id)


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
