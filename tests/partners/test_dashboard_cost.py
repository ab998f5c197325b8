"""Ravi's dashboard (issue #15): read many times a day, changed a few. Its panels cost at most 12 queries with any
amount of data and none while the page renders; their figures are kept under the data version (core.versions), so
what changes shows on the next view, for him and for every other person it concerns."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from commissioning.commissions.services import commission_create
from core import versions
from tests.conftest import sign_in
from tests.factories.commissioning import acting, lichfield_example
from tests.query_counts import page_queries

MAX_QUERIES = 12


def _start(world, ex, title: str) -> None:
    commission_create(
        service_area=ex.area,
        title=title,
        intended_outcomes="Residents avoid crisis",
        term_years=3,
        start_date=dt.date(2027, 4, 1),
        by=acting(world.lead_commissioner, world.county),
    )


def test_ravis_dashboard_costs_the_same_with_more_commissions_and_nothing_while_rendering(client, world):
    ex = lichfield_example(world)
    sign_in(client, world.lead_commissioner, world.county)
    client.get("/dashboard/")  # the first view of the session (content types, the unread count)
    _start(world, ex, "Debt advice")
    built = page_queries(client, "/dashboard/", render_queries=0)  # a new version: every panel built
    cached = page_queries(client, "/dashboard/", render_queries=0)  # unchanged: every panel from the cache
    for n in range(5):
        _start(world, ex, f"Debt advice lot {n}")
    grown = page_queries(client, "/dashboard/", render_queries=0)
    assert grown == built, (built, grown)
    assert cached <= 5 < built, (cached, built)  # the session, the person, the device, the membership; no panel
    assert cached <= MAX_QUERIES


def test_a_new_commission_shows_on_the_next_view(client, world):
    ex = lichfield_example(world)
    sign_in(client, world.lead_commissioner, world.county)
    assert "Carers support in Tamworth" not in client.get("/dashboard/").content.decode()
    _start(world, ex, "Carers support in Tamworth")
    assert "Carers support in Tamworth" in client.get("/dashboard/").content.decode()


def test_a_write_moves_the_version_on_and_each_person_has_their_own_panels(world):
    ex = lichfield_example(world)
    before = versions.current()
    _start(world, ex, "Young carers")
    assert versions.current() != before

    ravi = sign_in(Client(), world.lead_commissioner, world.county)
    finance = sign_in(Client(), world.finance_officer, world.district)
    ravis = ravi.get("/dashboard/").content.decode()
    theirs = finance.get("/dashboard/").content.decode()
    assert "Young carers" in ravis and "Joint commissions" in ravis
    assert "Joint commissions" not in theirs and "Contributions" in theirs


def test_without_the_cache_the_dashboard_is_built_every_time(client, world, monkeypatch):
    class Down:
        def get(self, *a, **k):
            raise ConnectionError("Redis is down")

        add = set = incr = get

    monkeypatch.setattr(versions, "cache", Down())
    ex = lichfield_example(world)
    sign_in(client, world.lead_commissioner, world.county)
    assert client.get("/dashboard/").status_code == 200
    _start(world, ex, "Falls prevention")
    assert "Falls prevention" in client.get("/dashboard/").content.decode()
