"""The board's checks: read, never write.

First the quorum rule, checked as a pure function over data (no database); then the checks on a meeting's records
that feed it (who is present, who chairs, who may record a decision), which read the database.

A board is quorate for an item when, counting only **full members taking part in that item**:

- at least ``min_members`` are present;
- they are at least ``min_share`` per cent of the full membership (compared exactly:
  ``counted * 100 >= min_share * full_members``, so 51 % of 100 needs 51, and 51 % of 7 needs 4);
- someone from each required organisation is among them;
- where the board's rule requires it, at least one of them is an elected member.

Who counts: a full member who is present (a full seat is a voting seat: partner staff, and the other seat kinds the
board's terms of reference let vote; advisers never); a named substitute present *for* a full member counts in that member's
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
    requires_elected_member: bool = False


@dataclass(frozen=True)
class Attendee:
    member_id: int
    name: str
    organisation_id: int | None
    kind: str  # "full", "substitute" or "advisory"
    substituting_for: int | None = None  # a substitute's full member
    is_elected_member: bool = False


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
    if rule.requires_elected_member and not any(p.is_elected_member for p in seats.values()):
        excluded_elected = [p for p in excluded_present if p.is_elected_member]
        if excluded_elected:
            failures.append(
                f"No elected member present and taking part: {_and([p.name for p in excluded_elected])} "
                f"{'is' if len(excluded_elected) == 1 else 'are'} excluded from this item"
            )
        else:
            failures.append("No elected member present")
    return QuorumResult(
        ok=not failures,
        failures=failures,
        counted=[p.name for p in seats.values()],
        not_counted=not_counted,
        seats=counted,
        full_members=full,
        share=_share(counted, full),
        required=[o.name for o in rule.required_organisations]
        + (["an elected member"] if rule.requires_elected_member else []),
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
            pk
            for pk, seat_kind in BoardMember.objects.filter(
                board=board, active=True, kind=BoardMember.Kind.FULL
            ).values_list("pk", "seat_kind")
            if board.seat_votes(seat_kind)
        ),
        requires_elected_member=board.requires_elected_member,
    )


def _attendee(a: Attendance) -> Attendee:
    name = f"{a.member.person} ({a.member.organisation_name})"
    if a.substituting_for_id:
        name = f"{a.member.person} ({a.member.organisation_name}, substituting for {a.substituting_for.person})"
    return Attendee(
        member_id=a.member_id,
        name=name,
        organisation_id=a.member.organisation_id,
        kind=a.member.kind,
        substituting_for=a.substituting_for_id,
        is_elected_member=a.member.is_elected_member,
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


# --- the partnership's tender approvals -------------------------------------------------------------------------

# Agenda item kinds decided on a higher app's object, and the subject kind the higher app registers for it
# (``core.handlers``).
SPECIFICATION_SUBJECT = "procurement.specification"
PANEL_SUBJECT = "procurement.assessment_panel"
SUBJECT_KINDS: dict[str, str] = {
    AgendaItem.Kind.EVALUATION_METHOD: "procurement.evaluation_method",
    AgendaItem.Kind.SPECIFICATION: SPECIFICATION_SUBJECT,
    AgendaItem.Kind.ASSESSMENT_PANEL: PANEL_SUBJECT,
    AgendaItem.Kind.AWARD: "procurement.award_recommendation",
    AgendaItem.Kind.GRANT_AWARD: "grants.award",
}
_TENDERS = "which board approves a partnership's tenders, and what it has approved, whoever asks"


def tender_board(partnership_id: int) -> Board | None:
    """The board that approves the partnership's tenders (at most one), or ``None``."""
    return Board.objects.unscoped(reason=_TENDERS).filter(partnership_id=partnership_id, decides_tenders=True).first()


def tender_approval_blockers(board: Board) -> list[str]:
    """Why this board cannot take the partnership's tender approvals (another board of the partnership does)."""
    if board.decides_tenders:
        return []
    other = tender_board(board.partnership_id)
    if other is None:
        return [f"{board.name} does not approve the partnership's tenders: set it to approve them first"]
    return [f"{other.name} approves this partnership's tenders, not {board.name}"]


def approved_subject_ids(board: Board, subject_kind: str) -> set[int]:
    """Subjects of ``subject_kind`` whose latest current decision by ``board`` approves them."""
    latest: dict[int, str] = {}
    rows = (
        Decision.objects.unscoped(reason=_TENDERS)
        .filter(item__meeting__board=board, item__subject_kind=subject_kind, corrected_by__isnull=True)
        .order_by("recorded_at", "pk")
        .values_list("item__subject_id", "outcome")
    )
    for subject_id, outcome in rows:
        if subject_id is not None:
            latest[subject_id] = outcome
    return {pk for pk, outcome in latest.items() if outcome == Decision.Outcome.APPROVE}


def tender_approval_problems(*, partnership_id: int, tender_id: int) -> list[str]:
    """What the partnership's board must still approve before the tender is published (seed 002, 4.4: tenders are
    invited on final specifications agreed by the board): the final specification and the assessment panel, each
    when the board's rule requires it."""
    board = tender_board(partnership_id)
    if board is None:
        return []
    problems = []
    if board.approves_specification and tender_id not in approved_subject_ids(board, SPECIFICATION_SUBJECT):
        problems.append(f"The board has not approved the final specification ({board.name} must approve it)")
    if board.approves_panel and tender_id not in approved_subject_ids(board, PANEL_SUBJECT):
        problems.append(f"The board has not approved the assessment panel ({board.name} must approve it)")
    return problems


def voting_organisation_ids(board: Board) -> set[int]:
    """Organisations with an active full (voting) member on the board: the ones its quorum rule may require."""
    return {
        org
        for org, seat_kind in BoardMember.objects.filter(
            board=board, active=True, kind=BoardMember.Kind.FULL, organisation__isnull=False
        ).values_list("organisation_id", "seat_kind")
        if board.seat_votes(seat_kind)
    }
