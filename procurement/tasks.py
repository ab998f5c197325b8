"""Thin tasks: the system closes clarifications and bids when their deadlines pass, and moves contracts live.

``SystemTask`` runs each body across tenants (``core.tenancy.unscoped``, the task's name as the reason)."""

from __future__ import annotations

from celery import shared_task

from core.tasks import SystemTask
from procurement.award import services as award_services
from procurement.bids import services as bid_services


@shared_task(base=SystemTask)
def close_due_tenders() -> int:
    return bid_services.close_due_tenders()


@shared_task(base=SystemTask)
def contracts_go_live() -> int:
    return award_services.contracts_go_live()
