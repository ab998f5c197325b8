"""Bids, their files and partners, and score sheets are addressed by random public ids: sequential ids across every
organisation hinted at how many bids were being made (issue #10)."""

from __future__ import annotations

import uuid

import pytest

from core.models import AuditEvent
from procurement.bids import services as bid_services
from procurement.bids.models import BidAttachment, BidPartner
from procurement.evaluation.models import ScoreSheet
from tests.conftest import sign_in
from tests.factories.procurement import bidder_of, evaluated, pdf, published_tender

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(world):
    tender = published_tender(world)
    by = bidder_of(world)
    bid = bid_services.bid_start(tender=tender, by=by)
    bid_services.bid_attachment_add(bid=bid, title="Our plan", upload=pdf("plan.pdf"), by=by)
    bid_services.bid_partner_add(
        bid=bid, kind="subcontractor", name="Lichfield Community Transport", role="Transport", by=by
    )
    return bid


def test_a_bidder_reaches_its_bid_by_its_random_id_and_never_by_a_number(world, client, draft):
    bid = draft
    assert isinstance(bid.public_id, uuid.UUID)
    sign_in(client, world.bidder, world.provider)
    page = client.get(f"/bids/{bid.public_id}/")
    assert page.status_code == 200
    html = page.content.decode()
    attachment = BidAttachment.objects.get(bid=bid, title="Our plan")
    partner = BidPartner.objects.get(bid=bid)
    assert f"/bid-files/{attachment.public_id}/" in html and f"/bid-partners/{partner.public_id}/remove/" in html
    assert f"/bids/{bid.pk}/" not in html

    assert client.get(f"/bids/{bid.pk}/").status_code == 404
    assert client.get(f"/bids/{bid.pk}/receipt/").status_code == 404
    assert client.get(f"/bid-files/{attachment.pk}/").status_code == 404
    assert client.get(f"/bid-files/{attachment.public_id}/").status_code == 200
    assert client.post(f"/bid-partners/{partner.pk}/remove/").status_code == 404

    # the API: the bid's id is its public id; the integer answers 404
    listed = client.get("/api/v1/bids/").json()["results"]
    assert [b["id"] for b in listed] == [str(bid.public_id)]
    assert client.get(f"/api/v1/bids/{bid.public_id}/").json()["id"] == str(bid.public_id)
    assert client.get(f"/api/v1/bids/{bid.pk}/").status_code == 404
    assert client.post(f"/api/v1/bids/{bid.pk}/submit/").status_code == 404


def test_the_audit_trail_names_a_bid_by_its_public_id(world, client, draft):
    sign_in(client, world.bidder, world.provider)
    events = client.get("/api/v1/audit-events/?action=bid.started").json()["results"]
    assert [e["object_id"] for e in events] == [str(draft.public_id)]
    assert AuditEvent.objects.filter(object_id=str(draft.pk), content_type__model="bid").count() == 0


def test_an_evaluator_opens_a_score_sheet_by_its_public_id(world, client):
    flow = evaluated(world)
    sheet = ScoreSheet._base_manager.select_related("evaluator__user", "evaluator__organisation").first()
    sign_in(client, sheet.evaluator.user, sheet.evaluator.organisation)
    assert client.get(f"/scoresheets/{sheet.public_id}/").status_code == 200
    assert client.get(f"/scoresheets/{sheet.pk}/").status_code == 404
    sheets = client.get("/api/v1/scoresheets/").json()["results"]
    assert str(sheet.public_id) in {s["id"] for s in sheets}
    assert client.get(f"/api/v1/scoresheets/{sheet.pk}/").status_code == 404
    # the lead reads a received bid by its public id too
    sign_in(client, world.lead_commissioner, world.county)
    bid = flow.bids[0]
    assert client.get(f"/submissions/{bid.public_id}/").status_code == 200
    assert client.get(f"/submissions/{bid.pk}/").status_code == 404
