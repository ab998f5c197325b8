"""Sealed bids stay sealed in open data: a tender with bids submitted, before its deadline, and after it until the
award, produces releases with no bid data, no bidder's name and no count; and no open-data endpoint (the release
package, the record, the API, the Open data page, the Transparency Code files) says anything about a bid.
The award then names the winner only, never a losing bidder."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from core.actors import SYSTEM
from opendata.ocds.facts import ocid_for
from opendata.ocds.services import record_release, releases_sync
from opendata.transparency.rules import quarter_of
from tests.factories.commissioning import acting
from tests.factories.procurement import (
    awarded,
    bidder_of,
    evaluated,
    lead_of,
    provider,
    published_tender,
    submitted_bid,
)

BID_WORDS = re.compile(r"numberOfTenderers|tenderers|\bbids?\b|bidder", re.IGNORECASE)


def every_open_data_body(client, world, ocid: str) -> dict[str, str]:
    quarter = quarter_of(timezone.localdate()).code
    urls = {
        "releases": reverse("ocds-releases"),
        "record": reverse("ocds-record", kwargs={"ocid": ocid}),
        "api": reverse("api:ocds-release-list"),
        "page": reverse("open-data"),
    }
    for org in (world.county, world.district):
        urls[f"csv {org}"] = f"{reverse('transparency-contracts-csv')}?organisation={org.pk}&quarter={quarter}"
        urls[f"xlsx {org}"] = f"{reverse('transparency-contracts-xlsx')}?organisation={org.pk}&quarter={quarter}"
    bodies = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, name
        bodies[name] = response.content.decode("utf-8", errors="replace")
    return bodies


def _release_text(data: dict) -> str:
    return json.dumps(data)


@pytest.fixture
def sealed(world):
    """The Lichfield tender published, with two bids submitted (one a consortium) before the deadline."""
    tender = published_tender(world)
    second_org, second_user = provider(world, "Age UK South Staffordshire")
    first, _ = submitted_bid(tender, bidder_of(world))
    second, _ = submitted_bid(tender, acting(second_user, second_org), consortium=["Lichfield Community Transport"])
    return tender, [first, second]


def test_before_the_deadline_no_release_and_no_endpoint_says_anything_about_a_bid(client, world, sealed):
    tender, bids = sealed
    lead = lead_of(world)
    rows = releases_sync(tender=tender, by=lead)
    rows.append(record_release(tender=tender, tags=["tenderUpdate"], by=SYSTEM, source_key="clarified"))
    names = {b.organisation.name for b in bids} | {"Lichfield Community Transport"}
    for row in rows:
        text = _release_text(row.data)
        assert not BID_WORDS.search(text), BID_WORDS.search(text)
        assert not any(name in text for name in names)
        assert "awards" not in row.data and "contracts" not in row.data
        assert {p["roles"][0] for p in row.data["parties"]} == {"buyer"}
    for name, body in every_open_data_body(client, world, ocid_for(tender)).items():
        if name != "page":
            assert not BID_WORDS.search(body), (name, BID_WORDS.search(body))
        assert not any(n in body for n in names), name


def test_after_the_deadline_and_until_the_award_no_bidder_is_named(client, world):
    flow = evaluated(world)  # closed, scored and moderated: bids unsealed for the panel, not for the public
    rows = releases_sync(tender=flow.tender, by=flow.lead)
    rows.append(record_release(tender=flow.tender, tags=["tenderUpdate"], by=flow.lead, source_key="evaluating"))
    names = {b.organisation.name for b in flow.bids}
    for row in rows:
        text = _release_text(row.data)
        assert not any(n in text for n in names)
        assert not BID_WORDS.search(text)
        assert row.data["tender"]["status"] == "active"
    for name, body in every_open_data_body(client, world, ocid_for(flow.tender)).items():
        assert not any(n in body for n in names), name


def test_the_award_names_the_winner_and_never_a_losing_bidder(client, world):
    flow = awarded(world)
    rows = releases_sync(tender=flow.tender, by=flow.lead)
    winner, loser = flow.bids[0].organisation.name, flow.bids[1].organisation.name
    award = next(r for r in rows if "award" in r.tags)
    assert winner in _release_text(award.data)
    for name, body in every_open_data_body(client, world, ocid_for(flow.tender)).items():
        assert loser not in body, name
        assert "Lichfield Community Transport" not in body, name  # the losing consortium's partner
        if name != "page":
            assert not re.search(r"numberOfTenderers|\"tenderers\"", body), name
