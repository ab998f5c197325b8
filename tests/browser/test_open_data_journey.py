"""A finance officer at the county, not signed in, finds the Open data page from the footer, downloads the county's
Transparency Code contracts file for a quarter after fixing a mistyped quarter, and follows the OCDS links; the
page passes the axe accessibility checks, with and without the error."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from core.tenancy import unscoped
from opendata.ocds.services import releases_sync
from tests.factories.monitoring import debt_advice
from tests.factories.procurement import lead_of, published_tender

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_open_data_page_and_the_transparency_file(browser_page, world, axe_check):
    with unscoped(reason="test set-up"):
        ex = debt_advice(world, agreed=False)
        tender = published_tender(world)
    releases_sync(tender=tender, by=lead_of(world))
    assert ex.contract.total_value == Decimal("131250.00")

    page = browser_page
    page.goto("/opportunities/")
    page.get_by_role("link", name="Open data").click()
    page.wait_for_url("**/open-data/")
    assert page.get_by_role("heading", name="Open data", exact=True).is_visible()
    axe_check(page)

    page.get_by_label("Organisation").select_option(label=world.county.name)
    page.get_by_label("Quarter").fill("Q1 2025")
    page.get_by_role("button", name="Download the contracts file").click()
    assert page.get_by_text("There is a problem").is_visible()
    assert page.get_by_label("Quarter").input_value() == "Q1 2025"  # nothing typed is lost
    axe_check(page)

    page.get_by_label("Quarter").fill("2025-Q1")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the contracts file").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "Debt, benefits and consumer advice" in text and "131250.00" in text
    assert download.value.suggested_filename == f"transparency-contracts-{world.county.pk}-2025-Q1.csv"

    package = page.request.get("/open-data/ocds/releases.json").json()
    assert package["releases"][0]["ocid"].endswith(f"-{tender.pk}")
    assert dt.datetime.fromisoformat(package["publishedDate"])
