"""The public OCDS endpoints: anyone (no sign-in) reads a valid release package, newest first, page by page with
``links.next`` and ``?since=``, and each process's record package with a compiled release that is exactly what
ocdsmerge compiles with the standard's own schema. Fixed query counts, whatever the number of releases."""

from __future__ import annotations

import datetime as dt
import json

import ocdsmerge
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from core.actors import SYSTEM
from opendata.ocds.services import record_release, releases_sync
from tests.factories.procurement import awarded, lead_of, published_tender
from tests.opendata.ocds_validation import (
    STANDARD,
    assert_valid_record_package,
    assert_valid_release_package,
)

OGL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"


def _get(client, url: str, **params):
    response = client.get(url, params)
    return response, json.loads(response.content) if response["Content-Type"].startswith("application/json") else None


@pytest.fixture
def process(world):
    """The Lichfield tender awarded and signed, with its tender, award, contract and an update released."""
    flow = awarded(world)
    releases_sync(tender=flow.tender, by=flow.lead)
    record_release(tender=flow.tender, tags=["tenderUpdate"], by=flow.lead, source_key="update:1")
    return flow


def test_anyone_reads_a_valid_release_package_newest_first(client, process):
    response, package = _get(client, reverse("ocds-releases"))
    assert response.status_code == 200
    assert_valid_release_package(package)
    assert package["license"] == OGL
    assert package["version"] == "1.1"
    assert package["publicationPolicy"].endswith("/open-data/#publication-policy")
    dates = [r["date"] for r in package["releases"]]
    assert dates == sorted(dates, reverse=True)
    assert [r["tag"] for r in package["releases"]] == [["tenderUpdate"], ["contract"], ["award"], ["tender"]]
    assert "links" not in package  # one page


def test_pages_follow_links_next_to_the_end(client, world):
    tender = published_tender(world)
    lead = lead_of(world)
    for n in range(7):
        record_release(tender=tender, tags=["tenderUpdate"], by=lead, source_key=f"update:{n}")
    seen: list[str] = []
    url, params = reverse("ocds-releases"), {"page_size": "3"}
    pages = 0
    while url:
        response, package = _get(client, url, **params)
        assert response.status_code == 200
        assert_valid_release_package(package)
        seen += [r["id"] for r in package["releases"]]
        url, params = package.get("links", {}).get("next"), {}
        pages += 1
    assert pages == 3
    assert len(seen) == len(set(seen)) == 7
    assert seen == sorted(seen, reverse=True)  # ids are numbered in order: newest first


def test_since_keeps_releases_on_or_after_a_date(client, world):
    tender = published_tender(world)
    lead = lead_of(world)
    with time_machine.travel(timezone.now() - dt.timedelta(days=30), tick=False):
        record_release(tender=tender, tags=["tenderUpdate"], by=lead, source_key="old")
    record_release(tender=tender, tags=["tenderUpdate"], by=lead, source_key="new")
    since = (timezone.localdate() - dt.timedelta(days=2)).isoformat()
    _response, package = _get(client, reverse("ocds-releases"), since=since)
    assert [r["id"].endswith("-002-tenderUpdate") for r in package["releases"]] == [True]
    _response, package = _get(client, reverse("ocds-releases"), since="2000-01-01T00:00:00+00:00")
    assert len(package["releases"]) == 2


@pytest.mark.parametrize("bad", ["yesterday", "2026-13-01", "2026-02-30", "1' OR 1=1"])
def test_a_bad_since_is_a_clear_400(client, bad):
    response, body = _get(client, reverse("ocds-releases"), since=bad)
    assert response.status_code == 400
    assert "'since' must be an ISO 8601 date" in body["detail"]


@pytest.mark.parametrize("param", [{"after": "nonsense"}, {"page_size": "0"}, {"page_size": "x"}])
def test_bad_paging_is_a_clear_400(client, param):
    response, body = _get(client, reverse("ocds-releases"), **param)
    assert response.status_code == 400 and body["detail"]


def test_the_record_compiles_exactly_as_ocdsmerge_does(client, process):
    releases = list(_get(client, reverse("ocds-releases"))[1]["releases"])
    ocid = releases[0]["ocid"]
    response, package = _get(client, reverse("ocds-record", kwargs={"ocid": ocid}))
    assert response.status_code == 200
    assert_valid_record_package(package)
    record = package["records"][0]
    assert record["ocid"] == ocid
    assert [r["id"] for r in record["releases"]] == [r["id"] for r in reversed(releases)]
    # Independently: ocdsmerge with the standard's schema from the shared folder.
    schema = json.loads((STANDARD / "release-schema.json").read_text(encoding="utf-8"))
    expected = ocdsmerge.Merger(schema=schema).create_compiled_release(record["releases"])
    assert record["compiledRelease"] == expected
    compiled = record["compiledRelease"]
    assert compiled["tag"] == ["compiled"]
    assert compiled["tender"]["status"] == "complete"
    assert compiled["awards"][0]["suppliers"][0]["name"] == process.bids[0].organisation.name


def test_an_unknown_ocid_is_404(client, process):
    assert client.get(reverse("ocds-record", kwargs={"ocid": "ocds-jntly1-999999"})).status_code == 404


def test_the_api_lists_the_same_releases(client, process):
    response = client.get(reverse("api:ocds-release-list"), {"since": "2000-01-01"})
    assert response.status_code == 200
    body = response.json()
    assert {r["tags"][0] for r in body["results"]} == {"tender", "tenderUpdate", "award", "contract"}
    assert client.get(reverse("api:ocds-release-list"), {"since": "soon"}).status_code == 400


def test_the_package_runs_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    tender = published_tender(world)
    releases_sync(tender=tender, by=SYSTEM)
    with django_assert_num_queries(1):
        client.get(reverse("ocds-releases"))
    for n in range(30):
        record_release(tender=tender, tags=["tenderUpdate"], by=SYSTEM, source_key=f"u{n}")
    with django_assert_num_queries(1):
        client.get(reverse("ocds-releases"))
    with django_assert_num_queries(1):
        client.get(reverse("ocds-record", kwargs={"ocid": f"ocds-jntly1-{tender.pk}"}))


def test_the_open_data_page_says_what_is_published(client, process):
    response = client.get(reverse("open-data"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Open Government Licence v3.0" in text
    assert "It is not Find a Tender" in text
    assert reverse("ocds-releases") in text
    assert "We never publish what is in a bid" in text
    assert 'href="/open-data/"' in client.get(reverse("opportunities")).content.decode()  # the footer link
