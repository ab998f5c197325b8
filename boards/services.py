"""Every write for the commissioning board: keyword-only, atomic, validating, audited.

Boards, seats (full, substitute, advisory), chairs and clerks; meetings and their agenda; attendance; declarations
of interest; exclusions by the chair; decisions (quorum checked at the moment of decision; immutable; corrected by
a new record; the subject's own state machine moved through ``core.handlers``); minutes; reminders.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from boards import permissions, rules
from boards.models import (
    AgendaItem,
    Attendance,
    Board,
    BoardMember,
    Decision,
    Declaration,
    Exclusion,
    Meeting,
)
from boards.seats import acting_user, require_manager
from boards.workflows import ITEM_WORKFLOW, MEETING_WORKFLOW, OPEN_MEETING
from core import audit, handlers
from core.actors import Actor
from core.errors import DomainError, NotPermitted
from core.service import service
from core.tenancy import unscoped
from core.workflow import transition
from partners.models import User

# Agenda item kinds decided on a higher app's object, and the subject kind the higher app registers for it.
SUBJECT_KINDS = rules.SUBJECT_KINDS
OUTCOME_TRANSITION = {
    Decision.Outcome.APPROVE: "approve",
    Decision.Outcome.REJECT: "reject",
    Decision.Outcome.DEFER: "defer",
    Decision.Outcome.NOTE: "note",
}


# --- meetings and agenda --------------------------------------------------------------------------------------


@service
def meeting_create(*, board: Board, starts_at: dt.datetime, location: str, by: Actor) -> Meeting:
    require_manager(board, by)
    if timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at)
    meeting = Meeting.objects.create(
        board=board, starts_at=starts_at, location=location.strip(), created_by=acting_user(by)
    )
    audit.record(obj=meeting, action="board.meeting_scheduled", by=by, to_state=meeting.status)
    return meeting


@service
def meeting_transition(*, meeting: Meeting, name: str, by: Actor, reason: str = "") -> Meeting:
    return transition(obj=meeting, workflow=MEETING_WORKFLOW, name=name, by=by, reason=reason)


def _require_open_meeting(meeting: Meeting) -> None:
    if meeting.status not in OPEN_MEETING:
        raise DomainError(f"This meeting is {meeting.get_status_display().lower()}: its business can no longer change")


@service
def item_add(
    *,
    meeting: Meeting,
    kind: str,
    by: Actor,
    title: str = "",
    summary: str = "",
    subject_id: int | None = None,
    presented_by: User | None = None,
    paper: UploadedFile | None = None,
) -> AgendaItem:
    """Put an item on the agenda. Approving an evaluation method or an award names its subject (from the
    tendering app, through ``core.handlers``); a monitoring report or other business has none."""
    require_manager(meeting.board, by)
    if meeting.status not in (Meeting.Status.SCHEDULED, Meeting.Status.PAPERS_PUBLISHED):
        raise DomainError("Items can only be added before the meeting is held")
    if kind not in AgendaItem.Kind.values:
        raise DomainError("Choose the kind of item", field="kind")
    subject_kind = SUBJECT_KINDS.get(kind, "")
    if subject_kind:
        blockers = rules.tender_approval_blockers(meeting.board)
        if blockers:
            raise DomainError(blockers[0], field="kind")
        if not handlers.has(subject_kind):
            raise DomainError("Tendering is not set up yet, so there is nothing of this kind to decide", field="kind")
        if subject_id is None:
            raise DomainError("Choose what the board is asked to approve", field="subject_id")
        check = handlers.find(subject_kind, "check")
        with unscoped(reason="the higher app checks the subject put to the board"):
            if check is not None:
                check(subject_id=int(subject_id), board=meeting.board)
            title = title.strip() or str(handlers.get(subject_kind, "title")(subject_id=int(subject_id)))
    else:
        subject_id = None
    if not title.strip():
        raise DomainError("Enter the item's title", field="title")
    last = AgendaItem.objects.filter(meeting=meeting).order_by("-order").values_list("order", flat=True).first()
    item = AgendaItem(
        meeting=meeting,
        order=(last or 0) + 1,
        kind=kind,
        title=title.strip()[:300],
        summary=summary.strip(),
        subject_kind=subject_kind,
        subject_id=subject_id,
        presented_by=presented_by,
    )
    if paper is not None:
        item.paper_name = (paper.name or "paper").rsplit("/", 1)[-1][:255]
        item.paper.save(item.paper_name, paper, save=False)
    item.save()
    audit.record(
        obj=item,
        action="board.item_added",
        by=by,
        to_state=item.status,
        data={"kind": kind, "subject": f"{subject_kind}:{subject_id}" if subject_kind else ""},
    )
    return item


@service
def item_withdraw(*, item: AgendaItem, by: Actor, reason: str = "") -> AgendaItem:
    return transition(obj=item, workflow=ITEM_WORKFLOW, name="withdraw", by=by, reason=reason)


# --- attendance and the chair ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceEntry:
    member: BoardMember
    status: str  # Attendance.Status value, or "" for "not recorded"
    substituting_for: BoardMember | None = None


@service
def attendance_record(*, meeting: Meeting, entries: Sequence[AttendanceEntry], by: Actor) -> list[Attendance]:
    """Record who is present, who sent apologies and who is absent. Attendance may change during the meeting
    (someone arrives late or leaves); each decision keeps the attendance it was taken with."""
    board = meeting.board
    require_manager(board, by)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_open_meeting(meeting)
    problems: list[str] = []
    present_full: set[int] = set()
    standing_in: dict[int, BoardMember] = {}
    for e in entries:
        if e.member.board_id != board.pk:
            problems.append(f"{e.member.person} does not sit on this board")
            continue
        if e.status and e.status not in Attendance.Status.values:
            problems.append(f"Choose whether {e.member.person} is present")
        if e.status == Attendance.Status.PRESENT and e.member.is_full:
            present_full.add(e.member.pk)
        if e.substituting_for is not None and e.status == Attendance.Status.PRESENT:
            if e.member.kind != BoardMember.Kind.SUBSTITUTE or e.member.substitute_for_id != e.substituting_for.pk:
                problems.append(f"{e.member.person} is not the named substitute for {e.substituting_for.person}")
            elif e.substituting_for.pk in standing_in:
                problems.append(f"Only one substitute can stand in for {e.substituting_for.person}")
            else:
                standing_in[e.substituting_for.pk] = e.member
    for member_id, sub in standing_in.items():
        if member_id in present_full:
            problems.append(f"{sub.person} cannot substitute for {sub.substitute_for.person}, who is present")
    if problems:
        raise DomainError("The attendance cannot be recorded", problems=problems)

    existing = {a.member_id: a for a in Attendance.objects.filter(meeting=meeting)}
    saved: list[Attendance] = []
    user = acting_user(by)
    for e in entries:
        row = existing.get(e.member.pk)
        substituting_for = e.substituting_for if e.status == Attendance.Status.PRESENT else None
        if not e.status:
            continue
        if row is None:
            row = Attendance.objects.create(
                meeting=meeting, member=e.member, status=e.status, substituting_for=substituting_for, recorded_by=user
            )
            audit.record(
                obj=row, action="board.attendance_recorded", by=by, to_state=row.status, data=_attendance_data(row)
            )
        elif row.status != e.status or row.substituting_for_id != (substituting_for.pk if substituting_for else None):
            before = row.status
            row.status = e.status
            row.substituting_for = substituting_for
            row.recorded_by = user
            row.recorded_at = timezone.now()
            row.save(update_fields=["status", "substituting_for", "recorded_by", "recorded_at"])
            audit.record(
                obj=row,
                action="board.attendance_changed",
                by=by,
                from_state=before,
                to_state=row.status,
                data=_attendance_data(row),
            )
        saved.append(row)
    return saved


def _attendance_data(row: Attendance) -> dict[str, Any]:
    return {
        "member": str(row.member.person),
        "substituting_for": str(row.substituting_for.person) if row.substituting_for else "",
    }


@service
def meeting_appoint_chair(*, meeting: Meeting, member: BoardMember, by: Actor) -> Meeting:
    """In the chair's absence, record the chair appointed from those present."""
    board = meeting.board
    require_manager(board, by)
    _require_open_meeting(meeting)
    present = rules.present_attendance(meeting)
    present_ids = {a.member_id for a in present}
    if board.chair_id in present_ids:
        raise DomainError(f"{board.chair.person} (the chair) is present and chairs the meeting")
    if member.pk not in present_ids:
        raise DomainError(f"{member.person} is not recorded as present", field="member")
    if member.kind == BoardMember.Kind.ADVISORY:
        raise DomainError("An advisory member cannot chair the board", field="member")
    meeting.acting_chair = member
    meeting.save(update_fields=["acting_chair", "updated_at"])
    audit.record(obj=meeting, action="board.chair_appointed", by=by, data={"chair": str(member.person)})
    return meeting


# --- declarations and exclusions ---------------------------------------------------------------------------------


@service
def declaration_record(
    *, item: AgendaItem, member: BoardMember, has_interest: bool, interest: str, by: Actor
) -> Declaration:
    """A member declares an interest in an item (or that they have none). Members declare for themselves; the
    clerk or chair may record a declaration made at the meeting."""
    board = item.meeting.board
    user = acting_user(by)
    if member.board_id != board.pk or not member.active:
        raise DomainError("Only a member of this board can declare an interest")
    if member.person_id != user.pk and not permissions.may_manage(board, user):
        raise NotPermitted("You can only declare your own interests")
    _require_open_meeting(item.meeting)
    if item.status != AgendaItem.Status.OPEN:
        raise DomainError("This item has been decided: declarations for it are closed")
    interest = interest.strip()
    if has_interest and not interest:
        raise DomainError("Describe the interest: what it is and who it concerns", field="interest")
    if not has_interest:
        interest = ""
    declaration = Declaration.objects.select_for_update().filter(item=item, member=member).first()
    if declaration is None:
        declaration = Declaration.objects.create(
            item=item, member=member, has_interest=has_interest, interest=interest, declared_by=user
        )
        audit.record(
            obj=declaration,
            action="board.interest_declared",
            by=by,
            to_state="interest" if has_interest else "none",
            data={"member": str(member.person), "interest": interest},
        )
        return declaration
    before = {"has_interest": declaration.has_interest, "interest": declaration.interest}
    declaration.has_interest = has_interest
    declaration.interest = interest
    declaration.declared_by = user
    declaration.declared_at = timezone.now()
    declaration.save(update_fields=["has_interest", "interest", "declared_by", "declared_at"])
    audit.record(
        obj=declaration,
        action="board.declaration_changed",
        by=by,
        from_state="interest" if before["has_interest"] else "none",
        to_state="interest" if has_interest else "none",
        data={"member": str(member.person), "before": before, "interest": interest},
    )
    return declaration


@service
def exclusion_record(*, item: AgendaItem, member: BoardMember, reason: str, by: Actor) -> Exclusion:
    """The meeting's chair excludes a member who declared an interest from an item. They do not count towards
    the item's quorum and take no part in it. Recorded, and open to scrutiny."""
    meeting = item.meeting
    user = acting_user(by)
    _require_open_meeting(meeting)
    if item.status != AgendaItem.Status.OPEN:
        raise DomainError("This item has been decided: no one can be excluded from it now")
    chair = rules.meeting_chair(meeting)
    if chair is None:
        raise DomainError(
            "The meeting has no chair yet: record who is present, and appoint a chair if the chair is absent"
        )
    if chair.person_id != user.pk:
        raise NotPermitted(f"Only the chair of this meeting ({chair.person}) can exclude a member from an item")
    if not reason.strip():
        raise DomainError("Give the reason for the exclusion", field="reason")
    declaration = Declaration.objects.filter(item=item, member=member, has_interest=True).first()
    if declaration is None:
        raise DomainError(f"{member.person} has not declared an interest in this item", field="member")
    if Exclusion.objects.filter(item=item, member=member).exists():
        raise DomainError(f"{member.person} is already excluded from this item", field="member")
    exclusion = Exclusion.objects.create(item=item, member=member, chair=chair, excluded_by=user, reason=reason.strip())
    audit.record(
        obj=exclusion,
        action="board.member_excluded",
        by=by,
        to_state="excluded",
        reason=reason.strip(),
        data={"member": str(member.person), "item": item.title, "interest": declaration.interest},
    )
    return exclusion


# --- quorum and decisions ------------------------------------------------------------------------------------------


@service
def decision_record(
    *,
    item: AgendaItem,
    outcome: str,
    by: Actor,
    method: str = Decision.Method.CONSENSUS,
    moderation_route: str = "",
    moderation_result: str = "",
    votes_for: int | None = None,
    votes_against: int | None = None,
    votes_abstain: int | None = None,
    minute: str = "",
    corrects: Decision | None = None,
    correction_reason: str = "",
) -> Decision:
    """Record the board's decision on an item, after checking quorum from attendance at this moment (a decision
    without quorum is refused, naming each condition that fails). The decision cannot be changed afterwards; a
    correction is a new decision that ``corrects`` the current one. For an item with a subject, the subject's
    ``on_decision`` handler moves its own state machine in the same transaction."""
    user = acting_user(by)
    item = AgendaItem.objects.select_for_update().select_related("meeting__board").get(pk=item.pk)
    meeting = item.meeting
    if meeting.status == Meeting.Status.CANCELLED:
        raise DomainError("This meeting was cancelled")
    if not rules.may_record_decision(item, user):
        raise NotPermitted("Only the chair of this meeting or the board's clerk can record its decisions")

    current = rules.current_decision(item)
    if corrects is None:
        _require_open_meeting(meeting)
        if current is not None or item.status != AgendaItem.Status.OPEN:
            raise DomainError(
                f"This item is already {item.get_status_display().lower()}. A recorded decision cannot be changed: record a correction"
            )
    else:
        if corrects.item_id != item.pk:
            raise DomainError("That decision is about another item")
        if current is None or current.pk != corrects.pk:
            raise DomainError("Only the item's current decision can be corrected")
        if not correction_reason.strip():
            raise DomainError("Say why the decision is being corrected", field="correction_reason")

    if outcome not in Decision.Outcome.values:
        raise DomainError("Choose the decision", field="outcome")
    if item.has_subject and outcome == Decision.Outcome.NOTE:
        raise DomainError("The board must approve, reject or defer this item", field="outcome")
    if method not in Decision.Method.values:
        raise DomainError("Choose how the decision was reached", field="method")
    votes = (votes_for, votes_against, votes_abstain)
    if method == Decision.Method.CONSENSUS:
        if any(v is not None for v in votes):
            raise DomainError(
                "A decision by consensus has no vote: choose the moderation route to record a vote", field="method"
            )
        moderation_route = moderation_result = ""
    elif not moderation_route.strip():
        raise DomainError(
            "Say which moderation route was used, for example a vote of the full members present",
            field="moderation_route",
        )

    result = rules.quorum_for(item)
    if not result.ok:
        raise DomainError("The board is not quorate for this item, so it cannot decide", problems=result.failures)

    if any(v is not None for v in votes):
        cast = [v or 0 for v in votes]
        if any(v < 0 for v in cast):
            raise DomainError("Votes cannot be negative", field="votes_for")
        if sum(cast) > result.seats:
            raise DomainError(
                f"{sum(cast)} votes recorded but only {result.seats} full member{'s' if result.seats != 1 else ''} can take part in this item",
                field="votes_for",
            )
        vf, va = cast[0], cast[1]
        if outcome == Decision.Outcome.APPROVE and vf <= va:
            raise DomainError(f"The vote was {vf} for and {va} against: that does not approve it", field="outcome")
        if outcome == Decision.Outcome.REJECT and vf > va:
            raise DomainError(f"The vote was {vf} for and {va} against: that does not reject it", field="outcome")

    subject_title = public_summary = ""
    if item.has_subject:
        with unscoped(reason="the decision records the subject's title and public summary"):
            subject_title = str(handlers.get(item.subject_kind, "title")(subject_id=item.subject_id))
            public = handlers.find(item.subject_kind, "public_summary")
            public_summary = str(public(subject_id=item.subject_id)) if public else subject_title

    decision = Decision.objects.create(
        item=item,
        outcome=outcome,
        method=method,
        moderation_route=moderation_route.strip(),
        moderation_result=moderation_result.strip(),
        votes_for=votes_for,
        votes_against=votes_against,
        votes_abstain=votes_abstain,
        minute=minute.strip(),
        quorum=result.as_dict(),
        subject_title=subject_title[:300],
        public_summary=public_summary,
        corrects=corrects,
        correction_reason=correction_reason.strip() if corrects else "",
        recorded_by=user,
        recorded_by_name=user.get_full_name() or user.get_username(),
    )
    transition(
        obj=item,
        workflow=ITEM_WORKFLOW,
        name=OUTCOME_TRANSITION[outcome],  # type: ignore[index]
        by=by,
        reason=correction_reason if corrects else "",
        data={"decision": decision.pk},
    )
    audit.record(
        obj=decision,
        action="board.decision_corrected" if corrects else "board.decision_recorded",
        by=by,
        to_state=outcome,
        reason=correction_reason.strip() if corrects else "",
        data={
            "item": item.title,
            "method": method,
            "votes": [votes_for, votes_against, votes_abstain],
            "quorum": result.summary,
            "corrects": corrects.pk if corrects else None,
        },
    )
    if item.has_subject:
        with unscoped(reason="the decision moves the subject's own state machine"):
            handlers.get(item.subject_kind, "on_decision")(
                subject_id=item.subject_id, outcome=outcome, decision=decision, by=by
            )
    return decision


# --- minutes -----------------------------------------------------------------------------------------------------


@service
def minutes_record(*, meeting: Meeting, minutes: str, by: Actor) -> Meeting:
    require_manager(meeting.board, by)
    meeting = Meeting.objects.select_for_update().select_related("board").get(pk=meeting.pk)
    if meeting.status != Meeting.Status.HELD:
        raise DomainError("Minutes are recorded once the meeting has been held, until they are approved")
    if not minutes.strip():
        raise DomainError("Enter the minutes", field="minutes")
    before = meeting.minutes
    meeting.minutes = minutes.strip()
    meeting.minutes_recorded_at = timezone.now()
    meeting.minutes_recorded_by = acting_user(by)
    meeting.save(update_fields=["minutes", "minutes_recorded_at", "minutes_recorded_by", "updated_at"])
    audit.record(obj=meeting, action="board.minutes_recorded" if not before else "board.minutes_changed", by=by)
    return meeting
