"""Sealing: before the deadline nobody outside the bidder's organisation can read a bid, its files, or whether a
given provider has bid -- not through a page, the API, the admin, a report, a search, the audit trail or a file
URL. "At the deadline" means closed: submissions must arrive strictly before it, and bids are unsealed at it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType

from core.errors import DomainError
from core.models import AuditEvent, Notification
from core.tenancy import scope
from partners.models import Role
from procurement.bids import models as bid_models
from procurement.bids import services as bid_services
from procurement.bids.models import Bid, BidAttachment, BidVersion
from procurement.evaluation import models as evaluation_models
from procurement.evaluation import services as evaluation_services
from procurement.tenders import models as tender_models
from procurement.tenders import selectors as tender_selectors
from procurement.tenders.models import Tender
from tests.conftest import sign_in
from tests.factories.commissioning import acting
from tests.factories.procurement import (
    add_to_panel,
    bidder_of,
    evaluator,
    fill_bid,
    lead_of,
    pdf,
    provider,
    published_tender,
    submitted_bid,
)

ONE = dt.timedelta(seconds=1)


@pytest.fixture
def sealed(world):
    """A published tender with one submitted bid carrying a file, and a cleared county evaluator on the panel."""
    tender = published_tender(world)
    by = bidder_of(world)
    bid = bid_services.bid_start(tender=tender, by=by)
    fill_bid(bid, by)
    attachment = bid_services.bid_attachment_add(bid=bid, title="Delivery plan", upload=pdf("plan.pdf"), by=by)
    bid_services.bid_submit(bid=bid, by=by)
    user = evaluator(world, world.county)
    seat = add_to_panel(tender, lead_of(world), user)
    evaluation_services.interests_declare(
        evaluator=seat, has_interest=False, interest="", by=acting(user, world.county)
    )
    return tender, Bid._base_manager.get(pk=bid.pk), attachment, user


def visible_bids(organisation, tender) -> int:
    with scope(organisation=organisation):
        return Bid.objects.filter(tender=tender).count()


def page_text(client, url: str) -> tuple[int, str]:
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, body.decode("utf-8", "replace")


def test_the_tenant_filter_seals_every_bid_table_until_the_deadline(world, sealed):
    tender, bid, _attachment, _ = sealed
    with scope(organisation=world.county):
        assert Bid.objects.filter(tender=tender).count() == 0
        assert BidVersion.objects.filter(bid=bid).count() == 0
        assert BidAttachment.objects.filter(bid=bid).count() == 0
        assert bid_models.BidAnswer.objects.filter(bid=bid).count() == 0
        assert bid_models.BidPriceLine.objects.filter(bid=bid).count() == 0
        assert bid_models.BidPartner.objects.filter(bid=bid).count() == 0
        assert tender_models.TenderInterest.objects.filter(tender=tender).count() == 0
    with scope(organisation=world.provider):
        assert Bid.objects.filter(tender=tender).count() == 1
        assert BidAttachment.objects.filter(bid=bid).count() == 1
    with time_machine.travel(tender.submission_deadline, tick=False):
        with scope(organisation=world.county):
            assert Bid.objects.filter(tender=tender).count() == 1
            assert BidVersion.objects.filter(bid=bid).count() == 1
            assert BidAttachment.objects.filter(bid=bid).count() == 1
            # The working copy is never shared: only the submitted version is.
            assert bid_models.BidAnswer.objects.filter(bid=bid).count() == 0
            assert tender_models.TenderInterest.objects.filter(tender=tender).count() == 0
        # A partner that is not on the panel, and another council, never see it.
        with scope(organisation=world.other_council):
            assert Bid.objects.filter(tender=tender).count() == 0
        other_provider, _ = provider(world, "Another Charity")
        with scope(organisation=other_provider):
            assert Bid.objects.filter(tender=tender).count() == 0
        with scope(organisation=None):
            assert Bid.objects.filter(tender=tender).count() == 0


@pytest.mark.parametrize(
    ("offset", "visible"), [(-ONE, False), (dt.timedelta(0), True), (ONE, True)], ids=["1s-before", "at", "1s-after"]
)
def test_deadline_boundary_for_the_lead(world, sealed, offset, visible):
    tender, *_ = sealed
    with time_machine.travel(tender.submission_deadline + offset, tick=False):
        assert visible_bids(world.county, tender) == (1 if visible else 0)
        assert visible_bids(world.provider, tender) == 1


@pytest.mark.parametrize(
    ("offset", "accepted"), [(-ONE, True), (dt.timedelta(0), False), (ONE, False)], ids=["1s-before", "at", "1s-after"]
)
def test_deadline_boundary_for_submission(world, offset, accepted):
    tender = published_tender(world)
    by = bidder_of(world)
    bid = bid_services.bid_start(tender=tender, by=by)
    fill_bid(bid, by)
    typed = dict(bid_models.BidAnswer._base_manager.filter(bid=bid).values_list("question_id", "text"))
    with time_machine.travel(tender.submission_deadline + offset, tick=False):
        if accepted:
            version = bid_services.bid_submit(bid=bid, by=by)
            assert version.submitted_at == tender.submission_deadline - ONE
            assert Bid._base_manager.get(pk=bid.pk).status == "submitted"
        else:
            with pytest.raises(DomainError, match="late bids cannot be accepted"):
                bid_services.bid_submit(bid=bid, by=by)
            refreshed = Bid._base_manager.get(pk=bid.pk)
            assert refreshed.status == "draft" and refreshed.current_version is None
            assert not BidVersion._base_manager.filter(bid=bid).exists()
            # The draft is intact.
            assert dict(bid_models.BidAnswer._base_manager.filter(bid=bid).values_list("question_id", "text")) == typed


def test_pages_reveal_nothing_before_the_deadline(world, sealed, client):
    tender, bid, attachment, panel_user = sealed
    name = world.provider.name
    sign_in(client, world.lead_commissioner, world.county)
    for url in (
        f"/tenders/{tender.pk}/",
        "/tenders/",
        f"/tenders/{tender.pk}/bids/",
        "/dashboard/",
        "/audit/",
        f"/opportunities/{tender.pk}/",
        "/opportunities/?include_closed=on",
        f"/tenders/{tender.pk}/panel/",
        f"/tenders/{tender.pk}/moderation/",
        f"/tenders/{tender.pk}/recommendation/",
    ):
        status, text = page_text(client, url)
        assert status in (200, 403), url
        assert name not in text, f"{url} names the bidder before the deadline"
    status, text = page_text(client, f"/tenders/{tender.pk}/")
    assert "Sealed until the deadline" in text
    assert client.get(f"/submissions/{bid.public_id}/").status_code == 404
    assert client.get(f"/bid-files/{attachment.public_id}/").status_code == 404
    # Refused by role before any lookup: the same answer for any number, so nothing is revealed.
    assert client.get(f"/bids/{bid.public_id}/").status_code == 403
    assert client.get(f"/bids/{bid.public_id}/receipt/").status_code == 403
    # The panel member too.
    client.logout()
    sign_in(client, panel_user, world.county)
    assert client.get(f"/submissions/{bid.public_id}/").status_code == 404
    assert client.get(f"/bid-files/{attachment.public_id}/").status_code == 404
    status, text = page_text(client, "/evaluations/")
    assert name not in text


def test_pages_open_for_the_lead_and_cleared_panel_after_the_deadline(world, sealed, client):
    tender, bid, attachment, panel_user = sealed
    with time_machine.travel(tender.submission_deadline + ONE, tick=False):
        sign_in(client, world.lead_commissioner, world.county)
        status, text = page_text(client, f"/tenders/{tender.pk}/bids/")
        assert status == 200 and world.provider.name in text
        assert client.get(f"/submissions/{bid.public_id}/").status_code == 200
        assert client.get(f"/bid-files/{attachment.public_id}/").status_code == 200
        status, text = page_text(client, f"/tenders/{tender.pk}/")
        assert "1 received" in text
        client.logout()
        sign_in(client, panel_user, world.county)
        assert client.get(f"/submissions/{bid.public_id}/").status_code == 200
        assert client.get(f"/bid-files/{attachment.public_id}/").status_code == 200
        # A colleague of the lead without the commissioner role, and a partner, still cannot read it.
        client.logout()
        sign_in(client, world.member(world.county, Role.VIEWER), world.county)
        assert client.get(f"/submissions/{bid.public_id}/").status_code == 403
        client.logout()
        sign_in(client, world.member(world.district, Role.COMMISSIONER), world.district)
        assert client.get(f"/submissions/{bid.public_id}/").status_code == 404
        assert client.get(f"/bid-files/{attachment.public_id}/").status_code == 404


def test_an_uncleared_evaluator_cannot_read_bids_even_after_the_deadline(world, sealed, client):
    tender, bid, attachment, _ = sealed
    pending = evaluator(world, world.county, name="Pending Person")
    add_to_panel(tender, lead_of(world), pending)
    with time_machine.travel(tender.submission_deadline + ONE, tick=False):
        sign_in(client, pending, world.county)
        assert client.get(f"/submissions/{bid.public_id}/").status_code == 403
        assert client.get(f"/bid-files/{attachment.public_id}/").status_code == 403


def test_the_api_is_sealed(world, sealed, client):
    tender, bid, _attachment, _ = sealed
    sign_in(client, world.lead_commissioner, world.county)
    assert client.get("/api/v1/bids/").json()["count"] == 0
    assert client.get(f"/api/v1/bids/{bid.public_id}/").status_code == 404
    assert client.get(f"/api/v1/bids/?tender={tender.pk}").json()["count"] == 0
    assert client.get(f"/api/v1/tenders/{tender.pk}/").json()["bids_received"] is None
    assert world.provider.name not in client.get("/api/v1/audit-events/?page_size=200").content.decode()
    client.logout()
    assert client.get(f"/api/v1/tenders/{tender.pk}/").json()["bids_received"] is None
    sign_in(client, world.bidder, world.provider)
    mine = client.get(f"/api/v1/bids/{bid.public_id}/").json()
    assert mine["submitted"]["sha256"] == bid.current_version.sha256
    with time_machine.travel(tender.submission_deadline + ONE, tick=False):
        client.logout()
        sign_in(client, world.lead_commissioner, world.county)
        listed = client.get(f"/api/v1/bids/?tender={tender.pk}").json()
        assert listed["count"] == 1
        detail = client.get(f"/api/v1/bids/{bid.public_id}/").json()
        assert detail["content"]["bidder"]["name"] == world.provider.name
        assert client.get(f"/api/v1/tenders/{tender.pk}/").json()["bids_received"] == 1
        client.logout()
        sign_in(client, world.outsider, world.other_council)
        assert client.get(f"/api/v1/bids/{bid.public_id}/").status_code == 404


def test_the_admin_never_shows_bids():
    registered = {model._meta.label for model in admin.site._registry}
    for model in (
        Bid,
        BidVersion,
        BidAttachment,
        bid_models.BidAnswer,
        bid_models.BidPriceLine,
        bid_models.BidPartner,
        evaluation_models.Score,
        evaluation_models.ScoreSheet,
        tender_models.TenderInterest,
    ):
        assert model._meta.label not in registered


def test_reports_and_counts_say_nothing_until_the_deadline(world, sealed, client):
    tender, *_ = sealed
    sign_in(client, world.lead_commissioner, world.county)
    status, text = page_text(client, "/tenders/report.csv")
    assert status == 200 and "sealed until the deadline" in text
    with scope(organisation=None):
        row = tender_selectors.portal(tender_selectors.PortalFilters(include_closed=True)).get(pk=tender.pk)
        assert row.bids_received is None
    with time_machine.travel(tender.submission_deadline, tick=False):
        with scope(organisation=None):
            row = tender_selectors.portal(tender_selectors.PortalFilters(include_closed=True)).get(pk=tender.pk)
            assert row.bids_received == 1
        client.logout()
        sign_in(client, world.lead_commissioner, world.county)
        status, text = page_text(client, "/tenders/report.csv")
        assert text.strip().splitlines()[-1].endswith(",1")


def test_search_never_reveals_a_bidder(world, sealed, client):
    _tender, *_ = sealed
    for q in (world.provider.name, "Citizens Advice", world.provider.charity_number):
        status, text = page_text(client, f"/opportunities/?q={q}&include_closed=on")
        assert status == 200
        assert "0 opportunities" in text
        # Only the search box echoes what was typed.
        assert text.count(world.provider.name) == (1 if q == world.provider.name else 0)
    sign_in(client, world.lead_commissioner, world.county)
    assert world.provider.name not in client.get(f"/api/v1/tenders/?search={world.provider.name}").content.decode()


def test_the_audit_trail_and_notifications_keep_bids_private(world, sealed):
    _tender, _bid, *_ = sealed
    bid_types = [ContentType.objects.get_for_model(x) for x in (Bid, BidVersion, BidAttachment)]
    with scope(organisation=world.county):
        assert not AuditEvent.objects.filter(content_type__in=bid_types).exists()
        assert not AuditEvent.objects.filter(object_repr__icontains=world.provider.name).exists()
    with scope(organisation=world.provider):
        assert AuditEvent.objects.filter(content_type__in=bid_types, action="bid.submit").exists()
    with scope(organisation=world.county):
        for n in Notification.objects.all():
            assert world.provider.name not in f"{n.subject} {n.body}"


def test_whether_a_provider_has_bid_is_hidden_from_other_providers(world, sealed, client):
    tender, bid, *_ = sealed
    other, user = provider(world, "Another Charity")
    sign_in(client, user, other)
    assert client.get(f"/bids/{bid.public_id}/").status_code == 404
    assert client.get(f"/api/v1/bids/{bid.public_id}/").status_code == 404
    _status, text = page_text(client, f"/opportunities/{tender.pk}/")
    assert world.provider.name not in text


def test_the_lead_learns_nothing_from_a_late_bid_either(world, sealed):
    tender, *_ = sealed
    late_org, late_user = provider(world, "Late Charity")
    by = acting(late_user, late_org)
    bid = bid_services.bid_start(tender=tender, by=by)
    fill_bid(bid, by)
    with time_machine.travel(tender.submission_deadline + ONE, tick=False):
        with pytest.raises(DomainError):
            bid_services.bid_submit(bid=bid, by=by)
        with scope(organisation=world.county):
            assert not Bid.objects.filter(organisation=late_org).exists()
            assert Bid.objects.filter(tender=tender).count() == 1


def test_two_stage_expressions_of_interest_are_sealed_until_their_own_deadline(world):
    tender = published_tender(
        world, procedure="two_stage", eoi_in=dt.timedelta(days=5), clarification_in=dt.timedelta(days=7)
    )
    by = bidder_of(world)
    bid, _ = submitted_bid(tender, by)
    assert bid.stage == "eoi"
    with time_machine.travel(tender.eoi_deadline - ONE, tick=False):
        assert visible_bids(world.county, tender) == 0
    with time_machine.travel(tender.eoi_deadline, tick=False):
        assert visible_bids(world.county, tender) == 1
    assert Tender._base_manager.get(pk=tender.pk).submission_deadline > tender.eoi_deadline
