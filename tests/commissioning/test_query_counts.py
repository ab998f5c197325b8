"""Every commissioning list page and API list runs the same number of queries with few rows as with many, and the
service map at county scale (15 partners, 500 contracts) runs as many as at small scale."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

import pytest

from benchmarks.commissioning_data import build_county_scale
from commissioning.agreements.services import agreement_sign
from commissioning.commissions.models import JointCommission
from commissioning.commissions.services import commission_create, commission_invite, commission_respond
from commissioning.money.services import contributions_set_annual
from commissioning.service_map.models import ServiceArea
from commissioning.service_map.services import evidence_add, outcome_add
from commissioning.timetable.services import stage_add, timetable_from_template
from core import versions
from partners.models import PartnershipMember, Role
from tests.conftest import sign_in
from tests.factories.commissioning import MappedContractFactory, acting, lichfield_example, pdf_upload
from tests.factories.partners import OrganisationFactory, person
from tests.query_counts import page_queries


def grow(world, ex, n: int) -> None:
    """n more partners, each with a contract on the map, evidence, an outcome, a place in the commission (accepted,
    three years of money, a signed agreement) and a stage; and n more commissions."""
    lead = ex.county_lead
    for _ in range(n):
        org = OrganisationFactory()
        PartnershipMember.objects.create(partnership=world.partnership, organisation=org, status="active")
        user = person(org, Role.COMMISSIONER)
        actor = acting(user, org)
        MappedContractFactory(service_area=ex.area, funder=org, provider_name=f"Provider of {org.name}")
        evidence_add(
            partnership=world.partnership,
            title=f"Profile {org.pk}",
            url="https://example.org/p",
            tags=[f"t{org.pk}"],
            by=lead,
        )
        outcome_add(partnership=world.partnership, kind="outcome", title=f"Outcome {org.pk}", by=lead)
        commission_invite(commission=ex.commission, organisations=[org], by=lead)
        commission_respond(commission=ex.commission, accept=True, by=actor)
        contributions_set_annual(commission=ex.commission, organisation=org, annual_amount=Decimal("1000.00"), by=actor)
        agreement_sign(
            commission=ex.commission,
            scopes=["procurement"],
            signatory_authority="Director",
            signed_on=dt.date(2026, 11, 1),
            document=pdf_upload(),
            by=actor,
        )
        stage_add(
            commission=ex.commission,
            name=f"Stage {org.pk}",
            planned_start=dt.date(2026, 12, 1),
            planned_end=dt.date(2027, 1, 1),
            owner=user,
            by=lead,
        )
        other = commission_create(
            service_area=ex.area,
            title=f"Commission {org.pk}",
            intended_outcomes="x",
            term_years=2,
            start_date=dt.date(2027, 4, 1),
            by=lead,
        )
        commission_invite(commission=other, organisations=[org, world.district], by=lead)
        contributions_set_annual(commission=other, organisation=world.county, annual_amount=Decimal("500.00"), by=lead)
        contributions_set_annual(
            commission=other, organisation=world.district, annual_amount=Decimal("250.00"), by=lead
        )


def urls(world, ex) -> list[str]:
    c, p, a = ex.commission.pk, world.partnership.pk, ex.area.pk
    return [
        "/dashboard/",
        "/service-map/",
        f"/service-map/areas/{a}/",
        f"/service-map/contracts/?partnership={p}",
        f"/service-map/{p}/evidence/",
        f"/service-map/{p}/outcomes/",
        "/commissions/",
        f"/commissions/{c}/",
        f"/commissions/{c}/contributions/",
        f"/commissions/{c}/timetable/",
        f"/commissions/{c}/history/",
        f"/commissions/{c}/invite/",
        f"/reports/{p}/contributions/",
        "/calendar/",
        "/api/v1/service-areas/",
        f"/api/v1/service-areas/{a}/map/",
        "/api/v1/mapped-contracts/",
        "/api/v1/evidence/",
        "/api/v1/outcomes/",
        "/api/v1/commissions/",
        "/api/v1/contributions/",
        "/api/v1/agreements/",
        "/api/v1/stages/",
        f"/api/v1/commissions/{c}/totals/",
        f"/api/v1/reports/contributions/?partnership={p}",
    ]


def cold(client, url: str) -> int:
    versions.changed()
    return page_queries(client, url)


@pytest.mark.parametrize("who", ["lead", "finance"])
def test_query_counts_do_not_grow_with_rows(client, world, who):
    ex = lichfield_example(world)
    timetable_from_template(commission=ex.commission, begins_on=dt.date(2026, 11, 22), by=ex.county_lead)
    if who == "lead":
        user, org = world.lead_commissioner, world.county
    else:
        user, org = world.finance_officer, world.district
        # the finance officer also needs the lead-only pages to answer; skip the invite page for them
    pages = [u for u in urls(world, ex) if not (who == "finance" and u.endswith("/invite/"))]
    sign_in(client, user, org)
    grow(world, ex, 1)
    for url in pages:
        page_queries(client, url)  # warm caches (content types, sessions)
    # Pages that cache under the data version (the dashboard) are measured cold: their cost on the first view after
    # a change is the one that must not grow.
    small = {url: cold(client, url) for url in pages}
    grow(world, ex, 6)
    for url in pages:
        page_queries(
            client, url
        )  # warm again: growing notified people, so each unread count is recounted once (cached)
    large = {url: cold(client, url) for url in pages}
    grown = {url: (small[url], large[url]) for url in pages if small[url] != large[url]}
    assert not grown, f"queries grew with rows: {grown}"
    assert max(large.values()) <= 40, large


@pytest.mark.parametrize("url", ["/commissions/", "/service-map/contracts/"])
def test_list_page_query_budget(client, world, django_assert_num_queries, url):
    ex = lichfield_example(world)
    grow(world, ex, 3)
    sign_in(client, world.lead_commissioner, world.county)
    client.get(url)
    expected = page_queries(client, url)
    grow(world, ex, 5)
    client.get(url)  # warm again: growing notified Ravi, so his unread count is recounted once (then cached)
    with django_assert_num_queries(expected):
        client.get(url)


def test_service_map_at_county_scale_runs_a_fixed_number_of_queries(client, world):
    """15 partners and 500 contracts: the map page runs the same number of queries as with a handful, and the
    timings are printed beside a minimal Django view (the health check) for the benchmark report."""
    small = build_county_scale(partners=3, contracts=12, name="Small shire")
    large = build_county_scale(partners=15, contracts=500, name="Countyshire")
    assert large.contracts == 500 and large.partners == 15
    sign_in(client, large.commissioner, large.organisation)
    client.logout()
    results = {}
    for built in (small, large):
        client.logout()
        sign_in(client, built.commissioner, built.organisation)
        url = f"/service-map/areas/{built.area_id}/"
        page_queries(client, url)
        results[built.name] = (page_queries(client, url), _median_ms(client, url))
    health = _median_ms(client, "/health/")
    assert results["Small shire"][0] == results["Countyshire"][0], results
    area = ServiceArea.objects.get(pk=large.area_id)
    assert area.contracts.count() == 500 and area.contracts.values("funder").distinct().count() == 15
    print(
        f"\nservice map: {results['Countyshire'][0]} queries; median {results['Countyshire'][1]:.1f} ms at 15 partners/500 "
        f"contracts, {results['Small shire'][1]:.1f} ms at 3/12; minimal view (health) {health:.1f} ms"
    )


def _median_ms(client, url: str, runs: int = 5) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        assert client.get(url).status_code == 200
        timings.append((time.perf_counter() - start) * 1000)
    return sorted(timings)[runs // 2]


def test_commission_list_is_scoped(client, world):
    lichfield_example(world)
    sign_in(client, world.outsider, world.other_council)
    assert JointCommission.objects.count() == 1
    assert client.get("/api/v1/commissions/").json()["count"] == 0
