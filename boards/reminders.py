"""Reminders to a board's members and clerks: a meeting coming up, papers published. Each is sent once (the
notification's dedupe key), so the periodic sweep and the outbox may run them again safely."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone

from boards.models import BoardMember, Meeting
from core.notifications import Message, fan_out, messages
from core.tenancy import unscoped
from partners.models import User

REMIND_DAYS_BEFORE = 7


def _recipients(meeting: Meeting, members: dict[int, list[User]] | None = None) -> list[User]:
    """The board's active members and its clerks (``members``: every board's members, read once by a sweep)."""
    if members is None:
        members = _members_of([meeting.board_id])
    people = {p.pk: p for p in members.get(meeting.board_id, [])}
    for clerk in meeting.board.clerks.all():
        people.setdefault(clerk.pk, clerk)
    return [p for p in people.values() if p.is_active]


def _members_of(board_ids: Iterable[int]) -> dict[int, list[User]]:
    members: dict[int, list[User]] = {}
    for m in (
        BoardMember.objects.filter(board_id__in=set(board_ids), active=True).select_related("person").order_by("pk")
    ):
        members.setdefault(m.board_id, []).append(m.person)
    return members


def _upcoming(meeting: Meeting, people: list[User]) -> list[Message]:
    local = timezone.localtime(meeting.starts_at)
    return messages(
        people,
        subject=f"{meeting.board.name} meets on {local:%-d %B %Y at %H:%M}",
        body=f"The {meeting.board.name} meets on {local:%A %-d %B %Y at %H:%M}"
        + (f" at {meeting.location}." if meeting.location else ".")
        + " Send your apologies to the clerk if you cannot come, and arrange for your named substitute to attend.",
        url=reverse("meeting-detail", kwargs={"board_meeting_id": meeting.pk}),
        dedupe_key=f"board-meeting:{meeting.pk}:upcoming:{local:%Y-%m-%d}",
    )


def _papers(meeting: Meeting, people: list[User]) -> list[Message]:
    local = timezone.localtime(meeting.starts_at)
    return messages(
        people,
        subject=f"Papers for the {meeting.board.name} on {local:%-d %B %Y} are ready",
        body="The agenda and papers are published. Read them, and declare any interest in an item before the meeting.",
        url=reverse("meeting-detail", kwargs={"board_meeting_id": meeting.pk}),
        dedupe_key=f"board-meeting:{meeting.pk}:papers",
    )


def remind_meeting(*, meeting: Meeting) -> int:
    """Tell every member and clerk the meeting is coming up (once per meeting date)."""
    return fan_out(_upcoming(meeting, _recipients(meeting)))


def remind_papers(*, meeting: Meeting) -> int:
    """Tell every member and clerk the meeting's papers are published (once)."""
    return fan_out(_papers(meeting, _recipients(meeting)))


def send_due_reminders(*, now: dt.datetime | None = None) -> int:
    """For the periodic task: meetings in the next week, and published papers not yet announced."""
    now = now or timezone.now()
    with unscoped(reason="the reminder sweep reads every board's meetings"):
        upcoming = (
            Meeting.objects.filter(
                starts_at__gte=now,
                starts_at__lte=now + dt.timedelta(days=REMIND_DAYS_BEFORE),
                status__in=[Meeting.Status.SCHEDULED, Meeting.Status.PAPERS_PUBLISHED],
            )
            .select_related("board")
            .prefetch_related("board__clerks")
        )
        meetings = list(upcoming)
        members = _members_of(m.board_id for m in meetings)
        batch: list[Message] = []
        for meeting in meetings:
            people = _recipients(meeting, members)
            batch += _upcoming(meeting, people)
            if meeting.status == Meeting.Status.PAPERS_PUBLISHED:
                batch += _papers(meeting, people)
        # In batches (core.notifications.fan_out): one insert and one delivery task per batch, each reminder once.
        return fan_out(batch)
