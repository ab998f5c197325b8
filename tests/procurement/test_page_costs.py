"""The lead's tender pages cost the same with one bid as with many: at most 12 queries, none of them while the
template renders (the views pass lists, read the threshold tiers once and the notices before rendering)."""

from __future__ import annotations

import pytest

from tests.conftest import sign_in
from tests.procurement.test_query_counts import evaluating, tender_with_bids
from tests.query_counts import page_queries

BUDGET = 12


@pytest.mark.parametrize("path", ["/tenders/{id}/", "/tenders/{id}/bids/"])
def test_the_lead_reads_a_closed_tender_and_its_bids_in_a_fixed_number_of_queries(world, client, path):
    one = tender_with_bids(world, 1, "a")
    many = tender_with_bids(world, 8, "b")
    sign_in(client, world.lead_commissioner, world.county)
    small = page_queries(client, path.format(id=one.pk), warm=True, render_queries=0)
    large = page_queries(client, path.format(id=many.pk), warm=True, render_queries=0)
    print(f"\nQUERIES {path}: {small} with one bid, {large} with eight")
    assert small == large <= BUDGET, (path, small, large)


def test_the_evaluation_pages_render_without_queries(world, client):
    one, _user_a, _seat_a = evaluating(world, 1, "a")
    many, user_b, seat_b = evaluating(world, 6, "b")
    sign_in(client, world.lead_commissioner, world.county)
    for path in ("/tenders/{id}/", "/tenders/{id}/bids/", "/tenders/{id}/panel/", "/tenders/{id}/moderation/"):
        small = page_queries(client, path.format(id=one.pk), warm=True, render_queries=0)
        large = page_queries(client, path.format(id=many.pk), warm=True, render_queries=0)
        assert small == large, (path, small, large)
    client.logout()
    sign_in(client, user_b, world.county)
    page_queries(client, f"/evaluations/{seat_b.pk}/", warm=True, render_queries=0)
