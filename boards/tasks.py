"""Thin Celery tasks for the board: take ids, call a service (``SystemTask``: the system's work, across tenants).

The tasks keep the names they had while the board lived in ``partners`` (``name=``): outbox rows and broker
messages recorded before the move, and the beat schedule, address them by name.
"""

from __future__ import annotations

from celery import shared_task

from boards.models import Meeting
from boards.pack import pack_generate, recover_stuck_packs
from boards.reminders import remind_papers, send_due_reminders
from core.tasks import SystemTask


@shared_task(base=SystemTask, name="partners.tasks.generate_board_pack", acks_late=True)
def generate_board_pack(pack_id: int) -> str:
    """Safe to run twice: a ready pack is left alone, and a run while another holds the pack's lease waits."""
    return pack_generate(pack_id=pack_id).status


@shared_task(base=SystemTask, name="partners.tasks.recover_board_packs")
def recover_board_packs() -> int:
    """Start again packs whose worker died (lease expired) or whose work was lost before the outbox existed."""
    return recover_stuck_packs()


@shared_task(
    base=SystemTask,
    name="partners.tasks.remind_papers_ready",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def remind_papers_ready(meeting_id: int) -> int:
    meeting = Meeting.objects.select_related("board").filter(pk=meeting_id).first()
    if meeting is None or meeting.status != Meeting.Status.PAPERS_PUBLISHED:
        return 0
    return remind_papers(meeting=meeting)


@shared_task(
    base=SystemTask,
    name="partners.tasks.send_board_reminders",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_board_reminders() -> int:
    return send_due_reminders()
