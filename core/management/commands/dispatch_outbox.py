"""Publish outstanding background work now (operators: after a broker outage, or with beat stopped)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from core import outbox
from core.models import OutboxEntry


class Command(BaseCommand):
    help = "Publish every pending or overdue outbox entry to Celery (safe alongside beat's dispatcher)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--loop", type=float, default=0, help="Keep dispatching every N seconds (0: once).")

    def handle(self, *args: Any, loop: float = 0, **options: Any) -> None:
        while True:
            published = outbox.dispatch()
            waiting = OutboxEntry.objects.filter(outbox.due()).count()
            self.stdout.write(f"Published {published}; {waiting} still waiting")
            if not loop:
                return
            time.sleep(loop)
