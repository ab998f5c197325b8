"""Board approval of the final specification and the assessment panel (seed 002, 4.4: "tenders will be invited based
on final specifications that have been agreed by the LCB"): set on the board that approves the partnership's
tenders, enforced by the publish step, which names what is missing."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.urls import reverse

from boards import seats as board_seats
from boards import selectors as board_selectors
from boards import services as board_services
from boards.models import AgendaItem, Board
from core.audit import AuditEvent
from core.errors import DomainError
from core.workflow import TransitionNotAllowed
from partners.models import Role
from procurement.evaluation import services as evaluation_services
from procurement.tenders import services as tender_services
from procurement.workflows import TENDER_WORKFLOW
from tests.conftest import sign_in
from tests.factories.board import MeetingFactory, acting, present, simple_board
from tests.factories.procurement import (
    add_to_panel,
    draft_tender,
    evaluator,
    lead_of,
    signed_assessment,
    standard_method,
)


def _require(board: Board, chair, **flags) -> Board:
    return board_seats.board_update(
        board=board,
        name=board.name,
        purpose=board.purpose,
        parent_board_name=board.parent_board_name,
        min_members=board.min_members,
        min_share=board.min_share,
        required_organisations=list(board.required_organisations.all()),
        chair_absence_rule=board.chair_absence_rule,
        is_public=board.is_public,
        by=chair,
        **flags,
    )


@pytest.fixture
def approving(world):
    """The Lichfield board, chaired by a district board member, with its method approved for a draft tender."""
    chair = world.member(world.district, Role.BOARD_MEMBER)
    board = simple_board(world.partnership, chair, world.district, name="Lichfield Locality Commissioning Board")
    chair_acting = acting(chair, world.district)
    lead = lead_of(world)
    tender = draft_tender(world)
    standard_method(tender, lead)
    method = tender_services.method_submit(tender=tender, by=lead)
    meeting = MeetingFactory(board=board)
    present(meeting, board.chair)
    item = board_services.item_add(meeting=meeting, kind="evaluation_method", subject_id=method.pk, by=chair_acting)
    board_services.decision_record(item=item, outcome="approve", by=chair_acting)
    tender.refresh_from_db()
    assert tender.status == "method_approved"
    signed_assessment(tender, lead)  # the Procurement Act's conflicts assessment, so only the board's step is awaited
    return SimpleNamespace(board=board, chair=chair_acting, tender=tender, meeting=meeting, lead=lead)


def _board_problems(problems: list[str]) -> list[str]:
    return [p for p in problems if p.startswith("The board")]


def _decide(meeting, kind: str, tender, outcome: str, chair) -> AgendaItem:
    item = board_services.item_add(meeting=meeting, kind=kind, subject_id=tender.pk, by=chair)
    board_services.decision_record(item=item, outcome=outcome, minute="As discussed", by=chair)
    return item


def test_publication_waits_for_the_boards_approval_of_the_specification_and_panel(world, approving):
    board, chair, tender, meeting, lead = (
        approving.board,
        approving.chair,
        approving.tender,
        approving.meeting,
        approving.lead,
    )
    board = _require(board, chair, approves_specification=True, approves_panel=True)

    with pytest.raises(TransitionNotAllowed) as refused:
        tender_services.tender_publish(tender=tender, by=lead)
    assert refused.value.problems == [
        "The board has not approved the final specification (Lichfield Locality Commissioning Board must approve it)",
        "The board has not approved the assessment panel (Lichfield Locality Commissioning Board must approve it)",
    ]
    steps = {step.name: problems for step, problems in TENDER_WORKFLOW.possible_for(tender, lead)}
    assert "The board has not approved the final specification" in " ".join(steps["publish"])

    # The specification is on offer to the board; the panel only once the lead has named it.
    offered = {(p.kind, p.subject_id) for p in board_selectors.pending_approvals(board)}
    assert offered == {("specification", tender.pk)}
    with pytest.raises(DomainError, match="no assessment panel yet"):
        board_services.item_add(meeting=meeting, kind="assessment_panel", subject_id=tender.pk, by=chair)
    dee = evaluator(world, world.county, "Dee Okafor")
    member = add_to_panel(tender, lead, dee)
    evaluation_services.interests_declare(
        evaluator=member, has_interest=False, interest="", by=acting(dee, world.county)
    )
    offered = {(p.kind, p.subject_id) for p in board_selectors.pending_approvals(board)}
    assert offered == {("specification", tender.pk), ("assessment_panel", tender.pk)}

    # The board rejects the specification first: still refused, and the lead is told.
    _decide(meeting, "specification", tender, "reject", chair)
    assert AuditEvent.objects.filter(action="tender.board_specification_reject", object_id=str(tender.pk)).exists()
    _decide(meeting, "specification", tender, "approve", chair)
    with pytest.raises(TransitionNotAllowed) as refused:
        tender_services.tender_publish(tender=tender, by=lead)
    assert _board_problems(refused.value.problems) == [
        "The board has not approved the assessment panel (Lichfield Locality Commissioning Board must approve it)"
    ]
    panel_item = _decide(meeting, "assessment_panel", tender, "approve", chair)
    assert panel_item.title == f"{tender.title}: assessment panel"
    decision = panel_item.decisions.get()
    assert decision.public_summary == f"The assessment panel for {tender.title} (1 member)."
    assert board_selectors.pending_approvals(board) == []

    # The panel and the board have acted on the tender since the assessment was signed: the lead reviews it.
    signed_assessment(tender, lead)
    tender = tender_services.tender_publish(tender=tender, by=lead)
    assert tender.status == "published"
    # Once published there is nothing more to approve before publication.
    with pytest.raises(DomainError, match="past publication"):
        board_services.item_add(meeting=meeting, kind="specification", subject_id=tender.pk, by=chair)


def test_without_the_setting_the_tender_publishes_as_before(approving):
    assert not approving.board.approves_specification and not approving.board.approves_panel
    assert tender_services.tender_publish(tender=approving.tender, by=approving.lead).status == "published"


def test_the_setting_belongs_to_the_board_that_approves_the_partnerships_tenders(world, approving):
    """A second board of the partnership requiring approvals changes nothing: it does not approve the tenders."""
    second = board_seats.board_create(
        partnership=world.partnership,
        name="Lichfield Health Sub-board",
        approves_specification=True,
        by=approving.lead,
    )
    assert not second.decides_tenders
    assert tender_services.tender_publish(tender=approving.tender, by=approving.lead).status == "published"


def test_the_board_page_and_the_edit_form_say_what_the_board_approves(client, world, approving):
    board, chair = approving.board, approving.chair
    _require(board, chair, approves_specification=True)
    sign_in(client, chair.user, world.district)
    page = client.get(reverse("board-detail", args=[board.pk])).content.decode()
    assert "and the final specification of each tender before it is published" in page
    form = client.get(reverse("board-edit", args=[board.pk])).content.decode()
    assert "must approve each tender&#x27;s final specification" in form or "must approve each tender's final" in form
