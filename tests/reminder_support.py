"""Shared by the exactly-once reminder tests (commissioning's stage reminders, monitoring's return reminders): what
a sweep sent, waiting for it, and the notify wrappers that make a sweep fail half way or overlap another."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core import mail

from core.models import Notification
from core.tenancy import unscoped
from tests.celery_support import settle, wait_for


@dataclass(frozen=True)
class Sent:
    """The reminders whose notifications' dedupe keys start with ``prefix`` (e.g. "stage:"), ``expected`` of them."""

    prefix: str
    expected: int

    def notifications(self) -> list[tuple[str, int]]:
        with unscoped(reason="the test reads every notification the sweep sent"):
            return sorted(
                Notification.objects.filter(dedupe_key__startswith=self.prefix).values_list(
                    "dedupe_key", "recipient_id"
                )
            )

    @staticmethod
    def emails() -> list[tuple[str, tuple[str, ...]]]:
        return sorted((m.subject, tuple(m.to)) for m in mail.outbox if m.subject.startswith(("Reminder:", "Overdue:")))

    def pending(self) -> str:
        with unscoped(reason="the test reads every notification the sweep sent"):
            unsent = Notification.objects.filter(emailed_at__isnull=True, dedupe_key__startswith=self.prefix)
            return f"unsent: {list(unsent.values_list('pk', flat=True))}"

    def wait_until_delivered(self) -> None:
        """Notifications are made, then their emails sent by a second task: wait for both, then for quiet."""
        expected = self.expected
        wait_for(lambda: len(self.notifications()) >= expected, what=f"{expected} notifications")
        wait_for(
            lambda: len(self.emails()) >= expected,
            what=lambda: (
                f"{expected} emails (have {self.emails()}; notifications {self.notifications()}; {self.pending()})"
            ),
        )
        self.settle(quiet=1.5)

    def settle(self, *, quiet: float) -> None:
        settle(lambda: (len(self.notifications()), len(self.emails())), quiet=quiet)

    def assert_each_reminder_once(self) -> None:
        keys = self.notifications()
        assert len(keys) == self.expected and len(set(keys)) == self.expected
        sent = self.emails()
        assert len(sent) == self.expected, sent
        assert len(set(sent)) == self.expected  # nobody got the same reminder twice


def failing_on_third_call(real_notify: Callable[..., Any], message: str) -> Callable[..., Any]:
    """``notify`` that raises a retryable error on its third call, after that call's work is saved."""
    calls = {"n": 0}

    def notify(**kwargs: Any) -> Any:
        calls["n"] += 1
        created = real_notify(**kwargs)
        if calls["n"] == 3:
            raise OSError(message)
        return created

    return notify


def overlapping(real_notify: Callable[..., Any]) -> tuple[Callable[..., Any], dict[str, bool]]:
    """``notify`` that holds the first two callers until both are inside it, then slows every call: two sweeps
    overlap inside the same step. ``met["both"]`` says whether they did."""
    inside = threading.Barrier(2, timeout=10)
    met = {"both": False}

    def notify(**kwargs: Any) -> Any:
        if not met["both"]:
            try:
                inside.wait()  # both sweeps are inside the same step at the same time
                met["both"] = True
            except threading.BrokenBarrierError:
                pass
        time.sleep(0.05)
        return real_notify(**kwargs)

    return notify, met
