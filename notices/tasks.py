"""Thin tasks: remind the lead of a contract details notice falling due (once per contract)."""

from __future__ import annotations

from celery import shared_task

from core.actors import SYSTEM
from core.tasks import SystemTask
from notices import services


@shared_task(base=SystemTask)
def remind_contract_details(contract_id: int) -> bool:
    return services.remind_contract_details(contract_id=contract_id, by=SYSTEM)


@shared_task(base=SystemTask)
def remind_contract_details_due() -> int:
    return services.remind_contract_details_due(by=SYSTEM)
