"""With a real Celery worker on the real Redis broker: reminders go once however often the beat fires, and the
board pack is generated in the background with its progress stored."""

from __future__ import annotations

import pytest

from boards import pack as board_pack
from boards.models import AgendaItem, BoardPack
from boards.tasks import send_board_reminders
from core.models import Notification
from core.tenancy import unscoped
from tests.celery_support import settle, wait_for

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]

EVERYONE = 10  # seven full members, a substitute, an adviser and the clerk


def _reminders() -> int:
    with unscoped(reason="the test reads what the worker wrote for every organisation"):
        return Notification.objects.filter(subject__contains="Commissioning Board meets on").count()


def test_beats_firing_together_remind_each_member_once(lichfield, celery_worker, task_runs):
    for _ in range(3):  # three beats at once (a restarted beat, a duplicate delivery...)
        send_board_reminders.delay()
    wait_for(lambda: task_runs.by_name["partners.tasks.send_board_reminders"] == 3, what="the three sweeps")
    assert settle(_reminders) == EVERYONE
    with unscoped(reason="the test reads what the worker wrote for every organisation"):
        recipients = list(
            Notification.objects.filter(subject__contains="Commissioning Board meets on").values_list(
                "recipient", flat=True
            )
        )
    assert len(recipients) == len(set(recipients)) == EVERYONE


def test_the_worker_prepares_the_board_pack(lichfield, fake_award, celery_worker, task_runs):
    lichfield.item(AgendaItem.Kind.AWARD, subject_id=1)
    pack = board_pack.pack_request(meeting=lichfield.meeting, by=lichfield.clerk_acting)
    assert pack.status == BoardPack.Status.QUEUED

    def ready() -> bool:
        with unscoped(reason="the test reads what the worker wrote for every organisation"):
            return BoardPack.objects.get(pk=pack.pk).status == BoardPack.Status.READY

    wait_for(ready, what="the pack")
    with unscoped(reason="the test reads what the worker wrote for every organisation"):
        pack.refresh_from_db()
    assert pack.progress == 100 and pack.size > 10_000
    # The task finishes (releases its lease, reports to the outbox) just after the pack is marked ready.
    wait_for(lambda: task_runs.by_name["partners.tasks.generate_board_pack"], what="the task to finish")
    assert settle(lambda: task_runs.by_name["partners.tasks.generate_board_pack"]) == 1
