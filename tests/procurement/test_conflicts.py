"""The conflicts assessment (Procurement Act 2023 s.83), as the lead commissioner lives it: Staffordshire's lead
cannot publish the Lichfield tender until everyone acting in it is listed with their declaration, every conflict has
its steps, and a named officer has signed; the panel's and the board's declarations are read, never asked twice; a
signed assessment never changes, and it is reviewed again (a new version) before the award is recommended."""

from __future__ import annotations

import pytest

from boards import services as board_services
from core.audit import history_for
from core.errors import DomainError, NotPermitted, TransitionNotAllowed
from core.tenancy import unscoped
from partners.models import Role
from procurement.award import services as award_services
from procurement.conflicts import services as conflicts_services
from procurement.conflicts.models import AssessmentEntry, ConflictsAssessment
from procurement.conflicts.rules import assessment_problems
from procurement.evaluation import services as evaluation_services
from procurement.tenders import services as tender_services
from procurement.tenders.models import Tender
from tests.factories.board import MeetingFactory, present, seat, simple_board
from tests.factories.commissioning import acting
from tests.factories.procurement import (
    LICHFIELD_A_YEAR,
    add_to_panel,
    draft_tender,
    evaluated,
    evaluator,
    signed_assessment,
    standard_method,
)


def _ready_to_publish(world, lead) -> Tender:
    tender = draft_tender(world)
    standard_method(tender, lead)
    tender_services.method_submit(tender=tender, by=lead)
    return tender


def _entry(assessment, name) -> AssessmentEntry:
    return AssessmentEntry._base_manager.get(assessment=assessment, person_name=name)


def test_the_tender_cannot_be_published_until_the_assessment_is_complete_and_signed(world, lead):
    tender = _ready_to_publish(world, lead)
    with pytest.raises(TransitionNotAllowed) as refused:
        tender_services.tender_publish(tender=tender, by=lead)
    assert "No conflicts assessment for this tender" in refused.value.problems

    # The panel is named early; one evaluator declares an interest on the panel page, as they always have.
    user = evaluator(world, world.district, name="Priya Shah")
    seat_ = add_to_panel(tender, lead, user)
    evaluation_services.interests_declare(
        evaluator=seat_,
        has_interest=True,
        interest="My sister volunteers for Age UK South Staffordshire",
        by=acting(user, world.district),
    )

    assessment = conflicts_services.assessment_start(tender=tender, stage="tender", by=lead)
    lead_name = world.lead_commissioner.get_full_name()
    officer = _entry(assessment, lead_name)
    assert officer.capacity == "lead_officer" and officer.declaration == "pending"
    priya = _entry(assessment, "Priya Shah")
    assert (priya.source, priya.declaration) == ("panel", "interest")
    assert priya.interest == "My sister volunteers for Age UK South Staffordshire"

    with pytest.raises(TransitionNotAllowed) as refused:
        tender_services.tender_publish(tender=tender, by=lead)
    assert refused.value.problems == [
        f"Conflicts assessment: 1 person has not declared: {lead_name} (lead officer)",
        "Conflicts assessment: 1 conflict has no steps recorded: Priya Shah (evaluator)",
        "Conflicts assessment: Not signed",
    ]
    with pytest.raises(DomainError) as refused_sign:
        conflicts_services.assessment_sign(assessment=assessment, role="Head of Commissioning", by=lead)
    assert len(refused_sign.value.problems) == 2

    # Priya declares through the panel: the assessment reads her declaration and never asks her again.
    with pytest.raises(DomainError, match="declares through the evaluation panel"):
        conflicts_services.entry_record(entry=priya, declaration="none", by=lead)
    # The lead decides on the panel's conflict where it is always decided; the assessment reads the decision.
    evaluation_services.conflict_decide(
        evaluator=seat_, decision="mitigate", mitigation="She will not score Age UK's bid", by=lead
    )
    conflicts_services.entry_record(entry=officer, declaration="none", by=lead)
    adviser = conflicts_services.entry_add(
        assessment=assessment,
        person_name="Dr Amara Okafor",
        organisation_name="Staffordshire County Council",
        role_title="Public health adviser",
        by=lead,
    )
    with pytest.raises(DomainError, match="Say why no steps are needed"):
        conflicts_services.entry_record(
            entry=adviser, declaration="interest", interest="Former trustee (2019)", step="none_needed", by=lead
        )
    conflicts_services.entry_record(
        entry=adviser,
        declaration="interest",
        interest="Former trustee of a bidder (until 2019)",
        step="none_needed",
        step_detail="Ended over five years ago; no continuing link",
        by=lead,
    )
    with pytest.raises(DomainError, match="Enter your role"):
        conflicts_services.assessment_sign(assessment=assessment, role="  ", by=lead)
    signed = conflicts_services.assessment_sign(assessment=assessment, role="Head of Commissioning", by=lead)
    assert signed.signed_by == world.lead_commissioner and signed.signed_role == "Head of Commissioning"
    priya = _entry(assessment, "Priya Shah")
    assert (priya.step, priya.step_detail) == ("mitigated", "She will not score Age UK's bid")
    assert priya.step_from_source

    # Signed means fixed: nothing about it changes any more.
    with pytest.raises(DomainError, match="signed and cannot change"):
        conflicts_services.entry_record(entry=adviser, declaration="none", by=lead)
    with pytest.raises(DomainError, match="signed and cannot change"):
        conflicts_services.entry_add(assessment=assessment, person_name="Someone else", by=lead)
    assert assessment_problems(tender, stage="tender") == []
    tender = tender_services.tender_publish(tender=tender, by=lead)
    assert tender.status == "published"
    recorded = {e.action for e in _events(assessment)}
    assert {"conflicts.started", "conflicts.person_added", "conflicts.recorded", "conflicts.signed"} <= recorded


def _events(obj):
    with unscoped(reason="the test reads the whole audit trail"):
        return list(history_for(obj))


def test_someone_joining_after_the_signature_means_a_review(world, lead):
    tender = _ready_to_publish(world, lead)
    first = signed_assessment(tender, lead)
    late = evaluator(world, world.county, name="Tom Reed")
    add_to_panel(tender, lead, late)
    with pytest.raises(TransitionNotAllowed) as refused:
        tender_services.tender_publish(tender=tender, by=lead)
    assert any(
        "Not listed, though now acting in the procurement: Tom Reed (evaluator)" in p for p in refused.value.problems
    )
    review = conflicts_services.assessment_start(tender=tender, stage="tender", by=lead)
    assert (review.version, review.supersedes_id) == (2, first.pk)
    first.refresh_from_db()
    assert first.signed_at is not None  # the old version stands, unchanged
    # Tom has not declared yet: the panel's own page asks him; the review waits for it.
    assert "1 person has not declared: Tom Reed (evaluator)" in assessment_problems(tender, stage="tender")
    seat_ = tender.evaluators.get(user=late)
    evaluation_services.interests_declare(
        evaluator=seat_, has_interest=False, interest="", by=acting(late, world.county)
    )
    conflicts_services.assessment_sign(assessment=review, role="Head of Commissioning", by=lead)
    assert tender_services.tender_publish(tender=tender, by=lead).status == "published"


def test_the_board_members_declarations_are_read_from_the_board(world, lead):
    chair_user = world.member(world.district, Role.BOARD_MEMBER)
    board = simple_board(world.partnership, chair_user, world.district, name="Lichfield Locality Commissioning Board")
    member_user = world.member(world.county, Role.BOARD_MEMBER)
    member = seat(board, world.county, user=member_user, role_title="Cabinet member for adult social care")
    tender = draft_tender(world)
    standard_method(tender, lead)
    method = tender_services.method_submit(tender=tender, by=lead)
    chair = acting(chair_user, world.district)
    meeting = MeetingFactory(board=board)
    item = board_services.item_add(meeting=meeting, kind="evaluation_method", subject_id=method.pk, by=chair)
    present(meeting, board.chair, member)
    board_services.declaration_record(
        item=item,
        member=member,
        has_interest=True,
        interest="Trustee of Lichfield Community Transport",
        by=acting(member_user, world.county),
    )
    board_services.exclusion_record(item=item, member=member, reason="A trustee of a likely bidder", by=chair)
    board_services.decision_record(item=item, outcome="approve", by=chair)

    tender = Tender._base_manager.get(pk=tender.pk)
    assessment = conflicts_services.assessment_start(tender=tender, stage="tender", by=lead)
    seen = _entry(assessment, member_user.get_full_name())
    assert (seen.capacity, seen.source, seen.declaration) == ("board_member", "board", "interest")
    assert (seen.interest, seen.step, seen.step_detail) == (
        "Trustee of Lichfield Community Transport",
        "excluded",
        "A trustee of a likely bidder",
    )
    the_chair = _entry(assessment, chair_user.get_full_name())
    assert (the_chair.declaration, the_chair.step) == ("none", "")
    assert not AssessmentEntry._base_manager.filter(assessment=assessment, capacity="lead_officer", user=chair_user)
    signed_assessment(tender, lead)
    assert tender_services.tender_publish(tender=tender, by=lead).status == "published"


def test_the_assessment_is_reviewed_before_the_award_is_recommended(world):
    flow = evaluated(world)
    tender, lead = flow.tender, flow.lead
    # ``evaluated`` signs the award review; take it back to see the guard on its own.
    ConflictsAssessment._base_manager.filter(tender=tender, stage="award").delete()
    with pytest.raises(TransitionNotAllowed) as refused:
        award_services.recommend(tender=tender, by=lead, choices=[(flow.bids[0], LICHFIELD_A_YEAR)])
    assert "The conflicts assessment has not been reviewed before the award" in refused.value.problems
    tender_version = ConflictsAssessment._base_manager.get(tender=tender, stage="tender")
    review = conflicts_services.assessment_start(tender=tender, stage="award", by=lead)
    assert review.supersedes_id == tender_version.pk
    panel = set(
        AssessmentEntry._base_manager.filter(assessment=review, capacity="evaluator").values_list(
            "source", "declaration"
        )
    )
    assert panel == {("panel", "none")}
    assert AssessmentEntry._base_manager.filter(assessment=review, capacity="evaluator").count() == 2
    conflicts_services.assessment_sign(assessment=review, role="Head of Commissioning", by=lead)
    recommendation = award_services.recommend(tender=tender, by=lead, choices=[(flow.bids[0], LICHFIELD_A_YEAR)])
    assert recommendation.status == "submitted"


def test_only_the_lead_prepares_and_signs(world, lead):
    tender = _ready_to_publish(world, lead)
    district = acting(world.member(world.district, Role.COMMISSIONER), world.district)
    with pytest.raises(NotPermitted):
        conflicts_services.assessment_start(tender=tender, stage="tender", by=district)
    assessment = conflicts_services.assessment_start(tender=tender, stage="tender", by=lead)
    with pytest.raises(NotPermitted):
        conflicts_services.assessment_sign(assessment=assessment, role="Director", by=district)
    with pytest.raises(DomainError, match="already being prepared"):
        conflicts_services.assessment_start(tender=tender, stage="tender", by=lead)
    with pytest.raises(DomainError, match="before the tender notice first"):
        conflicts_services.assessment_start(tender=tender, stage="award", by=lead)
