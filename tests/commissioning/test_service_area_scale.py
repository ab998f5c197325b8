"""The service area page at county scale (issue #15): Ravi, the county's lead commissioner, opens an area that 15
partners fund through 500 contracts. The totals per partner and provider, the duplication and the alignment
opportunities come from the database whatever the size; the contracts come 50 to a page; the page costs the same
number of queries with 12 contracts as with 500, and none while it renders."""

from __future__ import annotations

import datetime as dt
import random
import re
from decimal import Decimal

import pytest

from benchmarks.commissioning_data import build_county_scale
from commissioning.service_map.models import ServiceArea
from commissioning.service_map.selectors import service_map
from commissioning.service_map.summary import PER_PAGE, area_summary, contract_page, day
from core.money import format_gbp
from tests.conftest import sign_in
from tests.factories.commissioning import MappedContractFactory, ServiceAreaFactory
from tests.factories.partners import OrganisationFactory
from tests.query_counts import page_queries

MAX_QUERIES = 12


def _rows(html: str) -> int:
    table = html[html.index('data-testid="contracts"') :]
    table = table[: table.index("</table>")]
    return table.count('<tr class="govuk-table__row">') - 1  # less the header row


def test_the_area_page_costs_the_same_at_12_and_500_contracts_and_nothing_while_rendering(client, world):
    small = build_county_scale(partners=3, contracts=12, name="Small shire")
    large = build_county_scale(partners=15, contracts=500, name="Countyshire")
    counts = {}
    for built in (small, large):
        client.logout()
        sign_in(client, built.commissioner, built.organisation)
        counts[built.name] = page_queries(client, built.map_url, warm=True, render_queries=0)
        last = (built.contracts + PER_PAGE - 1) // PER_PAGE
        assert page_queries(client, f"{built.map_url}?page={last}", warm=True, render_queries=0) == counts[built.name]
    assert counts["Small shire"] == counts["Countyshire"] <= MAX_QUERIES, counts

    page = client.get(large.map_url).content.decode()
    assert "15 partners fund this service through 500 contracts" in page
    assert _rows(page) == PER_PAGE and "Page 1 of 10" in page and 'rel="next"' in page
    last = client.get(f"{large.map_url}?page=10").content.decode()
    assert _rows(last) == 500 - 9 * PER_PAGE and 'rel="prev"' in last and "451 to 500 of 500" in last
    # Beyond the last page: the last page, as GOV.UK pagination does for a stale link.
    assert "Page 10 of 10" in client.get(f"{large.map_url}?page=99").content.decode()


def test_the_chosen_window_is_kept_from_page_to_page(client, world):
    large = build_county_scale(partners=15, contracts=120, name="Windowshire")
    sign_in(client, large.commissioner, large.organisation)
    page = client.get(f"{large.map_url}?window=365").content.decode()
    assert 'href="?window=365&amp;page=2"' in page
    assert "Alignable contracts ending within 365 days of each other" in page


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_summaries_from_sql_agree_with_adding_up_every_contract(world, seed):
    """The general rule: whatever the contracts (several funders per provider, spellings of one provider, ring-fenced
    ones, end dates either side of 1 April), the SQL totals equal the sums over every contract."""
    rng = random.Random(seed)
    area = ServiceAreaFactory(partnership=world.partnership, name=f"Advice {seed}")
    funders = [world.county, world.district, *(OrganisationFactory() for _ in range(2))]
    spellings = ["Citizens Advice Lichfield", "citizens advice  lichfield", "Age UK", "Mind", "Carers Trust"]
    for _ in range(rng.randrange(5, 40)):
        ring = rng.random() < 0.2
        MappedContractFactory(
            service_area=area,
            funder=rng.choice(funders),
            provider_name=rng.choice(spellings),
            annual_value=Decimal(rng.randrange(1000, 90000)) + Decimal(rng.randrange(100)) / 100,
            end_date=dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(0, 1100)),
            alignable=not ring,
            not_alignable_reason="Ring-fenced grant" if ring else "",
        )
    window = rng.choice([91, 183, 365])
    every = service_map(area=area, window_days=window)
    summary = area_summary(area=area, window_days=window)

    assert summary.contract_count == len(every.contracts)
    assert (summary.total, summary.alignable_total, summary.ring_fenced_total) == (
        every.total,
        every.alignable_total,
        every.ring_fenced_total,
    )
    assert [(p.name, p.contracts, p.annual_total, p.ring_fenced_total, p.providers) for p in summary.partners] == [
        (p.name, p.contracts, p.annual_total, p.ring_fenced_total, p.providers) for p in every.partners
    ]
    assert [(p.key, p.contracts, p.annual_total, p.funder_list) for p in summary.providers] == [
        (p.key, p.contracts, p.annual_total, p.funder_list) for p in every.providers
    ]
    assert [p.key for p in summary.duplication] == [p.key for p in every.duplication]
    assert summary.chart_rows == every.chart_rows
    assert [[c.pk for c in o.contracts] for o in summary.opportunities] == [
        [c.pk for c in o.contracts] for o in every.opportunities
    ]
    assert [(o.combined_value, o.partners) for o in summary.opportunities] == [
        (o.combined_value, o.partners) for o in every.opportunities
    ]


def test_each_row_shows_its_dates_and_money_formatted_once(world):
    area = ServiceAreaFactory(partnership=world.partnership, name="Carers")
    MappedContractFactory(
        service_area=area,
        funder=world.district,
        provider_name="Carers Trust",
        annual_value=Decimal("12345.60"),
        start_date=dt.date(2025, 4, 1),
        end_date=dt.date(2027, 3, 31),
        alignable=False,
        not_alignable_reason="Better Care Fund",
    )
    summary = area_summary(area=ServiceArea.objects.get(pk=area.pk))
    _page, [row] = contract_page(
        summary=summary, page_number=None, organisation_id=world.district.pk, can_record=True, can_decide=False
    )
    assert (row.annual_value, row.runs) == ("£12,345.60", "1 Apr 2025 to 31 Mar 2027")
    assert row.edit_url.endswith(f"/service-map/contracts/{row.pk}/edit/") and row.notice_url == ""
    assert (row.alignable, row.not_alignable_reason) == (False, "Better Care Fund")
    assert day(dt.date(2026, 9, 5)) == "5 Sep 2026" and format_gbp(summary.ring_fenced_total) == "£12,345.60"


def test_the_duplication_tag_and_totals_show_on_the_page(client, world):
    area = ServiceAreaFactory(partnership=world.partnership, name="Debt advice")
    for funder, value in ((world.county, "30000"), (world.district, "36000")):
        MappedContractFactory(
            service_area=area, funder=funder, provider_name="Citizens Advice", annual_value=Decimal(value)
        )
    sign_in(client, world.lead_commissioner, world.county)
    page = client.get(f"/service-map/areas/{area.pk}/").content.decode()
    providers = page[page.index('data-testid="providers"') :]
    assert "Duplication" in providers[: providers.index("</table>")]
    assert re.search(r"2 partners fund this service through 2 contracts, worth £66,000.00 a year", page)
