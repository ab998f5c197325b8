"""The board's checks: read, never write.

First the quorum rule, checked as a pure function over data (no database); then the checks on a meeting's records
that feed it (who is present, who chairs, who may record a decision), which read the database.

A board is quorate for an item when, counting only **full members taking part in that item**:

- at least ``min_members`` are present;
- they are at least ``min_share`` per cent of the full membership (compared exactly:
  ``counted * 100 >= min_share * full_members``, so 51 % of 100 needs 51, and 51 % of 7 needs 4);
- someone from each required organisation is among them.

Who counts: a full member who is present; a named substitute present *for* a full member counts in that member's
place (once: a member and their substitute both present count as one seat). Advisory members never count. A member
excluded from the item by the chair does not count for that item.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import Any

from boards import permissions
from boards.models import AgendaItem, Attendance, Board, BoardMember, ChairAbsenceRule, Decision, Exclusion, Meeting

FULL = "full"
SUBSTITUTE = "substitute"
ADVISORY = "advisory"


@dataclass(frozen=True)
class OrganisationRef:
    id: int
    name: str


@dataclass(frozen=True)
class Rule:
    min_members: int
    min_share: Decimal  # per cent, for example Decimal("51")
    required_organisations: tuple[OrganisationRef, ...]
    full_member_ids: frozenset[int]  # the board's active full members (the membership the share is of)


@dataclass(frozen=True)
class Attendee:
    member_id: int
    name: str
    organisation_id: int
    kind: str  # "full", "substitute" or "advisory"
    substituting_for: int | None = None  # a substitute's full member


@dataclass(frozen=True)
class QuorumResult:
    ok: bool
    failures: list[str]
    counted: list[str]  # names of the people counted
    not_counted: list[tuple[str, str]]  # (name, why) for people present who do not count
    seats: int  # full members represented
    full_members: int
    share: Decimal  # per cent, rounded down to a whole number for display
    required: list[str] = field(default_factory=list)  # required organisations, by name

    @property
    def summary(self) -> str:
        head = "Quorate" if self.ok else "Not quorate"
        text = f"{head}: {self.seats} of {self.full_members} full member{'s' if self.full_members != 1 else ''} ({self.share}%)"
        if self.ok and self.required:
            text += f", including {_and(self.required)}"
        return text

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "failures": list(self.failures),
            "counted": list(self.counted),
            "not_counted": [list(x) for x in self.not_counted],
            "seats": self.seats,
            "full_members": self.full_members,
            "share": str(self.share),
            "summary": self.summary,
        }


def check(rule: Rule, attendance: Sequence[Attendee], exclusions: Collection[int] = ()) -> QuorumResult:
    """Is the board quorate for an item? ``attendance``: the people present; ``exclusions``: member ids the chair
    excluded from this item."""
    excluded = set(exclusions)
    seats: dict[int, Attendee] = {}
    not_counted: list[tuple[str, str]] = []
    excluded_present: list[Attendee] = []
    for person in attendance:
        if person.kind == ADVISORY:
            not_counted.append((person.name, "advisory member"))
            continue
        if person.member_id in excluded:
            not_counted.append((person.name, "excluded from this item"))
            excluded_present.append(person)
            continue
        if person.kind == FULL and person.member_id in rule.full_member_ids:
            seat = person.member_id
        elif person.kind == SUBSTITUTE and person.substituting_for in rule.full_member_ids:
            seat = person.substituting_for
        elif person.kind == SUBSTITUTE:
            not_counted.append((person.name, "substitute not standing in for a member"))
            continue
        else:
            not_counted.append((person.name, "not a current full member"))
            continue
        if seat in seats:
            not_counted.append((person.name, f"{seats[seat].name} already holds this seat"))
            continue
        seats[seat] = person

    counted = len(seats)
    full = len(rule.full_member_ids)
    failures: list[str] = []
    note = _excluded_note(excluded_present)
    if counted < rule.min_members:
        failures.append(
            f"Only {counted} full member{'s' if counted != 1 else ''} present; at least {rule.min_members} needed{note}"
        )
    if counted * 100 < rule.min_share * full:
        failures.append(
            f"{_percent(rule.min_share)}% of full members needed: {counted} of {full} present ({_share(counted, full)}%){note}"
        )
    represented = {p.organisation_id for p in seats.values()}
    excluded_orgs = {p.organisation_id for p in excluded_present}
    for organisation in rule.required_organisations:
        if organisation.id in represented:
            continue
        if organisation.id in excluded_orgs:
            failures.append(
                f"No one from {organisation.name} is present and taking part: their member is excluded from this item"
            )
        else:
            failures.append(f"No one from {organisation.name} is present")
    return QuorumResult(
        ok=not failures,
        failures=failures,
        counted=[p.name for p in seats.values()],
        not_counted=not_counted,
        seats=counted,
        full_members=full,
        share=_share(counted, full),
        required=[o.name for o in rule.required_organisations],
    )


def _share(counted: int, full: int) -> Decimal:
    if full == 0:
        return Decimal("0")
    # Rounded down, so a failing share is never displayed as the share it fails to reach.
    return (Decimal(counted) * 100 / Decimal(full)).quantize(Decimal("1"), rounding=ROUND_DOWN)


def _percent(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def _excluded_note(excluded: list[Attendee]) -> str:
    if not excluded:
        return ""
    names = _and([p.name for p in excluded])
    return f" ({names} {'is' if len(excluded) == 1 else 'are'} excluded from this item)"


def _and(names: Sequence[str]) -> str:
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


# --- the checks on the board's records: read the database, never write ---------------------------------------


def present_attendance(meeting: Meeting) -> list[Attendance]:
    return list(
        Attendance.objects.filter(meeting=meeting, status=Attendance.Status.PRESENT).select_related(
            "member__person", "member__organisation", "substituting_for__person"
        )
    )


def meeting_chair(meeting: Meeting, present: Sequence[Attendance] | None = None) -> BoardMember | None:
    """Who chairs this meeting: the board's chair if present; else (by the board's rule) the deputy if present;
    else the chair appointed from those present; else nobody yet."""
    present = present_attendance(meeting) if present is None else present
    by_id = {a.member_id: a.member for a in present}
    board = meeting.board
    if board.chair_id in by_id:
        return by_id[board.chair_id]
    if board.chair_absence_rule == ChairAbsenceRule.DEPUTY and board.deputy_chair_id in by_id:
        return by_id[board.deputy_chair_id]
    if meeting.acting_chair_id in by_id:
        return by_id[meeting.acting_chair_id]
    return None


def seat_of(board: Board, user: Any) -> BoardMember | None:
    if user is None:
        return None
    return BoardMember.objects.filter(board=board, person=user, active=True).first()


def quorum_rule(board: Board) -> Rule:
    return Rule(
        min_members=board.min_members,
        min_share=board.min_share,
        required_organisations=tuple(
            OrganisationRef(o.pk, o.name) for o in board.required_organisations.all().order_by("name")
        ),
        full_member_ids=frozenset(
            BoardMember.objects.filter(board=board, active=True, kind=BoardMember.Kind.FULL).values_list(
                "pk", flat=True
            )
        ),
    )


def _attendee(a: Attendance) -> Attendee:
    name = f"{a.member.person} ({a.member.organisation})"
    if a.substituting_for_id:
        name = f"{a.member.person} ({a.member.organisation}, substituting for {a.substituting_for.person})"
    return Attendee(
        member_id=a.member_id,
        name=name,
        organisation_id=a.member.organisation_id,
        kind=a.member.kind,
        substituting_for=a.substituting_for_id,
    )


def quorum_for(item: AgendaItem, present: Sequence[Attendance] | None = None) -> QuorumResult:
    """Is the board quorate for this item now, from the recorded attendance and the item's exclusions?"""
    meeting = item.meeting
    present = present_attendance(meeting) if present is None else present
    excluded = set(Exclusion.objects.filter(item=item).values_list("member_id", flat=True))
    return check(quorum_rule(meeting.board), [_attendee(a) for a in present], excluded)


def current_decision(item: AgendaItem) -> Decision | None:
    return Decision.objects.filter(item=item, corrected_by__isnull=True).order_by("-recorded_at", "-pk").first()


def may_record_decision(item: AgendaItem, user: Any) -> bool:
    if user is None:
        return False
    if permissions.may_manage(item.meeting.board, user):
        return True
    chair = meeting_chair(item.meeting)
    return chair is not None and chair.person_id == user.pk
