"""Thin Celery tasks for the board: take ids, run with tenancy disabled, call a service."""

from __future__ import annotations

from celery import shared_task

from core.tenancy import tenancy_disabled


@shared_task(acks_late=True)
def generate_board_pack(pack_id: int) -> str:
    """Safe to run twice: a ready pack is left alone, and a run while another holds the pack's lease waits."""
    from partners.board_pack import pack_generate

    with tenancy_disabled():
        return pack_generate(pack_id=pack_id).status


@shared_task
def recover_board_packs() -> int:
    """Start again packs whose worker died (lease expired) or whose work was lost before the outbox existed."""
    from partners.board_pack import recover_stuck_packs

    with tenancy_disabled():
        return recover_stuck_packs()


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


@shared_task(acks_late=True)
def send_invitation_email(invitation_id: int) -> bool:
    """Safe to run twice: an invitation already emailed (or no longer open) is left alone."""
    from partners.services import invitation_email_send

    return invitation_email_send(invitation_id=invitation_id)
