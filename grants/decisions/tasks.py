"""Thin tasks of the decision: the system lapses offers not accepted by their date (daily; safe to run twice).

``SystemTask`` runs each body across tenants (``core.tenancy.unscoped``, the task's name as the reason)."""

from __future__ import annotations

from celery import shared_task

from core.tasks import SystemTask
from grants.decisions import services


@shared_task(base=SystemTask)
def lapse_offers() -> int:
    return services.offers_lapse()
