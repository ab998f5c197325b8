"""The board's state machines: a meeting's life, and an agenda item's outcome."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from boards import permissions
from boards.models import AgendaItem, Attendance, Meeting
from core import outbox
from core.actors import Actor
from core.workflow import Transition, Workflow

M = Meeting.Status
I = AgendaItem.Status  # noqa: E741


def _manager(meeting: Meeting, by: Actor) -> bool:
    return permissions.may_manage(meeting.board, by.user)


def _has_items(meeting: Meeting) -> Iterable[str]:
    if not AgendaItem.objects.filter(meeting=meeting).exists():
        yield "Add at least one agenda item"


def _has_attendance(meeting: Meeting) -> Iterable[str]:
    if not Attendance.objects.filter(meeting=meeting, status=Attendance.Status.PRESENT).exists():
        yield "Record who was present"


def _has_minutes(meeting: Meeting) -> Iterable[str]:
    if not meeting.minutes.strip():
        yield "Record the minutes"


def _items_settled(meeting: Meeting) -> Iterable[str]:
    open_items = AgendaItem.objects.filter(meeting=meeting, status=AgendaItem.Status.OPEN).count()
    if open_items:
        yield f"{open_items} item{'s have' if open_items != 1 else ' has'} no outcome yet: decide, defer or withdraw {'them' if open_items != 1 else 'it'}"


def _papers_ready_reminder(meeting: Meeting, by: Actor) -> None:
    # Recorded with the transition (the outbox), so a broker outage delays the reminder but never loses it.
    outbox.enqueue(
        "partners.tasks.remind_papers_ready", args=[meeting.pk], dedupe_key=f"board-meeting:{meeting.pk}:papers"
    )


def _clerk_step(name: str, source: tuple[str, ...], target: str, label: str, **extra: Any) -> Transition:
    return Transition(
        name,
        source,
        target,
        label,
        roles=frozenset(permissions.WRITE_ROLES),
        allowed=_manager,
        who="the board's clerk or chair",
        **extra,
    )


MEETING_WORKFLOW = Workflow(
    "board_meeting",
    Meeting.Status,
    [
        _clerk_step(
            "publish_papers",
            (M.SCHEDULED,),
            M.PAPERS_PUBLISHED,
            "Publish the papers",
            guards=(_has_items,),
            effects=(_papers_ready_reminder,),
        ),
        _clerk_step(
            "hold",
            (M.SCHEDULED, M.PAPERS_PUBLISHED),
            M.HELD,
            "Record that the meeting was held",
            guards=(_has_attendance,),
        ),
        _clerk_step(
            "approve_minutes",
            (M.HELD,),
            M.MINUTES_APPROVED,
            "Approve the minutes",
            guards=(_has_minutes, _items_settled),
        ),
        _clerk_step("cancel", (M.SCHEDULED, M.PAPERS_PUBLISHED), M.CANCELLED, "Cancel the meeting"),
    ],
    terminal=(M.MINUTES_APPROVED, M.CANCELLED),
)

# Meetings in which business can be done (attendance, declarations, decisions).
OPEN_MEETING = (M.SCHEDULED, M.PAPERS_PUBLISHED, M.HELD)


def _anyone(item: Any, by: Actor) -> bool:
    return by.user is not None  # the decision service has already checked the person may record it


def _item_manager(item: AgendaItem, by: Actor) -> bool:
    return permissions.may_manage(item.meeting.board, by.user)


_DECIDED = (I.APPROVED, I.REJECTED, I.DEFERRED, I.NOTED)
# A correction moves an item from one outcome to another, so every outcome can be reached from every other.
ITEM_WORKFLOW = Workflow(
    "board_item",
    AgendaItem.Status,
    [
        Transition("approve", (I.OPEN, *_DECIDED), I.APPROVED, "Approve", allowed=_anyone, who="the chair or clerk"),
        Transition("reject", (I.OPEN, *_DECIDED), I.REJECTED, "Reject", allowed=_anyone, who="the chair or clerk"),
        Transition("defer", (I.OPEN, *_DECIDED), I.DEFERRED, "Defer", allowed=_anyone, who="the chair or clerk"),
        Transition("note", (I.OPEN, *_DECIDED), I.NOTED, "Note", allowed=_anyone, who="the chair or clerk"),
        Transition(
            "withdraw", (I.OPEN,), I.WITHDRAWN, "Withdraw", allowed=_item_manager, who="the board's clerk or chair"
        ),
    ],
    terminal=(I.WITHDRAWN,),
)
