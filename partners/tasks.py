"""Thin Celery tasks: take ids, call a service (``SystemTask``: the system's work, across tenants)."""

from __future__ import annotations

from celery import shared_task

from core.tasks import SystemTask
from partners.services import invitation_email_send


@shared_task(base=SystemTask, acks_late=True)
def send_invitation_email(invitation_id: int) -> bool:
    """Safe to run twice: an invitation already emailed (or no longer open) is left alone."""
    return invitation_email_send(invitation_id=invitation_id)
