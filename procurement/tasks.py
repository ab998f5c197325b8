"""Thin tasks: the system closes clarifications and bids when their deadlines pass, and moves commissions live."""

from __future__ import annotations

from celery import shared_task

from core.tenancy import tenancy_disabled
from procurement.award import services as award_services
from procurement.bids import services as bid_services


@shared_task
def close_due_tenders() -> int:
    with tenancy_disabled():
        return bid_services.close_due_tenders()


@shared_task
def contracts_go_live() -> int:
    with tenancy_disabled():
        return award_services.contracts_go_live()
