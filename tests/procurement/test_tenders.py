"""Opportunities: a tender belongs to a commission in procurement; its evaluation method is approved (by the board
where there is one, else the lead) and frozen before publication; publishing tells followers; published changes
tell interested bidders; deadlines are never brought forward; clarifications are answered without naming the asker."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone
from django.utils.html import escape

from boards import services as board_services
from commissioning.commissions.models import CommissionStatus, JointCommission
from commissioning.following.services import follows_set
from core import handlers
from core.errors import DomainError, NotPermitted, TransitionNotAllowed
from core.models import AuditEvent, Notification
from partners.models import Role
from procurement.bids import services as bid_services
from procurement.tenders import services as tender_services
from procurement.tenders.models import Clarification, Tender
from tests.conftest import sign_in
from tests.factories.board import MeetingFactory, present, simple_board
from tests.factories.commissioning import acting, lichfield_example
from tests.factories.procurement import (
    bidder_of,
    draft_tender,
    lead_of,
    lichfield_procurement,
    pdf,
    provider,
    published_tender,
    standard_method,
)


def _tender_create(commission, *, by, title="T"):
    """A tender drafted on the commission, its deadlines a day and two days away."""
    now = timezone.now()
    return tender_services.tender_create(
        commission=commission,
        title=title,
        summary="S",
        specification="Spec",
        clarification_deadline=now + dt.timedelta(days=1),
        submission_deadline=now + dt.timedelta(days=2),
        by=by,
    )


def test_a_tender_needs_a_commission_in_procurement(world):
    ex = lichfield_example(world)  # in sign-up, nothing confirmed or signed
    with pytest.raises(TransitionNotAllowed) as refused:
        _tender_create(ex.commission, by=ex.county_lead)
    assert any("has not signed" in p for p in refused.value.problems)
    assert JointCommission._base_manager.get(pk=ex.commission.pk).status == CommissionStatus.SIGN_UP


def test_a_ready_commission_enters_procurement_when_its_tender_is_drafted(world):
    ex = lichfield_example(world)
    ex.ready_for_procurement()
    tender = _tender_create(ex.commission, by=ex.county_lead, title="Older people's independence service")
    assert JointCommission._base_manager.get(pk=ex.commission.pk).status == CommissionStatus.PROCUREMENT
    assert tender.estimated_annual_value == Decimal("43750.00")  # the confirmed first-year contributions
    assert tender.term_years == 3


def test_only_the_lead_commissioner_drafts(world):
    ex = lichfield_procurement(world)
    with pytest.raises(NotPermitted):
        _tender_create(ex.commission, by=ex.district_commissioner)


def test_method_weights_must_total_100_and_the_method_is_frozen_once_approved(world, lead):
    tender = draft_tender(world)
    tender_services.criterion_add(tender=tender, kind="quality", name="Quality", weight=70, by=lead)
    with pytest.raises(DomainError) as refused:
        tender_services.method_submit(tender=tender, by=lead)
    assert "The criteria's weights add up to 70%, not 100%" in refused.value.problems
    with pytest.raises(TransitionNotAllowed):
        tender_services.tender_publish(tender=tender, by=lead)
    tender.method.criteria.all().delete()
    standard_method(tender, lead)
    method = tender_services.method_submit(tender=tender, by=lead)  # no board: the lead approves
    assert method.status == "approved" and "no board" in method.approval_route
    assert Tender._base_manager.get(pk=tender.pk).status == "method_approved"
    with pytest.raises(DomainError, match="frozen"):
        tender_services.criterion_add(tender=tender, kind="quality", name="More", weight=5, by=lead)
    with pytest.raises(DomainError, match="frozen"):
        tender_services.method_update(tender=tender, scale_text="0: none\n1: some", by=lead)


def test_with_a_board_the_lead_cannot_approve_and_the_board_does(world, lead):
    chair = world.member(world.district, Role.BOARD_MEMBER)
    board = simple_board(world.partnership, chair, world.district, name="Lichfield Locality Commissioning Board")
    tender = draft_tender(world)
    standard_method(tender, lead)
    method = tender_services.method_submit(tender=tender, by=lead)
    assert method.status == "submitted"
    with pytest.raises(TransitionNotAllowed):
        tender_services.method_approve(tender=tender, by=lead)
    assert (method.pk, f"{tender.title}: evaluation method") in handlers.get(
        "procurement.evaluation_method", "candidates"
    )(board=board)
    paper = handlers.get("procurement.evaluation_method", "summary")(subject_id=method.pk)
    assert paper["tables"][0]["rows"][0] == ["Quality of service", "Quality", "60%"]
    chair_acting = acting(chair, world.district)
    meeting = MeetingFactory(board=board)
    item = board_services.item_add(meeting=meeting, kind="evaluation_method", subject_id=method.pk, by=chair_acting)
    assert item.title == f"{tender.title}: evaluation method"
    present(meeting, board.chair)
    decision = board_services.decision_record(item=item, outcome="approve", by=chair_acting)
    method.refresh_from_db()
    tender.refresh_from_db()
    assert method.status == "approved" and method.approval_route == board.name
    assert method.board_decision_id == decision.pk
    assert tender.status == "method_approved"
    assert "Quality of service 60%" in decision.public_summary
    event = AuditEvent.objects.filter(action="tender.approve_method", object_id=str(tender.pk)).get()
    assert event.actor == chair


def test_publishing_tells_followers_of_the_service_area(world, lead, bidder):
    ex = lichfield_procurement(world)
    follows_set(service_areas=[ex.area], by=bidder)
    tender = published_tender(world)
    assert tender.published_at is not None
    note = Notification.objects.get(recipient=world.bidder, dedupe_key__startswith=f"opportunity:tender:{tender.pk}")
    assert ex.area.name in note.subject and note.organisation == world.provider


def test_deadlines_may_be_extended_but_never_brought_forward_after_publication(world, lead, bidder):
    tender = published_tender(world)
    tender_services.interest_register(tender=tender, by=bidder)
    with pytest.raises(DomainError) as refused:
        tender_services.tender_update(
            tender=tender, by=lead, submission_deadline=tender.submission_deadline - dt.timedelta(hours=1)
        )
    assert "cannot be brought forward" in refused.value.field_errors["submission_deadline"][0]
    later = tender.submission_deadline + dt.timedelta(days=2)
    tender_services.tender_update(tender=tender, by=lead, submission_deadline=later)
    assert Tender._base_manager.get(pk=tender.pk).submission_deadline == later
    note = Notification.objects.filter(recipient=world.bidder, subject__contains="has changed").get()
    assert "Bid deadline: now" in note.body
    with pytest.raises(DomainError):
        tender_services.tender_update(tender=tender, by=lead, procedure="two_stage")


def test_a_document_change_tells_every_interested_bidder(world, lead, bidder):
    tender = published_tender(world)
    other, user = provider(world, "Age UK South Staffordshire")
    bid_services.bid_start(tender=tender, by=acting(user, other))  # starting a bid registers interest
    tender_services.interest_register(tender=tender, by=bidder)
    document = tender_services.tender_document_add(
        tender=tender, title="Service specification v2", upload=pdf(), by=lead
    )
    for recipient in (world.bidder, user):
        assert Notification.objects.filter(recipient=recipient, subject__contains="document was added").exists()
    tender_services.tender_document_remove(document=document, by=lead)
    assert Notification.objects.filter(recipient=user, subject__contains="withdrawn").exists()


def test_clarifications_are_answered_to_everyone_without_naming_the_asker(world, lead, bidder, client):
    tender = published_tender(world)
    other, user = provider(world, "Age UK South Staffordshire")
    tender_services.interest_register(tender=tender, by=acting(user, other))
    question = tender_services.clarification_ask(
        tender=tender, question="Citizens Advice asks: is TUPE likely?", by=bidder
    )
    # Before the answer only the asker and the lead see it.
    response = client.get(f"/opportunities/{tender.pk}/")
    assert "TUPE" not in response.content.decode()
    tender_services.clarification_answer(
        clarification=question, answer="No staff transfer is expected.", published_question="Is TUPE likely?", by=lead
    )
    text = client.get(f"/opportunities/{tender.pk}/").content.decode()
    assert "Is TUPE likely?" in text and "No staff transfer is expected." in text
    assert "Citizens Advice asks" not in text and world.provider.name not in text
    note = Notification.objects.get(recipient=user, subject__contains="clarification has been published")
    assert world.provider.name not in note.body and "Citizens Advice" not in note.body
    sign_in(client, user, other)
    api = client.get(f"/api/v1/clarifications/?tender={tender.pk}").json()
    assert api["results"][0]["question"] == "Is TUPE likely?"
    assert "organisation" not in api["results"][0]
    with pytest.raises(NotPermitted):
        tender_services.clarification_answer(clarification=question, answer="x", by=bidder)
    assert Clarification._base_manager.get(pk=question.pk).answered_by == world.lead_commissioner


def test_questions_close_at_the_clarification_deadline(world, bidder):
    tender = published_tender(world)
    with time_machine.travel(tender.clarification_deadline, tick=False), pytest.raises(DomainError, match="closed"):
        tender_services.clarification_ask(tender=tender, question="Late?", by=bidder)


def test_the_system_closes_clarifications_and_bids_at_their_deadlines(world):
    tender = published_tender(world)
    with time_machine.travel(tender.clarification_deadline + dt.timedelta(seconds=1), tick=False):
        assert bid_services.close_due_tenders() == 1
    assert Tender._base_manager.get(pk=tender.pk).status == "clarifications_closed"
    with time_machine.travel(tender.submission_deadline, tick=False):
        bid_services.close_due_tenders()
    assert Tender._base_manager.get(pk=tender.pk).status == "closed_for_bids"


def test_cancelling_tells_interested_bidders(world, lead, bidder):
    tender = published_tender(world)
    tender_services.interest_register(tender=tender, by=bidder)
    with pytest.raises(DomainError, match="reason"):
        tender_services.tender_transition(tender=tender, name="cancel", by=lead)
    tender_services.tender_transition(tender=tender, name="cancel", by=lead, reason="The service is no longer needed")
    assert Tender._base_manager.get(pk=tender.pk).status == "cancelled"
    assert Notification.objects.filter(recipient=world.bidder, subject__contains="cancelled").exists()


def test_the_portal_searches_and_filters_and_publishes_feeds(world, client):
    ex = lichfield_procurement(world)
    tender = published_tender(world)
    draft = draft_tender(world, title="Secret draft")
    for url in (
        "/opportunities/",
        "/opportunities/?q=independence",
        f"/opportunities/?service_area={ex.area.pk}",
        f"/opportunities/?partner={world.district.pk}",
        f"/opportunities/?closing_from={timezone.localdate().isoformat()}",
    ):
        text = client.get(url).content.decode()
        assert escape(tender.title) in text, url
        assert draft.title not in text
    assert escape(tender.title) not in client.get("/opportunities/?q=zebra").content.decode()
    assert escape(tender.title) not in client.get(f"/opportunities/?partner={world.other_council.pk}").content.decode()
    past = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    assert escape(tender.title) not in client.get(f"/opportunities/?closing_to={past}").content.decode()
    atom = client.get("/opportunities/feed.atom")
    assert atom["Content-Type"].startswith("application/atom+xml") and tender.title in atom.content.decode()
    rss = client.get("/opportunities/feed.rss?q=independence")
    assert rss["Content-Type"].startswith("application/rss+xml") and tender.title in rss.content.decode()
    assert draft.title not in atom.content.decode()
    assert client.get(f"/opportunities/{draft.pk}/").status_code == 404
    assert client.get(f"/api/v1/tenders/{draft.pk}/").status_code == 404
    assert client.get(f"/api/v1/tenders/{tender.pk}/").json()["criteria"][0]["weight"] == 60


def test_draft_documents_are_not_public(world, lead, client):
    tender = draft_tender(world)
    document = tender_services.tender_document_add(tender=tender, title="Draft spec", upload=pdf(), by=lead)
    assert client.get(f"/tender-documents/{document.pk}/").status_code == 404
    sign_in(client, world.lead_commissioner, world.county)
    assert client.get(f"/tender-documents/{document.pk}/").status_code == 200


def test_lead_pages_are_the_lead_and_partners_only_even_when_published(world, client):
    tender = published_tender(world)
    sign_in(client, world.outsider, world.other_council)
    assert client.get(f"/tenders/{tender.pk}/").status_code == 404
    assert client.get(f"/opportunities/{tender.pk}/").status_code == 200
    client.logout()
    sign_in(client, world.finance_officer, world.district)
    assert client.get(f"/tenders/{tender.pk}/").status_code == 200
    assert client.post(f"/tenders/{tender.pk}/step/", {"transition": "close_bids"}).status_code == 403


def test_every_tender_step_is_in_the_audit_trail(world, lead):
    tender = published_tender(world)
    actions = list(
        AuditEvent.objects.filter(object_id=str(tender.pk), action__startswith="tender.").values_list(
            "action", flat=True
        )
    )
    assert {"tender.created", "tender.approve_method", "tender.publish"} <= set(actions)
    publish = AuditEvent.objects.get(object_id=str(tender.pk), action="tender.publish")
    assert (publish.from_state, publish.to_state) == ("method_approved", "published")
    assert world.district.pk in publish.visible_to


def test_bidder_helpers_are_consistent(world):
    assert bidder_of(world).organisation == world.provider
    assert lead_of(world).organisation == world.county
