"""The REST API: the same sealing, deadlines and permissions as the pages."""

from __future__ import annotations

import time_machine

from procurement.bids.models import Bid, BidVersion
from procurement.evaluation import services
from procurement.evaluation.models import Evaluator
from procurement.tenders.models import TenderStatus
from tests.conftest import sign_in
from tests.factories.commissioning import acting
from tests.factories.procurement import (
    add_to_panel,
    awarded,
    bidder_of,
    close,
    evaluator,
    lead_of,
    provider,
    published_tender,
    submitted_bid,
)


def test_a_bid_through_the_api(world, client):
    tender = published_tender(world)
    sign_in(client, world.bidder, world.provider)
    created = client.post("/api/v1/bids/", {"tender": tender.pk}, content_type="application/json")
    assert created.status_code == 201, created.content
    bid_id = created.json()["id"]
    questions = tender.method.questions.filter(stage="full")
    patch = client.patch(
        f"/api/v1/bids/{bid_id}/",
        {
            "summary": "Our offer",
            "answers": {str(q.pk): "We support older people at home every week." for q in questions},
            "price_lines": {
                "staff": {"amount": "30625.00", "description": "Staff"},
                "overheads": {"amount": "13125.00"},
            },
        },
        content_type="application/json",
    )
    assert patch.status_code == 200, patch.content
    assert patch.json()["content"]["price"]["annual_total"] == "43750.00"
    receipt = client.post(f"/api/v1/bids/{bid_id}/submit/").json()
    version = BidVersion._base_manager.get(bid__public_id=bid_id)
    assert receipt == {
        "bid": bid_id,
        "version": 1,
        "submitted_at": receipt["submitted_at"],
        "sha256": version.sha256,
    }
    assert client.get(f"/api/v1/bids/{bid_id}/").json()["submitted"]["sha256"] == version.sha256
    assert client.post(f"/api/v1/bids/{bid_id}/withdraw/").json()["status"] == "withdrawn"
    with time_machine.travel(tender.submission_deadline, tick=False):
        client.logout()
        sign_in(client, world.bidder, world.provider)
        late = client.post(f"/api/v1/bids/{bid_id}/submit/")
        assert late.status_code == 400
        assert "late bids cannot be accepted" in late.json()["detail"]
    assert Bid._base_manager.get(public_id=bid_id).status == "withdrawn"


def test_another_provider_cannot_touch_a_bid(world, client):
    tender = published_tender(world)
    sign_in(client, world.bidder, world.provider)
    bid_id = client.post("/api/v1/bids/", {"tender": tender.pk}, content_type="application/json").json()["id"]
    other, user = provider(world, "Another Charity")
    client.logout()
    sign_in(client, user, other)
    assert client.patch(f"/api/v1/bids/{bid_id}/", {"summary": "x"}, content_type="application/json").status_code == 404
    assert client.post(f"/api/v1/bids/{bid_id}/submit/").status_code == 404
    assert acting(user, other).organisation == other


def test_recommendations_and_contracts_for_partners(world, client):
    flow = awarded(world)
    sign_in(client, world.finance_officer, world.district)
    recommendation = client.get(f"/api/v1/award-recommendations/{flow.recommendation.pk}/").json()
    assert recommendation["status"] == "approved"
    assert {s["amount"] for s in recommendation["lines"][0]["shares"]} == {"23750.00", "20000.00"}
    contract = client.get(f"/api/v1/contracts/{flow.contract.pk}/").json()
    assert contract["annual_value"] == "43750.00"
    assert sorted({(s["organisation_name"], s["amount"]) for s in contract["shares"]}) == [
        ("Lichfield District Council", "20000.00"),
        ("Staffordshire County Council", "23750.00"),
    ]
    assert client.post(f"/api/v1/award-recommendations/{flow.recommendation.pk}/approve/").status_code == 403
    client.logout()
    sign_in(client, world.bidder, world.provider)
    assert client.get(f"/api/v1/contracts/{flow.contract.pk}/").status_code == 200  # its own contract
    assert client.get(f"/api/v1/award-recommendations/{flow.recommendation.pk}/").status_code == 404


def test_declarations_and_conflict_decisions_through_the_api(world, client):
    tender = published_tender(world)
    submitted_bid(tender, acting(world.bidder, world.provider))
    tender = close(tender)
    user = evaluator(world, world.district)
    seat = add_to_panel(tender, lead_of(world), user)
    sign_in(client, user, world.district)
    response = client.post(
        f"/api/v1/evaluators/{seat.pk}/declare/",
        {"has_interest": True, "interest": "Volunteer at Citizens Advice"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["declaration"] == "interest"
    assert (
        client.post(
            f"/api/v1/evaluators/{seat.pk}/decide/", {"decision": "exclude"}, content_type="application/json"
        ).status_code
        == 403
    )
    client.logout()
    sign_in(client, world.lead_commissioner, world.county)
    listed = client.get(f"/api/v1/evaluators/?tender={tender.pk}").json()["results"]
    assert listed[0]["interest"] == "Volunteer at Citizens Advice"
    decided = client.post(
        f"/api/v1/evaluators/{seat.pk}/decide/",
        {"decision": "mitigate", "mitigation": "Does not score Citizens Advice"},
        content_type="application/json",
    )
    assert decided.status_code == 200, decided.content
    assert Evaluator._base_manager.get(pk=seat.pk).is_cleared
    assert services is not None


def test_the_tender_and_bid_workflows_through_the_api(world, client):
    """Every step of TENDER_WORKFLOW and BID_WORKFLOW is reachable at ``{id}/transition/``, through its service."""
    tender = published_tender(world)
    bid, _ = submitted_bid(tender, bidder_of(world))
    sign_in(client, world.bidder, world.provider)
    steps = client.get(f"/api/v1/bids/{bid.public_id}/transitions/").json()
    assert "withdraw" in [s["transition"] for s in steps]
    withdrawn = client.post(
        f"/api/v1/bids/{bid.public_id}/transition/",
        {"transition": "withdraw", "reason": "We will resubmit"},
        content_type="application/json",
    )
    assert withdrawn.status_code == 200, withdrawn.content
    assert Bid._base_manager.get(pk=bid.pk).status == "withdrawn"
    refused = client.post(
        f"/api/v1/tenders/{tender.pk}/transition/",
        {"transition": "cancel", "reason": "x"},
        content_type="application/json",
    )
    assert refused.status_code == 403

    client.logout()
    sign_in(client, world.lead_commissioner, world.county)
    listed = [s["transition"] for s in client.get(f"/api/v1/tenders/{tender.pk}/transitions/").json()]
    assert "cancel" in listed
    blank = client.post(
        f"/api/v1/tenders/{tender.pk}/transition/",
        {"transition": "cancel", "reason": ""},
        content_type="application/json",
    )
    assert blank.status_code == 400, blank.content
    cancelled = client.post(
        f"/api/v1/tenders/{tender.pk}/transition/",
        {"transition": "cancel", "reason": "The service is no longer needed"},
        content_type="application/json",
    )
    assert cancelled.status_code == 200, cancelled.content
    assert cancelled.json()["status"] == TenderStatus.CANCELLED
    client.logout()
    assert client.get(f"/api/v1/tenders/{tender.pk}/transitions/").status_code in (401, 403)
    assert client.get(f"/api/v1/tenders/{tender.pk}/").status_code == 200
