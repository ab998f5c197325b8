"""Evaluation and award: the panel declares interests before seeing any bid; the lead decides on conflicts; scores
stay private until submitted; moderation; weighted totals and ranking; the recommendation with the per-partner split
goes for approval (the board where there is one); letters, standstill, and the contract reconciling to the penny."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from boards import services as board_services
from commissioning.commissions.models import CommissionStatus, Contribution, JointCommission
from core import handlers
from core.errors import DomainError, NotPermitted, TransitionNotAllowed
from core.models import Notification
from core.tenancy import scope
from partners.models import Membership, Role
from procurement import permissions
from procurement.award import services as award_services
from procurement.award.models import AwardLetter, Contract, ContractShare
from procurement.bids.models import Bid
from procurement.evaluation import rules as evaluation_rules
from procurement.evaluation import selectors as evaluation_selectors
from procurement.evaluation import services as evaluation_services
from procurement.evaluation.models import Evaluator, Score, ScoreSheet
from procurement.tenders import services as tender_services
from procurement.tenders.models import Tender
from tests.conftest import sign_in
from tests.factories.board import MeetingFactory, present, simple_board
from tests.factories.commissioning import acting
from tests.factories.procurement import (
    LICHFIELD_A_YEAR,
    add_to_panel,
    awarded,
    bidder_of,
    close,
    evaluated,
    evaluator,
    provider,
    published_tender,
    score_all,
    signed_assessment,
    submitted_bid,
)


@pytest.fixture
def closed(world):
    tender = published_tender(world)
    first, _ = submitted_bid(tender, bidder_of(world))
    org, user = provider(world, "Age UK South Staffordshire")
    second, _ = submitted_bid(
        tender, acting(user, org), price=Decimal("42000.00"), consortium=["Lichfield Community Transport"]
    )
    return close(tender), first, second


def test_evaluators_declare_before_seeing_any_bid_and_the_lead_decides_on_conflicts(world, closed, lead, client):
    tender, first, _second = closed
    officer = evaluator(world, world.county, name="Dee Okafor")
    rep_org, _ = provider(world, "Support Staffordshire")
    seat = add_to_panel(tender, lead, officer)
    assert permissions.may_evaluate(tender, officer)
    tender = tender_services.tender_transition(tender=tender, name="start_evaluation", by=lead)
    # Not declared: no score sheets, no bids.
    assert not ScoreSheet._base_manager.filter(evaluator=seat).exists()
    sign_in(client, officer, world.county)
    assert client.get(f"/submissions/{first.public_id}/").status_code == 403
    page = client.get(f"/evaluations/{seat.pk}/").content.decode()
    assert "Record my declaration" in page
    # Declares an interest: still nothing until the lead decides.
    client.post(f"/evaluations/{seat.pk}/", {"has_interest": "yes", "interest": "My sister volunteers at Age UK"})
    seat.refresh_from_db()
    assert seat.declaration == "interest" and not seat.is_cleared
    assert not ScoreSheet._base_manager.filter(evaluator=seat).exists()
    with pytest.raises(DomainError, match="mitigation"):
        evaluation_services.conflict_decide(evaluator=seat, decision="mitigate", by=lead)
    evaluation_services.conflict_decide(
        evaluator=seat, decision="mitigate", mitigation="Does not score Age UK's social value alone", by=lead
    )
    assert ScoreSheet._base_manager.filter(evaluator=seat).count() == 2
    assert client.get(f"/submissions/{first.public_id}/").status_code == 200
    record = evaluation_selectors.conflicts_record(tender)
    assert record == [
        {
            "person": "Dee Okafor",
            "role": "Evaluator, Staffordshire County Council",
            "interest": "My sister volunteers at Age UK",
            "action": "Allowed with mitigation: Does not score Age UK's social value alone",
        }
    ]
    assert rep_org is not None


def _on_the_panel(world, tender, lead, organisation, *, interest=""):
    """A new evaluator at ``organisation`` added to the panel, who has declared ``interest`` (or none)."""
    user = evaluator(world, organisation)
    seat = add_to_panel(tender, lead, user)
    evaluation_services.interests_declare(
        evaluator=seat, has_interest=bool(interest), interest=interest, by=acting(user, organisation)
    )
    return user, seat


def test_an_excluded_evaluator_loses_access_and_their_sheets(world, closed, lead, client):
    tender, first, _ = closed
    user, seat = _on_the_panel(world, tender, lead, world.district, interest="Trustee of Citizens Advice")
    evaluation_services.conflict_decide(evaluator=seat, decision="exclude", by=lead)
    assert not permissions.may_evaluate(tender, user)
    sign_in(client, user, world.district)
    assert client.get(f"/submissions/{first.public_id}/").status_code in (403, 404)
    with pytest.raises(DomainError, match="excluded"):
        evaluation_services.interests_declare(
            evaluator=seat, has_interest=False, interest="", by=acting(user, world.district)
        )
    assert evaluation_selectors.conflicts_record(tender)[0]["action"] == "Excluded from the evaluation"


def test_only_the_lead_names_the_panel_from_partners_taking_part(world, closed, lead):
    tender, *_ = closed
    outsider_evaluator = world.member(world.other_council, Role.EVALUATOR)
    assert all(m.user != outsider_evaluator for m in evaluation_rules.evaluator_candidates(tender))
    rep_org, _ = provider(world, "Support Staffordshire")
    rep = world.member(rep_org, Role.EVALUATOR)
    assert all(m.user != rep for m in evaluation_rules.evaluator_candidates(tender))
    Tender._base_manager.filter(pk=tender.pk).update(allow_third_sector_evaluators=True)
    tender.refresh_from_db()
    assert any(m.user == rep for m in evaluation_rules.evaluator_candidates(tender))

    with pytest.raises(NotPermitted):
        evaluation_services.evaluator_add(
            tender=tender, membership=Membership._base_manager.get(user=rep), by=bidder_of(world)
        )


def test_scores_stay_private_until_the_evaluator_submits(world, closed, lead, client):
    tender, first, second = closed
    users = [evaluator(world, world.county), evaluator(world, world.district)]
    seats = []
    for user in users:
        org = world.county if user == users[0] else world.district
        seat = add_to_panel(tender, lead, user)
        evaluation_services.interests_declare(evaluator=seat, has_interest=False, interest="", by=acting(user, org))
        seats.append(seat)
    tender = tender_services.tender_transition(tender=tender, name="start_evaluation", by=lead)
    sheet = ScoreSheet._base_manager.get(evaluator=seats[0], bid=first)
    q = tender.method.questions.filter(pass_fail=False, stage="full").first()
    evaluation_services.scores_save(
        sheet=sheet, scores={q.pk: {"score": 4, "justification": "Strong"}}, by=acting(users[0], world.county)
    )
    # The lead (same organisation) sees nothing of an unsubmitted sheet.
    with scope(organisation=world.county):
        _bids, _questions, grid = evaluation_selectors.moderation_grid(tender=tender)
        assert grid[(first.pk, q.pk)].scores == []
    sign_in(client, world.lead_commissioner, world.county)
    assert "Strong" not in client.get(f"/tenders/{tender.pk}/moderation/").content.decode()
    # Another evaluator (or colleague) cannot open the sheet.
    client.logout()
    sign_in(client, users[1], world.district)
    assert client.get(f"/scoresheets/{sheet.public_id}/").status_code == 404
    with pytest.raises(NotPermitted):
        evaluation_services.scores_save(
            sheet=sheet, scores={q.pk: {"score": 1, "justification": "x"}}, by=acting(users[1], world.district)
        )
    # Moderation waits for every submission.
    with pytest.raises(DomainError, match="every evaluator"):
        evaluation_services.moderate(bid=first, question=q, score=4, note="n", by=lead)
    score_all(tender, users[0], world.county, {first.pk: 4, second.pk: 3})
    with scope(organisation=world.county):
        _, _, grid = evaluation_selectors.moderation_grid(tender=tender)
        assert [s.score for s in grid[(first.pk, q.pk)].scores] == [4]
    with pytest.raises(DomainError, match="no longer change"):
        evaluation_services.scores_save(
            sheet=sheet, scores={q.pk: {"score": 1, "justification": "x"}}, by=acting(users[0], world.county)
        )


def test_submission_needs_every_score_justified(world, closed, lead):
    tender, first, _ = closed
    user, seat = _on_the_panel(world, tender, lead, world.county)
    tender_services.tender_transition(tender=tender, name="start_evaluation", by=lead)
    sheet = ScoreSheet._base_manager.get(evaluator=seat, bid=first)
    q = tender.method.questions.filter(pass_fail=False).first()
    evaluation_services.scores_save(
        sheet=sheet, scores={q.pk: {"score": 4, "justification": ""}}, by=acting(user, world.county)
    )
    with pytest.raises(DomainError) as refused:
        evaluation_services.sheet_submit(sheet=sheet, by=acting(user, world.county))
    assert f"Justify your score for question {q.number}" in refused.value.problems
    with pytest.raises(DomainError, match="from 0 to 5"):
        evaluation_services.scores_save(
            sheet=sheet, scores={q.pk: {"score": 6, "justification": "x"}}, by=acting(user, world.county)
        )


def test_weighted_totals_come_from_moderated_scores_and_bids_are_ranked(world):
    flow = evaluated(world, scores=(4, 3))
    with scope(organisation=world.county):
        evaluation = evaluation_rules.evaluation_results(flow.tender)
    first, second = evaluation.results
    assert first.bid_id == flow.bids[0].pk and first.rank == 1
    # 60 x 4/5 + price 20 x 42,000/43,750 + 10 x 4/5 + 10 x 4/5 = 48 + 19.20 + 8 + 8
    assert first.total == Decimal("83.20")
    assert second.total == Decimal("36.00") + Decimal("20.00") + Decimal("6.00") + Decimal("6.00")
    assert second.rank == 2


def test_the_recommendation_carries_the_per_partner_split_and_goes_for_approval(world):
    flow = evaluated(world)
    tender, lead = flow.tender, flow.lead
    with pytest.raises(DomainError, match="less than"):
        award_services.recommend(tender=tender, by=lead, choices=[(flow.bids[0], Decimal("50000"))])
    recommendation = award_services.recommend(tender=tender, by=lead, choices=[(flow.bids[0], LICHFIELD_A_YEAR)])
    (line,) = recommendation.lines.all()
    by_year: dict[int, dict[str, str]] = {}
    for share in line.shares:
        by_year.setdefault(share["financial_year"], {})[share["organisation"]] = share["amount"]
    assert by_year == {
        year: {"Lichfield District Council": "20000.00", "Staffordshire County Council": "23750.00"}
        for year in (2027, 2028, 2029)
    }
    assert Tender._base_manager.get(pk=tender.pk).status == "recommended"
    assert recommendation.ranking[0]["bidder"] == world.provider.name
    with pytest.raises(TransitionNotAllowed):
        award_services.recommendation_approve(recommendation=recommendation, by=bidder_of(world))
    award_services.recommendation_approve(recommendation=recommendation, by=lead)
    assert Tender._base_manager.get(pk=tender.pk).status == "approved"


def test_a_cheaper_award_is_split_in_proportion(world):
    flow = evaluated(world)
    recommendation = award_services.recommend(
        tender=flow.tender, by=flow.lead, choices=[(flow.bids[1], Decimal("42000.00"))]
    )
    amounts = {(s["organisation"], s["financial_year"]): s["amount"] for s in recommendation.lines.get().shares}
    assert amounts[("Staffordshire County Council", 2027)] == "22800.00"
    assert amounts[("Lichfield District Council", 2027)] == "19200.00"


def test_the_board_approves_or_rejects_the_award(world):
    flow = evaluated(world)
    chair = world.member(world.district, Role.BOARD_MEMBER)
    board = simple_board(world.partnership, chair, world.district, name="Lichfield Locality Commissioning Board")
    recommendation = award_services.recommend(
        tender=flow.tender, by=flow.lead, choices=[(flow.bids[0], LICHFIELD_A_YEAR)]
    )
    with pytest.raises(TransitionNotAllowed):
        award_services.recommendation_approve(recommendation=recommendation, by=flow.lead)
    paper = handlers.get("procurement.award_recommendation", "summary")(subject_id=recommendation.pk)
    assert paper["conflicts"][0]["action"] == "No action needed"
    assert paper["tables"][1]["rows"][-1][-1] == "£131,250.00"
    public = handlers.get("procurement.award_recommendation", "public_summary")(subject_id=recommendation.pk)
    assert "Age UK" not in public and "£43,750.00 a year" in public
    chair_acting = acting(chair, world.district)
    meeting = MeetingFactory(board=board)
    present(meeting, board.chair)
    item = board_services.item_add(meeting=meeting, kind="award", subject_id=recommendation.pk, by=chair_acting)
    board_services.decision_record(item=item, outcome="reject", minute="Check local benefit again", by=chair_acting)
    assert Tender._base_manager.get(pk=flow.tender.pk).status == "evaluation"
    recommendation.refresh_from_db()
    assert recommendation.status == "rejected" and recommendation.approval_route == board.name
    # The chair has now acted on the award: the lead reviews the conflicts assessment (it reads the board's record).
    signed_assessment(flow.tender, flow.lead, stage="award")
    again = award_services.recommend(tender=flow.tender, by=flow.lead, choices=[(flow.bids[0], LICHFIELD_A_YEAR)])
    item = board_services.item_add(meeting=meeting, kind="award", subject_id=again.pk, by=chair_acting)
    board_services.decision_record(item=item, outcome="approve", by=chair_acting)
    assert Tender._base_manager.get(pk=flow.tender.pk).status == "approved"


def test_letters_standstill_and_the_contract(world, client):
    flow = evaluated(world)
    tender, lead = flow.tender, flow.lead
    recommendation = award_services.recommend(tender=tender, by=lead, choices=[(flow.bids[0], LICHFIELD_A_YEAR)])
    award_services.recommendation_approve(recommendation=recommendation, by=lead)
    sent = dt.datetime(2026, 12, 22, 10, 0, tzinfo=timezone.get_current_timezone())
    with time_machine.travel(sent, tick=False):
        tender = award_services.standstill_start(tender=tender, by=lead)
    # Christmas Day (Friday), Boxing Day (substitute Monday 28th) and New Year's Day are not working days.
    assert tender.standstill_ends_on == dt.date(2027, 1, 6)
    winner, loser = (Bid._base_manager.get(pk=b.pk) for b in flow.bids)
    assert (winner.status, loser.status) == ("successful", "unsuccessful")
    letter = AwardLetter._base_manager.get(bid=loser)
    assert not letter.successful and letter.content["winner"]["name"] == world.provider.name
    assert any(
        a.startswith("Quality of service: the successful bid scored 48.00 of 60; yours scored 36.00")
        for a in letter.content["advantages"]
    )
    assert letter.content["your"]["total"] == "68.00"
    org, user = provider(world, "Age UK South Staffordshire")
    assert Notification.objects.filter(recipient=user, subject__contains="the outcome of your bid").exists()
    line = recommendation.lines.get()
    with time_machine.travel(dt.datetime(2027, 1, 6, 17, 0, tzinfo=timezone.get_current_timezone()), tick=False):
        with pytest.raises(DomainError, match="standstill period ends at the end of Wednesday 6 January 2027"):
            award_services.contract_sign(line=line, signed_on=dt.date(2027, 1, 6), by=lead)
        sign_in(client, user, org)
        letter_page = client.get(f"/bids/{loser.public_id}/letter/").content.decode()
        assert "Wednesday 6 January 2027" in letter_page
        pdf = client.get(f"/bids/{loser.public_id}/letter/?format=pdf")
        assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    with time_machine.travel(dt.datetime(2027, 1, 7, 9, 0, tzinfo=timezone.get_current_timezone()), tick=False):
        contract = award_services.contract_sign(line=line, signed_on=dt.date(2027, 1, 7), by=lead)
    assert contract.annual_value == LICHFIELD_A_YEAR and contract.provider == world.provider
    assert (contract.start_date, contract.end_date) == (dt.date(2027, 4, 1), dt.date(2030, 3, 31))
    shares = {
        (s.organisation.name, s.financial_year): s.amount for s in ContractShare._base_manager.filter(contract=contract)
    }
    assert shares[("Staffordshire County Council", 2027)] == Decimal("23750.00")
    assert shares[("Lichfield District Council", 2029)] == Decimal("20000.00")
    assert sum(shares.values()) == Decimal("131250.00")
    assert Tender._base_manager.get(pk=tender.pk).status == "awarded"
    assert JointCommission._base_manager.get(pk=tender.commission_id).status == CommissionStatus.AWARDED
    with time_machine.travel(dt.datetime(2027, 4, 1, 9, 0, tzinfo=timezone.get_current_timezone()), tick=False):
        assert award_services.contracts_go_live() == 1
    assert JointCommission._base_manager.get(pk=tender.commission_id).status == CommissionStatus.LIVE


def test_the_contract_refuses_a_split_that_no_longer_reconciles(world):
    flow = evaluated(world)
    recommendation = award_services.recommend(
        tender=flow.tender, by=flow.lead, choices=[(flow.bids[0], LICHFIELD_A_YEAR)]
    )
    award_services.recommendation_approve(recommendation=recommendation, by=flow.lead)
    award_services.standstill_start(tender=flow.tender, by=flow.lead)
    Tender._base_manager.filter(pk=flow.tender.pk).update(
        standstill_ends_on=timezone.localdate() - dt.timedelta(days=2)
    )
    Contribution._base_manager.filter(organisation=world.district, financial_year=2028).update(
        amount=Decimal("19999.99")
    )
    with pytest.raises(DomainError, match="less than"):
        award_services.contract_sign(line=recommendation.lines.get(), signed_on=timezone.localdate(), by=flow.lead)


def test_the_whole_way_leaves_a_contract_every_partner_can_see(world, client):
    flow = awarded(world)
    contract = flow.contract
    assert Contract._base_manager.count() == 1
    sign_in(client, world.finance_officer, world.district)
    text = client.get(f"/contracts/{contract.pk}/").content.decode()
    assert "£23,750.00" in text and "£20,000.00" in text and "£43,750.00" in text
    assert client.get(f"/api/v1/contracts/{contract.pk}/").json()["total_value"] == "131250.00"
    client.logout()
    sign_in(client, world.outsider, world.other_council)
    assert client.get(f"/contracts/{contract.pk}/").status_code == 404
    client.logout()
    text = client.get(f"/opportunities/{flow.tender.pk}/").content.decode()
    assert "Awarded" in text and world.provider.name in text


def test_scores_api_for_evaluators(world, closed, lead, client):
    tender, _first, _second = closed
    user, seat = _on_the_panel(world, tender, lead, world.county)
    tender_services.tender_transition(tender=tender, name="start_evaluation", by=lead)
    sign_in(client, user, world.county)
    sheets = client.get("/api/v1/scoresheets/").json()["results"]
    assert {s["bidder"] for s in sheets} == {world.provider.name, "Age UK South Staffordshire"}
    sheet = sheets[0]
    q = tender.method.questions.filter(pass_fail=False).first()
    response = client.post(
        f"/api/v1/scoresheets/{sheet['id']}/scores/",
        {"scores": {str(q.pk): {"score": 3, "justification": "Fine"}}},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert Score._base_manager.get(sheet__public_id=sheet["id"], question=q).score == 3
    assert client.post(f"/api/v1/scoresheets/{sheet['id']}/submit/").status_code == 400
    assert Evaluator._base_manager.get(pk=seat.pk).is_cleared
