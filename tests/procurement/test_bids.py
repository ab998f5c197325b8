"""Bids: drafts that save as the bidder works and reuse the profile, submission on the server's clock with a
receipt (server timestamp + SHA-256), resubmission keeping history, withdrawal, and refusal after the deadline."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from core.errors import DomainError, NotPermitted
from core.models import Notification
from partners.models import OrganisationKind, Role
from procurement.bids import rules as bid_rules
from procurement.bids import services as bid_services
from procurement.bids.models import Bid, BidAttachment, BidVersion, ProviderProfile
from procurement.evaluation import services as evaluation_services
from tests.conftest import sign_in
from tests.factories.commissioning import acting
from tests.factories.procurement import (
    age,
    bidder_of,
    fill_bid,
    lead_of,
    pdf,
    provider,
    published_tender,
    submitted_bid,
)


@pytest.fixture
def tender(world):
    return published_tender(world)


def test_a_bid_reuses_the_organisation_profile(world, tender, bidder):
    bid_services.profile_update(by=bidder, annual_income=Decimal("412000"), staff_count=14, volunteer_count=60)
    policy = bid_services.profile_document_add(kind="safeguarding", upload=pdf("safeguarding.pdf"), by=bidder)
    bid = bid_services.bid_start(tender=tender, by=bidder)
    attached = BidAttachment._base_manager.get(bid=bid)
    assert attached.from_profile == policy and attached.sha256 == policy.sha256
    content = bid_rules.canonical_content(bid)
    assert content["bidder"]["charity_number"] == world.provider.charity_number
    assert content["profile"]["annual_income"] == "412000.00"
    assert content["attachments"][0]["sha256"] == policy.sha256


def test_submission_gives_a_receipt_with_the_server_time_and_a_hash(tender, bidder):
    bid = bid_services.bid_start(tender=tender, by=bidder)
    fill_bid(bid, bidder)
    moment = tender.submission_deadline - dt.timedelta(hours=1)
    with time_machine.travel(moment, tick=False):
        version = bid_services.bid_submit(bid=bid, by=bidder)
    assert version.submitted_at == moment
    canonical = json.dumps(version.content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert version.sha256 == hashlib.sha256(canonical.encode()).hexdigest()
    assert version.annual_price == Decimal("43750.00")
    bid.refresh_from_db()
    assert bid.status == "submitted" and bid.current_version == version and bid.submitted_at == moment


def test_the_hash_covers_every_file(tender, bidder):
    bid = bid_services.bid_start(tender=tender, by=bidder)
    fill_bid(bid, bidder)
    bid_services.bid_attachment_add(bid=bid, title="Plan", upload=pdf("plan.pdf", "Plan A"), by=bidder)
    first = bid_services.bid_submit(bid=bid, by=bidder)
    plan = BidAttachment._base_manager.get(bid=bid, title="Plan")
    bid_services.bid_attachment_remove(attachment=plan, by=bidder)
    bid_services.bid_attachment_add(bid=bid, title="Plan", upload=pdf("plan.pdf", "Plan B"), by=bidder)
    second = bid_services.bid_submit(bid=bid, by=bidder)
    assert first.sha256 != second.sha256
    # The first version still holds the file it was submitted with.
    assert list(first.attachments.all()) == [plan]


def test_resubmission_replaces_the_version_and_keeps_history(tender, bidder, client, world):
    bid, first = submitted_bid(tender, bidder)
    bid_services.bid_save_draft(bid=bid, by=bidder, summary="A better summary")
    second = bid_services.bid_submit(bid=bid, by=bidder)
    bid.refresh_from_db()
    assert (first.number, second.number) == (1, 2)
    assert bid.current_version == second and first.sha256 != second.sha256
    assert BidVersion._base_manager.filter(bid=bid).count() == 2
    sign_in(client, world.bidder, world.provider)
    page = client.get(f"/bids/{bid.public_id}/receipt/").content.decode()
    assert second.sha256 in page and "History" in page


def test_withdrawal_and_resubmission_before_the_deadline(tender, bidder):
    bid, _ = submitted_bid(tender, bidder)
    bid = bid_services.bid_withdraw(bid=bid, by=bidder)
    assert bid.status == "withdrawn"
    bid_services.bid_submit(bid=bid, by=bidder)
    assert Bid._base_manager.get(pk=bid.pk).status == "submitted"
    with time_machine.travel(tender.submission_deadline, tick=False), pytest.raises(DomainError):
        bid_services.bid_withdraw(bid=bid, by=bidder)


def test_word_limits_and_missing_answers_stop_submission_but_never_the_draft(tender, bidder):
    bid = bid_services.bid_start(tender=tender, by=bidder)
    question = tender.method.questions.filter(pass_fail=False).order_by("number").first()
    long = " ".join(["word"] * (question.word_limit + 1))
    bid_services.bid_save_draft(bid=bid, by=bidder, answers={question.pk: long})
    with pytest.raises(DomainError) as refused:
        bid_services.bid_submit(bid=bid, by=bidder)
    problems = " ".join(refused.value.problems)
    assert f"is {question.word_limit + 1} words: the limit is {question.word_limit}" in problems
    assert "Enter your price" in problems
    assert bid.answers.get(question=question).text == long


def test_eligibility_third_sector_only(world, tender):
    company, user = provider(world, "Care Company Ltd", kind=OrganisationKind.PRIVATE_COMPANY)
    with pytest.raises(DomainError, match="third-sector organisations only"):
        bid_services.bid_start(tender=tender, by=acting(user, company))


def test_only_the_bidding_organisation_changes_a_bid(world, tender, bidder):
    bid = bid_services.bid_start(tender=tender, by=bidder)
    other, user = provider(world, "Another Charity")
    with pytest.raises(NotPermitted):
        bid_services.bid_save_draft(bid=bid, by=acting(user, other), summary="mine now")
    with pytest.raises(NotPermitted):
        bid_services.bid_submit(bid=bid, by=acting(user, other))
    viewer = world.member(world.provider, Role.VIEWER)
    with pytest.raises(NotPermitted):
        bid_services.bid_submit(bid=bid, by=acting(viewer, world.provider))


def test_the_bid_page_saves_and_an_error_loses_nothing(tender, world, client):
    sign_in(client, world.bidder, world.provider)
    response = client.post(f"/opportunities/{tender.pk}/bid/")
    bid = Bid._base_manager.get(tender=tender, organisation=world.provider)
    assert response["Location"] == f"/bids/{bid.public_id}/"
    question = tender.method.questions.filter(pass_fail=False).order_by("number").first()
    upload = SimpleUploadedFile("plan.pdf", pdf().read(), content_type="application/pdf")
    response = client.post(
        f"/bids/{bid.public_id}/",
        {
            f"answer_{question.pk}": "We visit people at home every week.",
            "price_staff": "not money",
            "attachment_title": "Plan",
            "attachment": upload,
            "action": "save",
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "We visit people at home every week." in text  # what was typed is shown again
    assert "Kept from your last attempt: plan.pdf" in text  # the upload is kept
    token = response.context["form"].kept_uploads["attachment"]["token"]
    response = client.post(
        f"/bids/{bid.public_id}/",
        {
            f"answer_{question.pk}": "We visit people at home every week.",
            "price_staff": "30625.00",
            "attachment_title": "Plan",
            "attachment__kept": token,
            "action": "save",
        },
    )
    assert response.status_code == 302
    assert bid.answers.get(question=question).text == "We visit people at home every week."
    assert BidAttachment._base_manager.filter(bid=bid, original_filename="plan.pdf").exists()


def test_autosave_saves_as_the_bidder_types(tender, world, client, bidder):
    bid = bid_services.bid_start(tender=tender, by=bidder)
    question = tender.method.questions.filter(pass_fail=False).first()
    sign_in(client, world.bidder, world.provider)
    response = client.post(
        f"/bids/{bid.public_id}/autosave/",
        data=json.dumps({f"answer_{question.pk}": "Typed so far", "price_staff": "1000", "summary": "S"}),
        content_type="application/json",
    )
    assert response.status_code == 200 and "Draft saved" in response.json()["message"]
    assert bid.answers.get(question=question).text == "Typed so far"
    assert bid.price_lines.get(category="staff").annual_amount == Decimal("1000.00")
    assert (
        client.post(f"/bids/{bid.public_id}/autosave/", data="nope", content_type="application/json").status_code == 400
    )


def test_a_late_submission_through_the_page_says_why_and_keeps_the_draft(tender, world, client, bidder):
    bid = bid_services.bid_start(tender=tender, by=bidder)
    fill_bid(bid, bidder)
    with time_machine.travel(tender.submission_deadline + dt.timedelta(seconds=1), tick=False):
        sign_in(client, world.bidder, world.provider)
        response = client.post(f"/bids/{bid.public_id}/submit/", follow=True)
        text = response.content.decode()
        assert "late bids cannot be accepted" in text and "Your draft has been kept" in text
    assert Bid._base_manager.get(pk=bid.pk).status == "draft"
    assert bid.answers.count() == tender.method.questions.filter(stage="full").count()


def test_two_stage_only_shortlisted_providers_bid_in_full_and_the_rest_are_told_why(world):
    tender = published_tender(
        world, procedure="two_stage", eoi_in=dt.timedelta(days=3), clarification_in=dt.timedelta(days=7)
    )
    lead = lead_of(world)
    first, _ = submitted_bid(tender, bidder_of(world))
    other, user = provider(world, "Age UK South Staffordshire")
    second, _ = submitted_bid(tender, acting(user, other))
    tender = age(tender, dt.timedelta(days=3, seconds=1))
    evaluation_services.eoi_decide(bid=first, shortlist=True, by=lead)
    with pytest.raises(DomainError, match="Say why"):
        evaluation_services.eoi_decide(bid=second, shortlist=False, by=lead)
    evaluation_services.eoi_decide(
        bid=second, shortlist=False, reason="No experience of this service in the district", by=lead
    )
    tender = evaluation_services.invite_full_bids(tender=tender, by=lead)
    assert tender.stage == "full"
    told = Notification.objects.get(recipient=user, subject__contains="not shortlisted")
    assert "No experience of this service" in told.body
    assert Notification.objects.filter(recipient=world.bidder, subject__contains="invited").exists()
    full = bid_services.bid_start(tender=tender, by=bidder_of(world))
    assert full.stage == "full"
    with pytest.raises(DomainError, match="by invitation"):
        bid_services.bid_start(tender=tender, by=acting(user, other))


def test_profile_page_keeps_facts(world, client):
    sign_in(client, world.bidder, world.provider)
    response = client.post("/provider-profile/", {"action": "facts", "annual_income": "250,000", "staff_count": "5"})
    assert response.status_code == 302
    profile = ProviderProfile._base_manager.get(organisation=world.provider)
    assert profile.annual_income == Decimal("250000.00") and profile.staff_count == 5
