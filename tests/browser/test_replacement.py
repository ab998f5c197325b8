"""What a new commission replaces, in a real browser (axe on every page): the county's commissioner links three of
the county's mapped contracts to the Lichfield commission (county £23,750 and district £20,000 a year), sees the
value replaced (£21,750 a year) against the new contributions (£43,750 a year: £22,000 of new money, the district's
a new funding area) and the contracts before and after (3 and 1), records a commissioning-cost saving, and gives
the first provider written notice: three months under the local Compact."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.tenancy import unscoped
from tests.factories.commissioning import MappedContractFactory, lichfield_example

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def example(world):
    with unscoped(reason="the journey's set-up spans organisations"):
        ex = lichfield_example(world)
        for i, (value, provider) in enumerate(
            [("10000.00", world.provider), ("8000.00", None), ("3750.00", None)], start=1
        ):
            MappedContractFactory(
                service_area=ex.area,
                funder=world.county,
                provider=provider,
                provider_name=provider.name if provider else f"Advice provider {i}",
                title=f"Advice service {i}",
                annual_value=Decimal(value),
                end_date=dt.date(2027, 3, 31),
            )
        TOTPDevice.objects.filter(user=world.lead_commissioner).update(last_t=-1)
    return ex


def click(page, name: str, role: str = "button") -> None:
    with page.expect_navigation():
        page.get_by_role(role, name=name, exact=True).first.click()


def test_a_commissioner_links_replaced_contracts_records_a_saving_and_gives_notice(
    browser_page, example, world, login, axe_check, screenshot
):
    page = browser_page
    login(page, world.lead_commissioner, world.county)
    page.goto(f"/commissions/{example.commission.pk}/")
    click(page, "What it replaces", role="link")
    assert "No contracts linked yet" in page.content()
    axe_check(page)
    for label in (
        "Citizens Advice Lichfield District: Advice service 1",
        "Advice provider 2: Advice service 2",
        "Advice provider 3: Advice service 3",
    ):
        page.get_by_label(label, exact=False).check()
    click(page, "Link the contracts")
    assert page.get_by_test_id("contracts-before").inner_text() == "3"
    assert page.get_by_test_id("contracts-after").inner_text() == "1"
    headline = page.get_by_test_id("replacement-headline").inner_text()
    assert "replaces 3 existing contracts worth £21,750.00 a year" in headline
    assert "plus new funding from Lichfield District Council" in headline
    years = page.get_by_test_id("replacement-years").inner_text()
    assert "2027/28\t£21,750.00\t£43,750.00\t£22,000.00" in years
    assert "£65,250.00\t£131,250.00\t£66,000.00" in years  # over the three-year term
    axe_check(page)
    screenshot(page, "replacement-linked")

    click(page, "Record saving for Citizens Advice Lichfield District Advice service 1", role="link")
    page.get_by_label("Commissioning cost saved (£)").fill("2,500")
    page.get_by_label("How it was worked out").fill("Ten days of officer time at £250 a day")
    axe_check(page)
    click(page, "Save")
    assert page.get_by_test_id("saving-total").inner_text() == "£2,500.00"

    click(page, "Give notice to Citizens Advice Lichfield District Advice service 1", role="link")
    assert page.get_by_test_id("notice-months").inner_text() == "3 months"
    page.get_by_label("Why the contract is being replaced or ended").fill(
        "The joint older people's independence contract replaces it from 1 April 2027."
    )
    page.get_by_label("Date of the notice").fill("2026-11-20")
    axe_check(page)
    click(page, "Send the notice")
    sent = page.get_by_test_id("notice-sent").inner_text()
    assert "Notice sent on 20 November 2026: 3 months, running to 20 February 2027" in sent
    axe_check(page)
    screenshot(page, "replacement-notice-sent")

    page.goto(f"/service-map/areas/{example.area.pk}/")
    assert page.get_by_test_id("replaced-tag").count() == 3
    axe_check(page)
