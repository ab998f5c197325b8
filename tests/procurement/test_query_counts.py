"""List pages and API lists run the same number of queries whatever the number of rows."""

from __future__ import annotations

import pytest

from procurement.evaluation import services as evaluation_services
from procurement.tenders import services as tender_services
from tests.conftest import sign_in
from tests.factories.commissioning import acting
from tests.factories.procurement import (
    add_to_panel,
    close,
    evaluator,
    lead_of,
    provider,
    published_tender,
    submitted_bid,
)
from tests.query_counts import page_queries


def tender_with_bids(world, n: int, tag: str):
    tender = published_tender(world, title=f"Tender {tag}")
    for i in range(n):
        org, user = provider(world, f"Charity {tag}-{i}")
        submitted_bid(tender, acting(user, org))
    return close(tender)


@pytest.mark.parametrize(
    ("url", "who"),
    [
        ("/opportunities/", None),
        ("/opportunities/feed.atom", None),
        ("/api/v1/tenders/", None),
        ("/tenders/", "lead"),
        ("/tenders/report.csv", "lead"),
        ("/dashboard/", "lead"),
        ("/bids/", "bidder"),
        ("/api/v1/bids/", "bidder"),
        ("/dashboard/", "bidder"),
    ],
)
def test_lists_do_not_grow_with_rows(world, client, url, who):
    if who == "lead":
        sign_in(client, world.lead_commissioner, world.county)
    elif who == "bidder":
        sign_in(client, world.bidder, world.provider)
    bidder = acting(world.bidder, world.provider)
    tender = published_tender(world, title="First")
    submitted_bid(tender, bidder)
    small = page_queries(client, url, warm=True)
    for i in range(4):
        more = published_tender(world, title=f"More {i}")
        submitted_bid(more, bidder)
    large = page_queries(client, url, warm=True)
    assert small == large, f"{url}: {small} queries with one row, {large} with five"


@pytest.mark.parametrize("path", ["/tenders/{id}/bids/", "/api/v1/bids/?tender={id}", "/tenders/{id}/"])
def test_the_bid_list_after_the_deadline_is_fixed(world, client, django_assert_num_queries, path):
    one = tender_with_bids(world, 1, "a")
    many = tender_with_bids(world, 6, "b")
    sign_in(client, world.lead_commissioner, world.county)
    small = page_queries(client, path.format(id=one.pk), warm=True)
    with django_assert_num_queries(small):
        client.get(path.format(id=many.pk))


def evaluating(world, n: int, tag: str):
    tender = tender_with_bids(world, n, tag)
    lead = lead_of(world)
    user = evaluator(world, world.county, name=f"Evaluator {tag}")
    seat = add_to_panel(tender, lead, user)
    evaluation_services.interests_declare(
        evaluator=seat, has_interest=False, interest="", by=acting(user, world.county)
    )
    tender_services.tender_transition(tender=tender, name="start_evaluation", by=lead)
    return tender, user, seat


def test_the_evaluation_grid_and_panel_pages_are_fixed(world, client):
    one, user_a, seat_a = evaluating(world, 1, "a")
    many, user_b, seat_b = evaluating(world, 6, "b")
    sign_in(client, world.lead_commissioner, world.county)
    for path in ("/tenders/{id}/moderation/", "/tenders/{id}/panel/", "/tenders/{id}/recommendation/"):
        assert page_queries(client, path.format(id=one.pk), warm=True) == page_queries(
            client, path.format(id=many.pk), warm=True
        ), path
    client.logout()
    sign_in(client, user_a, world.county)
    small = page_queries(client, f"/evaluations/{seat_a.pk}/", warm=True)
    small_api = page_queries(client, "/api/v1/scoresheets/", warm=True)
    client.logout()
    sign_in(client, user_b, world.county)
    assert page_queries(client, f"/evaluations/{seat_b.pk}/", warm=True) == small
    assert page_queries(client, "/api/v1/scoresheets/", warm=True) == small_api
