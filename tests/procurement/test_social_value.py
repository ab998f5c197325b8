"""A bid's social value commitments (seed 004): the bid writer adds them on the bid form or through the API (kind,
target per year with its unit, what it means); they are sealed with the bid until the deadline; the winning bid's
commitments become the contract's KPIs when it is signed, or when the KPI set is created after signing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from core.errors import DomainError
from core.tenancy import unscoped
from monitoring.kpis.models import Kpi
from monitoring.kpis.services import kpi_set_create, social_value_kpis_set_up
from procurement.award import services as award_services
from procurement.bids import services as bid_services
from procurement.bids.models import Bid, BidSocialValue, BidVersion
from procurement.tenders.models import Tender
from tests.conftest import api_client, sign_in
from tests.factories import procurement as factories
from tests.factories.procurement import LICHFIELD_A_YEAR, bidder_of, close, lead_of, pdf, published_tender

pytestmark = pytest.mark.django_db

PROMISES = [
    ("local_jobs", "4", "", "Advisers recruited from Lichfield District"),
    ("apprenticeships", "1", "", "One apprentice adviser each year"),
    ("volunteering_hours", "1200", "", "Trained volunteers' hours"),
    ("money_reinvested", "5000.00", "", "Spent with Lichfield suppliers"),
]


def promise(bid, by):
    for kind, target, unit, description in PROMISES:
        bid_services.bid_social_value_add(bid=bid, kind=kind, target=target, unit=unit, description=description, by=by)


@pytest.fixture
def winner_promises(world, monkeypatch):
    """The world's provider (who wins) adds social value commitments to its bid before submitting it."""
    original = factories.fill_bid

    def fill(bid, by, **kwargs):
        bid = original(bid, by, **kwargs)
        if bid.organisation_id == world.provider.pk:
            promise(bid, by)
        return bid

    monkeypatch.setattr(factories, "fill_bid", fill)


def sign(flow) -> None:
    """Recommend the first bid, approve, standstill passed, sign (as ``factories.awarded`` does)."""
    tender, lead = flow.tender, flow.lead
    flow.recommendation = award_services.recommend(tender=tender, by=lead, choices=[(flow.bids[0], LICHFIELD_A_YEAR)])
    award_services.recommendation_approve(recommendation=flow.recommendation, by=lead)
    award_services.standstill_start(tender=tender, by=lead)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    Tender._base_manager.filter(pk=tender.pk).update(
        letters_sent_on=yesterday - dt.timedelta(days=14), standstill_ends_on=yesterday - dt.timedelta(days=1)
    )
    flow.contract = award_services.contract_sign(
        line=flow.recommendation.lines.get(), signed_on=yesterday, by=lead, document=pdf("contract.pdf")
    )


def social_value_kpis(contract):
    with unscoped(reason="test reads the contract's KPIs"):
        return {k.social_value_kind: k for k in Kpi.objects.filter(contract=contract).exclude(social_value_kind="")}


def test_the_bid_writer_adds_commitments_with_the_unit_each_kind_suggests(world):
    tender = published_tender(world)
    bidder = bidder_of(world)
    bid = bid_services.bid_start(tender=tender, by=bidder)
    promise(bid, bidder)
    with unscoped(reason="test reads the working copy"):
        rows = {c.kind: (c.target, c.unit) for c in BidSocialValue.objects.filter(bid=bid)}
    assert rows == {
        "local_jobs": (Decimal("4"), "jobs"),
        "apprenticeships": (Decimal("1"), "apprenticeships"),
        "volunteering_hours": (Decimal("1200"), "hours"),
        "money_reinvested": (Decimal("5000.00"), "£"),
    }


@pytest.mark.parametrize(
    ("target", "field"), [("-1", "target"), ("1000000001", "target"), ("1e3", "target"), ("", "target")]
)
def test_a_target_that_is_not_a_bounded_number_is_refused(world, target, field):
    tender = published_tender(world)
    bidder = bidder_of(world)
    bid = bid_services.bid_start(tender=tender, by=bidder)
    with pytest.raises(DomainError) as refused:
        bid_services.bid_social_value_add(bid=bid, kind="local_jobs", target=target, description="Jobs", by=bidder)
    assert field in refused.value.field_errors


def test_commitments_through_the_bid_page_and_the_api(client, world):
    tender = published_tender(world)
    bid = bid_services.bid_start(tender=tender, by=bidder_of(world))
    sign_in(client, world.bidder, world.provider)
    edit = reverse("bid-edit", kwargs={"bid_id": bid.public_id})
    assert "Social value" in client.get(edit).content.decode()
    url = reverse("bid-social-value-add", kwargs={"bid_id": bid.public_id})
    bad = client.post(url, {"kind": "local_jobs", "target": "-3", "description": "Local jobs"})
    assert bad.status_code == 302
    good = client.post(url, {"kind": "local_jobs", "target": "4", "description": "Advisers from Lichfield"})
    assert good.status_code == 302
    page = client.get(edit).content.decode()
    assert "Advisers from Lichfield" in page and "4 jobs" in page
    api = api_client(world.bidder, world.provider)
    created = api.post(
        "/api/v1/bid-social-value/",
        {"bid": str(bid.public_id), "kind": "volunteering_hours", "target": "1200", "description": "Volunteers"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert (created.json()["unit"], created.json()["target"]) == ("hours", "1200.00")
    assert (
        api.post(
            "/api/v1/bid-social-value/",
            {"bid": str(bid.public_id), "kind": "local_jobs", "target": "10000000000", "description": "Too many"},
            format="json",
        ).status_code
        == 400
    )
    listed = api.get("/api/v1/bid-social-value/").json()
    assert listed["count"] == 2
    removed = api.delete(f"/api/v1/bid-social-value/{created.json()['id']}/")
    assert removed.status_code == 204
    with unscoped(reason="test"):
        assert BidSocialValue.objects.filter(bid=bid).count() == 1


def test_commitments_are_sealed_until_the_deadline(client, world):
    tender = published_tender(world)
    bidder = bidder_of(world)
    bid = bid_services.bid_start(tender=tender, by=bidder)
    factories.fill_bid(bid, bidder)
    promise(bid, bidder)
    version = bid_services.bid_submit(bid=bid, by=bidder)
    assert [c["kind"] for c in version.content["social_value"]] == [k for k, *_ in PROMISES]
    lead = api_client(world.lead_commissioner, world.county)
    assert lead.get("/api/v1/bid-social-value/").status_code == 403  # a working copy is for bid writers only
    commitment_id = version.content["social_value"][0]["id"]
    assert lead.get(f"/api/v1/bid-social-value/{commitment_id}/").status_code in (403, 404)
    assert lead.get(f"/api/v1/bids/{bid.public_id}/").status_code == 404
    sign_in(client, world.lead_commissioner, world.county)
    submission = reverse("submission-detail", kwargs={"submission_id": bid.public_id})
    assert client.get(submission).status_code == 404
    close(tender)
    opened = lead.get(f"/api/v1/bids/{bid.public_id}/").json()
    assert [c["target"] for c in opened["content"]["social_value"]] == ["4.00", "1.00", "1200.00", "5000.00"]
    page = client.get(submission).content.decode()
    assert "Social value commitments" in page and "Advisers recruited from Lichfield District" in page
    # The working copy stays the bidder's alone, even after the deadline; another provider never sees it.
    assert lead.get("/api/v1/bid-social-value/").status_code == 403
    other = api_client(world.member(world.other_council, "bidder"), world.other_council)
    assert other.get(f"/api/v1/bid-social-value/{commitment_id}/").status_code == 404


def test_signing_the_contract_makes_the_winning_bids_commitments_kpis(world, winner_promises):
    flow = factories.evaluated(world)
    kpi_set = kpi_set_create(commission=flow.tender.commission, title="Older people's KPIs", by=lead_of(world))
    sign(flow)
    kpis = social_value_kpis(flow.contract)
    assert set(kpis) == {"local_jobs", "apprenticeships", "volunteering_hours", "money_reinvested"}
    assert all(k.kpi_set_id == kpi_set.pk and k.frequency == "annual" for k in kpis.values())
    assert kpis["volunteering_hours"].target == Decimal("1200.00")
    assert social_value_kpis_set_up(contract=flow.contract, by=flow.lead) == []  # once only
    # The losing bid made no promises, and nothing of its is monitored.
    with unscoped(reason="test"):
        assert Kpi.objects.filter(kpi_set=kpi_set).count() == 4


def test_a_kpi_set_created_after_signing_picks_the_commitments_up_once(world, winner_promises):
    flow = factories.evaluated(world)
    sign(flow)
    assert social_value_kpis(flow.contract) == {}  # no KPI set yet: nothing to add them to
    kpi_set_create(commission=flow.tender.commission, title="Older people's KPIs", by=lead_of(world))
    assert len(social_value_kpis(flow.contract)) == 4
    social_value_kpis_set_up(contract=flow.contract, by=flow.lead)
    assert len(social_value_kpis(flow.contract)) == 4


def test_a_submitted_version_keeps_its_hash_when_it_makes_no_commitments(world):
    tender = published_tender(world)
    bidder = bidder_of(world)
    bid = bid_services.bid_start(tender=tender, by=bidder)
    factories.fill_bid(bid, bidder)
    version = bid_services.bid_submit(bid=bid, by=bidder)
    assert "social_value" not in version.content
    with unscoped(reason="test"):
        assert Bid.objects.get(pk=bid.pk).current_version_id == version.pk
        assert BidVersion.objects.filter(bid=bid).count() == 1
