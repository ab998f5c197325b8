"""Thin tasks: the system closes grant rounds when their closing time passes.

``SystemTask`` runs each body across tenants (``core.tenancy.unscoped``, the task's name as the reason)."""

from __future__ import annotations

from celery import shared_task

from core.tasks import SystemTask
from grants.programmes import services as programme_services


@shared_task(base=SystemTask)
def close_due_programmes() -> int:
    return programme_services.close_due_programmes()
