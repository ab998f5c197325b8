"""Deciding a grant round: the panel declares and scores (a conflicted assessor is excluded), moderation gives a
ranked list with weighted scores, the board decides at or above the delegated threshold (and cannot without
quorum), an officer decides below it, the offers are accepted (or lapse) and the unsuccessful get feedback."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from boards import services as board_services
from core import handlers
from core.audit import history_for
from core.errors import DomainError, NotPermitted, TransitionNotAllowed
from core.models import Notification
from core.tenancy import unscoped
from grants.applications.models import ApplicationStatus
from grants.assessment import rules as assessment_rules
from grants.assessment import services as assessment
from grants.decisions import letters
from grants.decisions import services as decisions
from grants.decisions.models import DecisionStatus, GrantLetter, LetterKind
from partners.models import Role
from tests.factories.board import MeetingFactory, present, simple_board
from tests.factories.board import acting as board_acting
from tests.factories.commissioning import acting
from tests.factories.grant_decisions import assessed, closed_round, recommended, with_panel

pytestmark = pytest.mark.django_db


def test_an_assessor_who_declares_an_interest_is_excluded_from_scoring_that_application(world):
    r = with_panel(closed_round(world))
    county, district = r.assessors
    food_bank, larder, _ = r.applications
    need, value = r.criteria
    assessment.interests_declare(
        assessor=district, interests=[(food_bank, "role", "I am a trustee of Lichfield Food Bank")], by=r.panel[1]
    )
    with pytest.raises(DomainError) as refused:
        assessment.scores_save(
            assessor=district,
            application=food_bank,
            scores={need.pk: {"score": 5, "comment": "Strong"}},
            by=r.panel[1],
        )
    assert "excluded from scoring it" in str(refused.value)
    # ... but they score the others, and the county assessor (no interests) scores the food bank.
    assessment.scores_save(
        assessor=district, application=larder, scores={need.pk: {"score": 4, "comment": "Good"}}, by=r.panel[1]
    )
    with pytest.raises(DomainError, match="Declare your interests"):
        assessment.scores_save(
            assessor=county, application=food_bank, scores={need.pk: {"score": 4, "comment": "x"}}, by=r.panel[0]
        )
    assessment.interests_declare(assessor=county, interests=[], by=r.panel[0])
    assessment.scores_save(
        assessor=county,
        application=food_bank,
        scores={need.pk: {"score": 5, "comment": "Clear need"}, value.pk: {"score": 8, "comment": "Fair"}},
        by=r.panel[0],
    )
    # The board's paper names the interest, its type, and what was done.
    decision = recommended(assessed(r, conflicted=True))
    paper = handlers.get("grants.award", "summary")(subject_id=decision.pk)
    record = {c["person"]: c for c in paper["conflicts"]}
    assert record["Dee Okafor"]["action"] == "Excluded from scoring Lichfield Food Bank"
    assert record["Dee Okafor"]["interest"].startswith("A role with the applicant")
    assert record["Sam Patel"]["interest"] == "None declared"


def test_only_the_assessor_scores_and_a_sheet_is_complete_before_it_is_submitted(world):
    r = with_panel(closed_round(world))
    county, _ = r.assessors
    need, value = r.criteria
    assessment.interests_declare(assessor=county, interests=[], by=r.panel[0])
    with pytest.raises(NotPermitted):
        assessment.scores_save(assessor=county, application=r.applications[0], scores={}, by=r.panel[1])
    with pytest.raises(DomainError, match="from 0 to 5"):
        assessment.scores_save(
            assessor=county,
            application=r.applications[0],
            scores={need.pk: {"score": 6, "comment": "Too high"}},
            by=r.panel[0],
        )
    sheet = assessment.scores_save(
        assessor=county, application=r.applications[0], scores={need.pk: {"score": 3, "comment": ""}}, by=r.panel[0]
    )
    with pytest.raises(DomainError) as incomplete:
        assessment.sheet_submit(sheet=sheet, by=r.panel[0])
    assert f"Comment on your score for {need.name}" in incomplete.value.problems
    assert f"Score {value.name}" in incomplete.value.problems


def test_the_panel_is_named_after_closing_from_the_partners_people(world):
    r = closed_round(world)
    with unscoped(reason="test: reopen the round"):
        type(r.programme).objects.filter(pk=r.programme.pk).update(closes_at=timezone.now() + dt.timedelta(days=1))
    r.refresh()
    evaluator = world.member(world.county, Role.EVALUATOR)
    with pytest.raises(DomainError, match="after the programme closes"):
        assessment.assessor_appoint(programme=r.programme, user=evaluator, organisation=world.county, by=r.lead)
    outsider_evaluator = world.member(world.other_council, Role.EVALUATOR)
    r2 = r
    with unscoped(reason="test: close the round"):
        type(r.programme).objects.filter(pk=r.programme.pk).update(closes_at=timezone.now() - dt.timedelta(days=1))
    r2.refresh()
    with pytest.raises(DomainError, match="lead or a partner"):
        assessment.assessor_appoint(
            programme=r2.programme, user=outsider_evaluator, organisation=world.other_council, by=r2.lead
        )
    with pytest.raises(NotPermitted):
        assessment.assessor_appoint(
            programme=r2.programme, user=evaluator, organisation=world.county, by=r2.applicants[0]
        )


def test_the_ranked_list_weights_the_agreed_scores_on_each_criterions_own_scale(world):
    r = assessed(closed_round(world))
    ranking = assessment_rules.programme_ranking(r.programme)
    need, value = r.criteria
    # Food bank: 5/5 x 60 + 8/10 x 40 = 92; larder: 4/5 x 60 + 9/10 x 40 = 84; Fradley: 3/5 x 60 + 5/10 x 40 = 56.
    assert [(row.applicant, row.total, row.rank) for row in ranking.rows] == [
        ("Lichfield Food Bank", Decimal("92.00"), 1),
        ("Burntwood Community Larder", Decimal("84.00"), 2),
        ("Fradley Good Neighbours", Decimal("56.00"), 3),
    ]
    assert ranking.rows[1].criterion_scores == {need.pk: Decimal("48.00"), value.pk: Decimal("36.00")}
    assert r.applications[0].score == Decimal("92.00")  # kept on the application for the later stages
    assert assessment_rules.moderation_problems(r.programme) == []


def test_moderation_is_the_leads_and_needs_a_note_for_each_agreed_score(world):
    r = with_panel(closed_round(world))
    need, _ = r.criteria
    with pytest.raises(NotPermitted):
        assessment.moderate(application=r.applications[0], scores={need.pk: {"score": 3, "note": "ok"}}, by=r.panel[1])
    with pytest.raises(DomainError, match="say how the panel agreed"):
        assessment.moderate(application=r.applications[0], scores={need.pk: {"score": 3, "note": ""}}, by=r.lead)
    assert "6 moderated scores are still to agree" in assessment_rules.moderation_problems(r.programme)


def _board(world):
    chair = world.member(world.district, Role.BOARD_MEMBER)
    board = simple_board(world.partnership, chair, world.district, name="Lichfield Locality Commissioning Board")
    return board, board_acting(chair, world.district)


def test_the_board_decides_at_or_above_the_threshold_and_not_without_quorum(world):
    r = assessed(closed_round(world, threshold=Decimal("5000.00")))
    decision = recommended(r)  # £3,000 + £2,500 = £5,500: at or above £5,000, so the board decides
    with pytest.raises(TransitionNotAllowed) as delegated:
        decisions.decision_step(decision=decision, name="decide", by=r.lead)
    assert delegated.value.problems  # the lead is not the named officer, and the total reaches the threshold
    decisions.decision_step(decision=decision, name="send_to_board", by=r.lead)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.WITH_BOARD and decision.route == "board"
    assert [row["applicant"] for row in decision.ranking][:1] == ["Lichfield Food Bank"]

    board, chair = _board(world)
    assert (decision.pk, "Food Poverty and Health Grants Scheme: decide grants") in handlers.get(
        "grants.award", "candidates"
    )(board=board)
    meeting = MeetingFactory(board=board)
    item = board_services.item_add(meeting=meeting, kind="grant_award", subject_id=decision.pk, by=chair)
    assert item.title == "Food Poverty and Health Grants Scheme: decide grants"
    paper = handlers.get("grants.award", "summary")(subject_id=decision.pk)
    assert paper["headline"] == "Award 2 grants totalling £5,500.00 from Food Poverty and Health Grants Scheme."
    assert paper["tables"][0]["rows"][2][-2] == "Do not fund"

    # Nobody is recorded present: the board is not quorate, so it cannot decide, and nothing moves.
    with pytest.raises(DomainError, match="not quorate"):
        board_services.decision_record(item=item, outcome="approve", by=chair)
    r.refresh()
    assert {a.status for a in r.applications} == {ApplicationStatus.SUBMITTED}
    assert not GrantLetter.objects.unscoped(reason="test").exists()

    present(meeting, board.chair)
    board_services.decision_record(item=item, outcome="approve", minute="Agreed as recommended", by=chair)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.APPROVED
    assert decision.board_name == "Lichfield Locality Commissioning Board" and decision.board_decision_id
    r.refresh()
    food_bank, larder, fradley = r.applications
    assert (food_bank.status, food_bank.amount_awarded, food_bank.decision_route) == (
        ApplicationStatus.OFFERED,
        Decimal("3000.00"),
        "board",
    )
    assert larder.status == ApplicationStatus.OFFERED and larder.offered_at is not None
    assert fradley.status == ApplicationStatus.UNSUCCESSFUL and fradley.decision == "reject"


def test_the_board_can_return_the_recommendation_to_the_lead(world):
    r = assessed(closed_round(world))
    decision = recommended(r)
    decisions.decision_step(decision=decision, name="send_to_board", by=r.lead)
    board, chair = _board(world)
    meeting = MeetingFactory(board=board)
    present(meeting, board.chair)
    item = board_services.item_add(meeting=meeting, kind="grant_award", subject_id=decision.pk, by=chair)
    board_services.decision_record(item=item, outcome="reject", minute="Fund Fradley instead", by=chair)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.REJECTED
    decisions.decision_step(decision=decision, name="revise", by=r.lead)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DRAFT
    r.refresh()
    assert {a.status for a in r.applications} == {ApplicationStatus.SUBMITTED}


def test_below_the_threshold_the_named_officer_decides_recorded_and_audited(world):
    r = assessed(closed_round(world, threshold=Decimal("6000.00")))
    officer = world.member(world.county, Role.COMMISSIONER)
    decision = recommended(r, officer=officer)  # £5,500: below £6,000
    with pytest.raises(TransitionNotAllowed):
        decisions.decision_step(decision=decision, name="decide", by=r.lead)  # the lead is not the named officer
    decisions.decision_step(decision=decision, name="decide", by=acting(officer, world.county))
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.APPROVED and decision.route == "delegated"
    assert decision.decided_by_id == officer.pk
    r.refresh()
    assert r.applications[0].decision_route == "delegated"
    assert r.applications[0].status == ApplicationStatus.OFFERED
    with unscoped(reason="test reads the audit trail"):
        actions = [e.action for e in history_for(decision)]
    assert "grant_decision.decide" in actions


def test_an_officer_may_not_decide_at_or_above_the_threshold(world):
    r = assessed(closed_round(world, threshold=Decimal("5500.00")))
    officer = world.member(world.county, Role.COMMISSIONER)
    decision = recommended(r, officer=officer)
    with pytest.raises(TransitionNotAllowed) as refused:
        decisions.decision_step(decision=decision, name="decide", by=acting(officer, world.county))
    assert any("at or above the delegated threshold of £5,500.00" in p for p in refused.value.problems)


def _decided(world):
    r = assessed(closed_round(world, threshold=Decimal("6000.00")))
    officer = world.member(world.county, Role.COMMISSIONER)
    decision = recommended(r, officer=officer)
    decisions.decision_step(decision=decision, name="decide", by=acting(officer, world.county))
    r.refresh()
    return r


def test_the_applicant_accepts_the_offer_and_the_lead_is_told(world):
    r = _decided(world)
    food_bank = r.application(0)
    letter = GrantLetter.objects.unscoped(reason="test").get(application=food_bank)
    assert letter.kind == LetterKind.OFFER
    assert letter.content["amount"] == "£3,000.00"
    assert "Report on outcomes" in letter.content["conditions"]
    writer = r.applicants[0]
    assert Notification.objects.filter(recipient=writer.user, subject__contains="offered a grant of £3,000.00").exists()
    with pytest.raises(TransitionNotAllowed):
        decisions.offer_accept(application=r.application(1), by=writer)  # not theirs
    accepted = decisions.offer_accept(application=food_bank, by=writer)
    assert accepted.status == ApplicationStatus.ACCEPTED and accepted.accepted_by_id == writer.user.pk
    assert Notification.objects.filter(
        recipient=world.lead_commissioner, subject__contains="Lichfield Food Bank accepted"
    ).exists()


def test_an_offer_not_accepted_by_its_date_lapses(world):
    r = _decided(world)
    larder = r.application(1)
    GrantLetter.objects.unscoped(reason="test: the date passed").filter(application=larder).update(
        accept_by=timezone.localdate() - dt.timedelta(days=1)
    )
    with pytest.raises(TransitionNotAllowed) as refused:
        decisions.offer_accept(application=larder, by=r.applicants[1])
    assert "The offer lapsed" in refused.value.problems[0]
    assert decisions.offers_lapse() == 1
    assert decisions.offers_lapse() == 0  # safe to run twice
    larder = r.application(1)
    assert larder.status == ApplicationStatus.OFFER_DECLINED
    assert larder.declined_reason.startswith("The offer lapsed")
    assert r.application(0).status == ApplicationStatus.OFFERED  # still within its date


def test_the_applicant_may_decline_the_offer_saying_why(world):
    r = _decided(world)
    with pytest.raises(DomainError, match="reason"):
        decisions.offer_decline(application=r.application(1), reason="", by=r.applicants[1])
    declined = decisions.offer_decline(
        application=r.application(1), reason="We found funding elsewhere", by=r.applicants[1]
    )
    assert declined.status == ApplicationStatus.OFFER_DECLINED
    assert r.application(1).declined_reason == "We found funding elsewhere"


def test_the_unsuccessful_applicant_gets_a_decline_letter_with_feedback_and_their_scores(world):
    r = _decided(world)
    fradley = r.application(2)
    letter = GrantLetter.objects.unscoped(reason="test").get(application=fradley)
    assert letter.kind == LetterKind.DECLINE and letter.accept_by is None
    assert "not clearly measurable" in letter.content["feedback"]
    assert letter.content["total"] == "56.00" and letter.content["rank"] == 3
    assert [c["score"] for c in letter.content["criteria"]] == ["36.00", "20.00"]
    assert fradley.feedback.startswith("The project's outcomes")
    assert Notification.objects.filter(
        recipient=r.applicants[2].user, subject__contains="the outcome of your application"
    ).exists()
    pdf = letters.letter_pdf(letter)
    assert pdf.startswith(b"%PDF")
    assert letters.letter_pdf(letter)[:4] == b"%PDF"


def test_recommendations_stay_within_the_programme_and_a_decline_needs_feedback(world):
    r = assessed(closed_round(world))
    decision = decisions.decision_prepare(
        programme=r.programme, accept_by=timezone.localdate() + dt.timedelta(days=10), by=r.lead
    )
    with pytest.raises(DomainError, match=r"from £500\.00 to £3,000\.00"):
        decisions.recommendation_set(
            decision=decision, application=r.applications[0], fund=True, amount=Decimal("3500.00"), by=r.lead
        )
    with pytest.raises(DomainError, match=r"more than the £2,000\.00 asked for"):
        decisions.recommendation_set(
            decision=decision, application=r.applications[2], fund=True, amount=Decimal("2500.00"), by=r.lead
        )
    with pytest.raises(DomainError, match="feedback"):
        decisions.recommendation_set(decision=decision, application=r.applications[2], fund=False, by=r.lead)
    with pytest.raises(TransitionNotAllowed) as blocked:
        decisions.decision_step(decision=decision, name="send_to_board", by=r.lead)
    assert "Recommend whether to fund Lichfield Food Bank" in blocked.value.problems
