"""The demo's open data: every release, the release package page by page and every process's record package
validate against OCDS 1.1 with 0 errors; every tag the demo reaches is there; loading the demo again publishes
nothing twice; and the county's Transparency Code file for the demo's quarter lists the demo contracts with their
shares adding up to the contract values to the penny."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from core.tenancy import unscoped
from opendata.ocds.models import Release
from opendata.transparency.rules import quarter_of
from partners.models import Organisation
from procurement.award.models import Contract
from tests.opendata.ocds_validation import assert_valid_record_package, assert_valid_release_package

SETUP = "test set-up"


def test_the_demos_open_data_is_valid_complete_and_published_once(db, client):
    call_command("load_demo", verbosity=0)
    with unscoped(reason=SETUP):
        count = Release.objects.count()
    call_command("load_demo", verbosity=0)
    with unscoped(reason=SETUP):
        assert Release.objects.count() == count  # nothing doubled
        ocids = set(Release.objects.values_list("ocid", flat=True))

    tags: set[str] = set()
    url, params = reverse("ocds-releases"), {"page_size": "5"}
    while url:
        response = client.get(url, params)
        assert response.status_code == 200
        package = json.loads(response.content)
        assert_valid_release_package(package)
        tags |= {t for r in package["releases"] for t in r["tag"]}
        url, params = package.get("links", {}).get("next"), {}
    assert {"planning", "tender", "tenderUpdate", "award", "contract", "implementation"} <= tags

    for ocid in ocids:
        response = client.get(reverse("ocds-record", kwargs={"ocid": ocid}))
        assert response.status_code == 200
        assert_valid_record_package(json.loads(response.content))


def test_the_countys_transparency_file_for_the_demo_quarter(db, client):
    call_command("load_demo", verbosity=0)
    with unscoped(reason=SETUP):
        county = Organisation.objects.get(name="Staffordshire County Council")
        quarter = quarter_of(timezone.localdate())
        live = [
            c
            for c in Contract.objects.filter(start_date__lte=quarter.end, end_date__gte=quarter.start)
            if c.commission.lead_id == county.pk or c.shares.filter(organisation=county).exists()
        ]
        assert live, "the demo has a contract in force this quarter"
        partners = {s.organisation for c in live for s in c.shares.all()}
    files = {}
    for org in partners:
        response = client.get(reverse("transparency-contracts-csv"), {"organisation": org.pk, "quarter": quarter.code})
        assert response.status_code == 200
        files[org.pk] = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    county_titles = {r["Title"] for r in files[county.pk]}
    with unscoped(reason=SETUP):
        for contract in live:
            assert contract.title in county_titles
            shares = [
                Decimal(r["This organisation's share over the term (£)"])
                for rows in files.values()
                for r in rows
                if r["Reference"] == (contract.reference or f"JNT-{contract.pk}")
            ]
            assert sum(shares) == contract.total_value
    for row in files[county.pk]:
        for header, value in row.items():
            assert value or header in ("Supplier company number", "Supplier charity number"), header
