"""Reminders to a board's members and clerks: a meeting coming up, papers published. Each is sent once (the
notification's dedupe key), so the periodic sweep and the outbox may run them again safely."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from boards.models import BoardMember, Meeting
from core.notifications import notify
from core.tenancy import unscoped
from partners.models import User

REMIND_DAYS_BEFORE = 7


def _recipients(meeting: Meeting) -> list[User]:
    people = {
        m.person.pk: m.person
        for m in BoardMember.objects.filter(board=meeting.board, active=True).select_related("person")
    }
    for clerk in meeting.board.clerks.all():
        people.setdefault(clerk.pk, clerk)
    return [p for p in people.values() if p.is_active]


def remind_meeting(*, meeting: Meeting) -> int:
    """Tell every member and clerk the meeting is coming up (once per meeting date)."""
    local = timezone.localtime(meeting.starts_at)
    sent = notify(
        recipients=_recipients(meeting),
        subject=f"{meeting.board.name} meets on {local:%-d %B %Y at %H:%M}",
        body=f"The {meeting.board.name} meets on {local:%A %-d %B %Y at %H:%M}"
        + (f" at {meeting.location}." if meeting.location else ".")
        + " Send your apologies to the clerk if you cannot come, and arrange for your named substitute to attend.",
        url=reverse("meeting-detail", kwargs={"board_meeting_id": meeting.pk}),
        dedupe_key=f"board-meeting:{meeting.pk}:upcoming:{local:%Y-%m-%d}",
    )
    return len(sent)


def remind_papers(*, meeting: Meeting) -> int:
    """Tell every member and clerk the meeting's papers are published (once)."""
    local = timezone.localtime(meeting.starts_at)
    sent = notify(
        recipients=_recipients(meeting),
        subject=f"Papers for the {meeting.board.name} on {local:%-d %B %Y} are ready",
        body="The agenda and papers are published. Read them, and declare any interest in an item before the meeting.",
        url=reverse("meeting-detail", kwargs={"board_meeting_id": meeting.pk}),
        dedupe_key=f"board-meeting:{meeting.pk}:papers",
    )
    return len(sent)


def send_due_reminders(*, now: dt.datetime | None = None) -> int:
    """For the periodic task: meetings in the next week, and published papers not yet announced."""
    now = now or timezone.now()
    sent = 0
    with unscoped(reason="the reminder sweep reads every board's meetings"):
        upcoming = Meeting.objects.filter(
            starts_at__gte=now,
            starts_at__lte=now + dt.timedelta(days=REMIND_DAYS_BEFORE),
            status__in=[Meeting.Status.SCHEDULED, Meeting.Status.PAPERS_PUBLISHED],
        ).select_related("board")
        for meeting in upcoming:
            sent += remind_meeting(meeting=meeting)
            if meeting.status == Meeting.Status.PAPERS_PUBLISHED:
                sent += remind_papers(meeting=meeting)
    return sent
