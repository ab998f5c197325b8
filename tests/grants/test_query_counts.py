"""The grant list pages cost the same number of queries with one row as with many."""

from __future__ import annotations

from tests.conftest import sign_in
from tests.factories.grants import applicant, food_poverty_round, submitted
from tests.query_counts import page_queries


def test_the_list_pages_run_a_fixed_number_of_queries(world, client):
    first = food_poverty_round(world)
    org, by = applicant(world, "Lichfield Foodbank")
    submitted(first, by)
    sign_in(client, by.user, org)
    one = {url: page_queries(client, url, warm=True) for url in ("/grants/", "/grants/applications/")}
    sign_in(client, world.lead_commissioner, world.county)
    one["/grants/programmes/"] = page_queries(client, "/grants/programmes/", warm=True)
    for limit in (120, 99):
        more = food_poverty_round(world, word_limit=limit)
        submitted(more, by)
    sign_in(client, by.user, org)
    many = {url: page_queries(client, url, warm=True) for url in ("/grants/", "/grants/applications/")}
    sign_in(client, world.lead_commissioner, world.county)
    many["/grants/programmes/"] = page_queries(client, "/grants/programmes/", warm=True)
    assert one == many
