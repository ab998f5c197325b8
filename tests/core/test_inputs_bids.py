"""Issue #9: what people type never ends in a 500 and a double click never doubles a bid.

Ruth bids for Citizens Advice Lichfield District (``world.bidder``). She pastes prices and answers from other
programs (exponents, NaN, stray NUL characters), and she double-clicks "Submit"."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django import forms
from django.db import connection

from commissioning.commissions.models import JointCommission
from commissioning.service_map.models import Outcome
from core import tenancy
from core.forms import MoneyField
from procurement.bids import services
from procurement.bids.models import Bid, BidAnswer, BidPriceLine, BidVersion
from procurement.tenders.forms import TenderForm
from tests.concurrency import run_at_once
from tests.conftest import sign_in
from tests.factories.procurement import bidder_of, fill_bid, published_tender


@pytest.fixture
def tender(world):
    return published_tender(world)


@pytest.fixture
def bid(tender, world):
    bidder = bidder_of(world)
    bid = services.bid_start(tender=tender, by=bidder)
    return fill_bid(bid, bidder)


# ---- money and text through the autosave JSON and the API --------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("99999999999", "Enter an amount of £9,999,999,999.99 or less"),  # numeric overflow: a 500 before
        ("NaN", "Enter an amount in pounds and pence, like £1,250.50"),  # InvalidOperation: a 500 before
        ("Infinity", "Enter an amount in pounds and pence, like £1,250.50"),
        ("1e3", "Enter an amount in pounds and pence, like £1,250.50"),  # was taken as £1,000.00
        ("12.345", "Enter an amount with no more than 2 decimal places (pence), like £1,250.50"),
        ("-5", "Enter an amount of £0.00 or more"),
    ],
)
def test_autosave_refuses_an_amount_it_cannot_take_with_a_message(world, bid, client, typed, message):
    sign_in(client, world.bidder, world.provider)
    before = list(BidPriceLine._base_manager.filter(bid=bid).values_list("category", "annual_amount"))
    response = client.post(f"/bids/{bid.public_id}/autosave/", {"price_staff": typed}, content_type="application/json")
    assert response.status_code == 400
    assert message.lower() in response.json()["detail"].lower()
    assert list(BidPriceLine._base_manager.filter(bid=bid).values_list("category", "annual_amount")) == before


def test_autosave_takes_pounds_and_pence_as_people_type_them(world, bid, client):
    sign_in(client, world.bidder, world.provider)
    response = client.post(
        f"/bids/{bid.public_id}/autosave/", {"price_staff": "£31,250.50"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert BidPriceLine._base_manager.get(bid=bid, category="staff").annual_amount == Decimal("31250.50")


def test_autosave_refuses_a_nul_character_instead_of_failing(world, bid, client):
    sign_in(client, world.bidder, world.provider)
    question = BidAnswer._base_manager.filter(bid=bid).first().question_id
    response = client.post(
        f"/bids/{bid.public_id}/autosave/",
        {"summary": "Our bid\x00", f"answer_{question}": "Fine"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "NUL character" in response.json()["detail"]
    assert Bid._base_manager.get(pk=bid.pk).summary == "Our bid"


def test_the_api_refuses_bad_prices_and_nul_characters_with_400(world, bid, client):
    sign_in(client, world.bidder, world.provider)
    url = f"/api/v1/bids/{bid.public_id}/"
    for body in (
        {"price_lines": {"staff": {"amount": "99999999999"}}},
        {"price_lines": {"staff": {"amount": "NaN"}}},
        {"price_lines": {"staff": {"amount": "1e3"}}},
        {"summary": "Nul\x00here"},
        {"answers": {"1": "Nul\x00here"}},
    ):
        response = client.patch(url, body, content_type="application/json")
        assert response.status_code == 400, (body, response.content)


# ---- single-line and multi-line text -----------------------------------------------------------------------------


def test_a_tender_title_with_a_line_break_is_refused(world):
    form = TenderForm(
        data={"title": "Older people's\nindependence", "summary": "Bell\x07 ringing"},
        commissions=JointCommission.objects.none(),
        outcomes=Outcome.objects.none(),
    )
    assert not form.is_valid()
    assert "Enter this on one line, without line breaks" in form.errors["title"]
    assert any("control character (U+0007" in e for e in form.errors["summary"])


def test_money_form_field_reads_one_strict_way(db):
    field = MoneyField()
    assert field.clean("£1,250.50") == Decimal("1250.50")
    for typed, message in (
        ("1e3", "Enter an amount in pounds and pence, like £1,250.50"),
        ("NaN", "Enter an amount in pounds and pence, like £1,250.50"),
        ("10000000000", "Enter an amount of £9,999,999,999.99 or less"),
        ("-1", "Enter an amount of £0.00 or more"),
    ):
        with pytest.raises(forms.ValidationError) as refused:
            field.clean(typed)
        assert refused.value.messages == [message]
    with pytest.raises(forms.ValidationError) as refused:
        MoneyField(max_digits=10).clean("100000000")
    assert refused.value.messages == ["Enter an amount of £99,999,999.99 or less"]


# ---- idempotent submission ----------------------------------------------------------------------------------------


def test_submitting_the_same_content_twice_makes_one_version(world, bid, client):
    sign_in(client, world.bidder, world.provider)
    first = client.post(f"/bids/{bid.public_id}/submit/", follow=True)
    assert "Keep your receipt" in first.content.decode()
    again = client.post(f"/bids/{bid.public_id}/submit/", follow=True)
    assert "You already submitted this version of your bid" in again.content.decode()
    assert BidVersion._base_manager.filter(bid=bid).count() == 1
    receipt = client.post(f"/api/v1/bids/{bid.public_id}/submit/").json()
    assert receipt["version"] == 1 and "already submitted" in receipt["detail"]
    assert BidVersion._base_manager.filter(bid=bid).count() == 1


def test_changed_content_is_a_new_version(world, bid):
    bidder = bidder_of(world)
    services.bid_submit(bid=bid, by=bidder)
    services.bid_save_draft(bid=bid, by=bidder, summary="Our bid, improved")
    version, new = services.bid_submit_once(bid=bid, by=bidder)
    assert (version.number, new) == (2, True)


def test_two_concurrent_submits_of_one_bid_make_one_version(transactional_db, world):
    tender = published_tender(world)
    bidder = bidder_of(world)
    bid = fill_bid(services.bid_start(tender=tender, by=bidder), bidder)
    start = threading.Barrier(2, timeout=20)
    results: list[object] = []

    def submit() -> None:
        try:
            with tenancy.scope(organisation=world.provider):  # each request thread has its own scope
                start.wait()
                results.append(services.bid_submit_once(bid=Bid._base_manager.get(pk=bid.pk), by=bidder)[1])
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            results.append(exc)
        finally:
            connection.close()

    run_at_once(submit, timeout=30)
    assert sorted(results, key=str) == [False, True]
    assert BidVersion._base_manager.filter(bid=bid).count() == 1
