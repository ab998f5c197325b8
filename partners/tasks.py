"""Thin Celery tasks for the board: take ids, run with tenancy disabled, call a service."""

from __future__ import annotations

from celery import shared_task

from core.tenancy import tenancy_disabled


@shared_task(acks_late=True)
def generate_board_pack(pack_id: int) -> str:
    from partners.board_pack import pack_generate

    with tenancy_disabled():
        return pack_generate(pack_id=pack_id).status


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def remind_papers_ready(meeting_id: int) -> int:
    from partners.board_services import remind_papers
    from partners.models import Meeting

    with tenancy_disabled():
        meeting = Meeting.objects.select_related("board").filter(pk=meeting_id).first()
        if meeting is None or meeting.status != Meeting.Status.PAPERS_PUBLISHED:
            return 0
        return remind_papers(meeting=meeting)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_board_reminders() -> int:
    from partners.board_services import send_due_reminders

    return send_due_reminders()
