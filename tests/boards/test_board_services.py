"""Board, seats and meetings: guardian grants follow the seats; attendance, substitutes, the chair in the chair's
absence, declarations and exclusions; the meeting's state machine; every change audited."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from boards import permissions, rules
from boards import seats as board_seats
from boards import services as board_services
from boards.demo import BOARD_NAME
from boards.models import AgendaItem, Attendance, Board, BoardMember, Meeting
from core.audit import history_for
from core.errors import DomainError, NotPermitted, TransitionNotAllowed
from partners.models import Role
from tests.factories.board import acting
from tests.factories.partners import person

pytestmark = pytest.mark.django_db


def test_seats_and_clerks_hold_the_right_object_permissions(lichfield):
    board = lichfield.board
    walker, ccg = lichfield.seats["walker"].person, lichfield.seats["ccg"].person
    assert permissions.perms_on(board, lichfield.clerk) == {"view_board", "clerk_board"}
    assert permissions.perms_on(board, walker) == {"view_board", "sit_on_board", "chair_board"}
    assert permissions.perms_on(board, ccg) == {"view_board", "sit_on_board"}
    assert walker.has_perm("boards.chair_board", board) and not ccg.has_perm("boards.chair_board", board)
    assert not lichfield.world.outsider.has_perm("boards.view_board", board)
    board_seats.board_member_remove(member=lichfield.seats["ccg"], by=lichfield.clerk_acting)
    assert permissions.perms_on(board, ccg) == frozenset()
    assert [e.action for e in history_for(board)][-1] == "board.created"


def test_removing_a_member_removes_their_named_substitute(lichfield):
    board_seats.board_member_remove(member=lichfield.seats["scc_lead"], by=lichfield.clerk_acting)
    sub = BoardMember.objects.get(pk=lichfield.seats["sub"].pk)
    assert not sub.active
    assert permissions.perms_on(lichfield.board, sub.person) == frozenset()


def test_only_the_clerk_or_chair_manage_the_board(lichfield):
    member = lichfield.seats["ccg"]
    with pytest.raises(NotPermitted, match="clerk or chair"):
        board_services.meeting_create(
            board=lichfield.board, starts_at=lichfield.meeting.starts_at, location="", by=lichfield.by(member.person)
        )


def test_full_members_must_hold_a_role_for_a_partner(lichfield):
    outsider_org = lichfield.world.other_council
    someone = person(outsider_org, Role.BOARD_MEMBER)
    with pytest.raises(DomainError, match="not a partner"):
        board_seats.board_member_add(
            board=lichfield.board, person=someone, organisation=outsider_org, kind="full", by=lichfield.clerk_acting
        )
    # A council that is not a partner sits as another public body: under these terms of reference it advises.
    with pytest.raises(DomainError, match="another public body does not vote"):
        board_seats.board_member_add(
            board=lichfield.board,
            person=someone,
            organisation=outsider_org,
            kind="full",
            seat_kind="public_body",
            by=lichfield.clerk_acting,
        )
    adviser = board_seats.board_member_add(
        board=lichfield.board,
        person=someone,
        organisation=outsider_org,
        kind="advisory",
        seat_kind="public_body",
        by=lichfield.clerk_acting,
    )
    assert adviser.kind == "advisory"
    with pytest.raises(DomainError, match="does not act for"):
        board_seats.board_member_add(
            board=lichfield.board,
            person=lichfield.world.bidder,
            organisation=lichfield.world.district,
            kind="full",
            by=lichfield.clerk_acting,
        )


def test_a_substitute_stands_in_for_their_own_member_only(lichfield):
    other_sub = person(lichfield.world.county, Role.BOARD_MEMBER)
    with pytest.raises(DomainError, match="must also act for"):
        board_seats.board_member_add(
            board=lichfield.board,
            person=other_sub,
            organisation=lichfield.world.county,
            kind="substitute",
            substitute_for=lichfield.seats["ccg"],
            by=lichfield.clerk_acting,
        )
    entries = [board_services.AttendanceEntry(lichfield.seats["sub"], "present", lichfield.seats["ccg"])]
    with pytest.raises(DomainError) as refused:
        board_services.attendance_record(meeting=lichfield.meeting, entries=entries, by=lichfield.clerk_acting)
    assert refused.value.problems == ["Tom Jones is not the named substitute for Wayne Fisher"]
    with pytest.raises(DomainError) as refused:
        lichfield.attend("walker", "scc_lead", substitute=True)
    assert refused.value.problems == ["Tom Jones cannot substitute for Jon Hale, who is present"]


def test_attendance_changes_during_the_meeting_are_audited(lichfield):
    lichfield.attend("walker", "ccg")
    row = Attendance.objects.get(meeting=lichfield.meeting, member=lichfield.seats["ccg"])
    board_services.attendance_record(
        meeting=lichfield.meeting,
        entries=[board_services.AttendanceEntry(lichfield.seats["ccg"], "absent")],
        by=lichfield.clerk_acting,
    )
    row.refresh_from_db()
    assert row.status == "absent"
    assert [(e.action, e.from_state, e.to_state) for e in history_for(row)] == [
        ("board.attendance_changed", "present", "absent"),
        ("board.attendance_recorded", "", "present"),
    ]


def test_when_the_chair_is_absent_a_chair_is_appointed_from_those_present(lichfield):
    meeting = lichfield.meeting
    lichfield.attend("director", "scc_lead", "ccg", "pcc", apologies=("walker",))
    assert rules.meeting_chair(meeting) is None
    with pytest.raises(DomainError, match="not recorded as present"):
        board_services.meeting_appoint_chair(meeting=meeting, member=lichfield.seats["econ"], by=lichfield.clerk_acting)
    board_services.meeting_appoint_chair(meeting=meeting, member=lichfield.seats["director"], by=lichfield.clerk_acting)
    meeting.refresh_from_db()
    assert rules.meeting_chair(meeting) == lichfield.seats["director"]
    # The chair arrives: they chair, and no one else can be appointed.
    lichfield.attend("walker", "director", "scc_lead", "ccg", "pcc")
    assert rules.meeting_chair(meeting) == lichfield.seats["walker"]
    with pytest.raises(DomainError, match="is present and chairs"):
        board_services.meeting_appoint_chair(meeting=meeting, member=lichfield.seats["ccg"], by=lichfield.clerk_acting)


def test_declarations_are_made_by_the_member_or_recorded_by_the_clerk(lichfield):
    item = lichfield.item()
    ccg, pcc = lichfield.seats["ccg"], lichfield.seats["pcc"]
    with pytest.raises(NotPermitted, match="your own"):
        board_services.declaration_record(
            item=item, member=pcc, has_interest=False, interest="", by=lichfield.by(ccg.person)
        )
    with pytest.raises(DomainError, match="Describe the interest"):
        board_services.declaration_record(
            item=item, member=ccg, has_interest=True, interest=" ", by=lichfield.by(ccg.person)
        )
    board_services.declaration_record(
        item=item, member=ccg, has_interest=False, interest="", by=lichfield.by(ccg.person)
    )
    changed = board_services.declaration_record(
        item=item, member=ccg, has_interest=True, interest="My spouse works for a bidder", by=lichfield.by(ccg.person)
    )
    assert changed.has_interest and changed.interest == "My spouse works for a bidder"
    assert [e.action for e in history_for(changed)] == ["board.declaration_changed", "board.interest_declared"]
    board_services.declaration_record(item=item, member=pcc, has_interest=False, interest="", by=lichfield.clerk_acting)


def test_only_the_meetings_chair_excludes_and_only_a_declared_member(lichfield):
    item = lichfield.item()
    lichfield.attend("walker", "scc_lead", "ccg", "pcc")
    ccg, pcc = lichfield.seats["ccg"], lichfield.seats["pcc"]
    with pytest.raises(DomainError, match="has not declared an interest"):
        board_services.exclusion_record(item=item, member=pcc, reason="x", by=lichfield.chair_acting)
    board_services.declaration_record(
        item=item, member=ccg, has_interest=True, interest="Trustee of a bidder", by=lichfield.by(ccg.person)
    )
    with pytest.raises(NotPermitted, match="Only the chair of this meeting"):
        board_services.exclusion_record(item=item, member=ccg, reason="Conflict", by=lichfield.clerk_acting)
    exclusion = board_services.exclusion_record(
        item=item, member=ccg, reason="Trustee of a bidder", by=lichfield.chair_acting
    )
    assert exclusion.chair == lichfield.seats["walker"]
    assert rules.quorum_for(item).seats == 3
    assert [e.action for e in history_for(exclusion)] == ["board.member_excluded"]
    with pytest.raises(DomainError, match="already excluded"):
        board_services.exclusion_record(item=item, member=ccg, reason="again", by=lichfield.chair_acting)


def test_an_appointed_chair_may_exclude(lichfield):
    item = lichfield.item()
    lichfield.attend("director", "scc_lead", "ccg", "pcc", apologies=("walker",))
    board_services.meeting_appoint_chair(
        meeting=lichfield.meeting, member=lichfield.seats["director"], by=lichfield.clerk_acting
    )
    ccg = lichfield.seats["ccg"]
    board_services.declaration_record(
        item=item, member=ccg, has_interest=True, interest="Interest", by=lichfield.by(ccg.person)
    )
    with pytest.raises(NotPermitted):
        board_services.exclusion_record(
            item=item, member=ccg, reason="x", by=lichfield.chair_acting
        )  # Walker is absent
    board_services.exclusion_record(
        item=item, member=ccg, reason="Interest", by=lichfield.by(lichfield.seats["director"].person)
    )


def test_the_meeting_moves_through_its_states(lichfield):
    meeting, clerk = lichfield.meeting, lichfield.clerk_acting
    with pytest.raises(TransitionNotAllowed) as refused:
        board_services.meeting_transition(meeting=meeting, name="publish_papers", by=clerk)
    assert refused.value.problems == ["Add at least one agenda item"]
    item = lichfield.item()
    meeting = board_services.meeting_transition(meeting=meeting, name="publish_papers", by=clerk)
    with pytest.raises(TransitionNotAllowed, match="Cannot record that the meeting was held"):
        board_services.meeting_transition(meeting=meeting, name="hold", by=clerk)
    lichfield.attend("walker", "scc_lead", "ccg", "pcc")
    meeting = board_services.meeting_transition(meeting=meeting, name="hold", by=clerk)
    with pytest.raises(TransitionNotAllowed) as refused:
        board_services.meeting_transition(meeting=meeting, name="approve_minutes", by=clerk)
    assert refused.value.problems == ["Record the minutes", "1 item has no outcome yet: decide, defer or withdraw it"]
    board_services.decision_record(item=item, outcome="note", by=lichfield.chair_acting)
    board_services.minutes_record(meeting=meeting, minutes="The board met and noted the report.", by=clerk)
    meeting = board_services.meeting_transition(meeting=meeting, name="approve_minutes", by=clerk)
    assert meeting.status == Meeting.Status.MINUTES_APPROVED
    actions = [e.action for e in history_for(meeting)]
    assert actions[:4] == [
        "board_meeting.approve_minutes",
        "board.minutes_recorded",
        "board_meeting.hold",
        "board_meeting.publish_papers",
    ]
    # Once the minutes are approved nothing about the meeting can change.
    with pytest.raises(DomainError, match="can no longer change"):
        lichfield.attend("walker")


def test_a_member_cannot_move_the_meeting(lichfield):
    lichfield.item()
    member = lichfield.seats["ccg"]
    with pytest.raises(TransitionNotAllowed, match="Only the board's clerk or chair"):
        board_services.meeting_transition(
            meeting=lichfield.meeting, name="publish_papers", by=lichfield.by(member.person)
        )


def test_items_are_numbered_and_withdrawn(lichfield, fake_award):
    first = lichfield.item()
    award = lichfield.item(AgendaItem.Kind.AWARD, subject_id=2)
    assert (first.order, award.order) == (1, 2)
    assert award.title == "Older people's independence service: award recommendation 2"
    assert (award.subject_kind, award.subject_id) == ("procurement.award_recommendation", 2)
    with pytest.raises(DomainError, match="no such award"):
        lichfield.item(AgendaItem.Kind.AWARD, subject_id=99)
    board_services.item_withdraw(item=first, by=lichfield.clerk_acting)
    first.refresh_from_db()
    assert first.status == AgendaItem.Status.WITHDRAWN


def test_board_creation_is_for_a_partners_commissioner(world):
    board = {"partnership": world.partnership, "name": "X", "min_members": 1, "min_share": Decimal("0")}
    with pytest.raises(NotPermitted, match="member of this partnership"):
        board_seats.board_create(**board, by=acting(world.outsider, world.other_council))
    with pytest.raises(DomainError, match="Add the board's members first"):
        board_seats.board_create(
            **board, required_organisations=[world.other_council], by=acting(world.lead_commissioner, world.county)
        )


def test_demo_has_the_lichfield_board_and_loads_idempotently():
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    board = Board.objects.get(name=BOARD_NAME)
    assert board.members.filter(kind="full", active=True).count() == 7
    assert board.members.filter(kind="substitute").get().substitute_for.person.full_name == "Jon Hale"
    assert board.chair.person.email == "chris@lichfield.demo"
    assert (board.min_members, str(board.min_share)) == (4, "51.00")
    assert [o.name for o in board.required_organisations.all()] == ["Lichfield District Council"]
    assert board.clerks.get().email == "sam@lichfield.demo"
    assert board.chair.person.has_perm("boards.chair_board", board)
    # The next meeting: the two seeded items, the worked example's evaluation method and an award to approve.
    meeting = Meeting.objects.get(board=board, starts_at__gt=timezone.now())
    assert meeting.items.count() == 4
    assert set(meeting.items.values_list("kind", flat=True)) >= {"evaluation_method", "award"}
    # The tendering demo's last meeting: held, it approved a method, its minutes approved. (The grants demo's
    # meeting, which decided a grant round, is held earlier today.)
    held = Meeting.objects.exclude(items__kind=AgendaItem.Kind.GRANT_AWARD).get(
        board=board, starts_at__lt=timezone.now()
    )
    assert Meeting.objects.filter(board=board, items__kind=AgendaItem.Kind.GRANT_AWARD).count() == 1
    assert held.status == "minutes_approved" and held.items.get().status == "approved"
