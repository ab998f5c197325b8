"""Every list page and API list runs the same number of queries with 1 row as with many."""

from __future__ import annotations

import pytest

from core import audit
from core.actors import SYSTEM
from core.notifications import notify
from partners.models import Invitation, PartnershipMember, Role
from tests.conftest import sign_in
from tests.factories.partners import OrganisationFactory, PartnershipFactory, person
from tests.query_counts import page_queries

PAGES = ["/dashboard/", "/organisation/people/", "/partnerships/", "/audit/", "/notifications/"]
API = [
    "/api/v1/memberships/",
    "/api/v1/partnerships/",
    "/api/v1/audit-events/",
    "/api/v1/notifications/",
    "/api/v1/organisations/",
]


def grow(world, n: int) -> None:
    for i in range(n):
        colleague = person(world.county, Role.VIEWER)
        Invitation.objects.create(organisation=world.county, email=f"new{i}-{n}@example.org", roles=[Role.VIEWER])
        partner = OrganisationFactory()
        p = PartnershipFactory(accountable_body=world.county, partners=[partner])
        PartnershipMember.objects.filter(partnership=p)
        audit.record(obj=p, action="partnership.created", by=SYSTEM)
        notify(recipients=[world.county_admin, colleague], subject=f"Note {i}", organisation=world.county, email=False)


@pytest.mark.parametrize("url", PAGES + API)
def test_query_count_does_not_grow_with_rows(client, world, url):
    sign_in(client, world.county_admin, world.county)
    grow(world, 1)
    small = page_queries(client, url)
    grow(world, 25)
    large = page_queries(client, url)
    assert small == large, f"{url}: {small} queries with few rows, {large} with many"
    assert large <= 16, f"{url}: {large} queries"


def test_people_page_query_budget(client, world, django_assert_num_queries):
    sign_in(client, world.county_admin, world.county)
    grow(world, 30)
    client.get("/organisation/people/")  # warm caches (content types, sessions)
    with django_assert_num_queries(page_queries(client, "/organisation/people/")):
        client.get("/organisation/people/")
