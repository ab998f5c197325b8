"""Issue 13's first browser journey, in headless Chromium with axe on every page visited: a three-year aligned
commission from 1 October 2026 touches four financial years, a part year at each end. The county takes the
suggested pro-rata split of its £23,750 a year; the district's figures are entered by hand, overriding the
suggestion in the part years. The district confirms its 2027/28 figure; the county proposes a variation to it;
until the district re-confirms, the old figure stands; once re-confirmed, the old one is kept in the history. The
district's finance officer downloads the contribution report as a page, PDF, CSV and XLSX: four financial years,
reconciling to the penny across all four. On the way the county links the two contracts the commission
replaces; their value follows the term into the part years pro rata."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice
from openpyxl import load_workbook
from pypdf import PdfReader

from commissioning import demo as commissioning_demo
from commissioning.commissions.models import JointCommission
from core.tenancy import unscoped
from partners import demo as partners_demo
from partners.demo import DEMO_PASSWORD
from partners.models import Organisation, User
from tests.factories.commissioning import MappedContractFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Older people's support in Lichfield District from October 2026"
MONEY = re.compile(r"£([\d,]+\.\d\d)")
FIRST = "2026/27 (part year: 1 October 2026 to 31 March 2027)"
LAST = "2029/30 (part year: 1 April 2029 to 30 September 2029)"
SHORT = ["2026/27", "2027/28", "2028/29", "2029/30"]
# The county accepts the suggested split of £23,750 a year (182/365 and 183/365 in the part years); the district
# enters its own figures, and its 2027/28 figure is varied from £20,000 to £19,500 and re-confirmed.
COUNTY = [Decimal("11842.47"), Decimal("23750.00"), Decimal("23750.00"), Decimal("11907.53")]
DISTRICT = [Decimal("9000.00"), Decimal("19500.00"), Decimal("20000.00"), Decimal("11000.00")]
YEAR_TOTALS = dict(zip(SHORT, (c + d for c, d in zip(COUNTY, DISTRICT, strict=True)), strict=True))
TERM_TOTAL = sum(YEAR_TOTALS.values())  # £130,750.00


@pytest.fixture
def demo(db):
    with unscoped(reason="the journey builds and checks data across organisations"), transaction.atomic():
        partners_demo.load()
        commissioning_demo.load()


def person(email: str) -> User:
    with unscoped(reason="the journey builds and checks data across organisations"):
        user = User.objects.get(email=email)
        TOTPDevice.objects.filter(user=user).update(last_t=-1)
    return user


def click(page, name: str, role: str = "button", exact: bool = True) -> None:
    with page.expect_navigation():
        page.get_by_role(role, name=name, exact=exact).first.click()


def visit(page, axe_check, screenshot, name: str) -> None:
    axe_check(page)
    screenshot(page, f"part-year-{name}")


def gbp(amount: Decimal) -> str:
    return f"£{amount:,.2f}"


def test_a_part_year_commission_from_contributions_to_a_reconciled_report(
    demo, browser_page, login, axe_check, screenshot
):
    page = browser_page
    login(page, person("alex@staffordshire.demo"), password=DEMO_PASSWORD)

    # The county starts a three-year commission from 1 October 2026: it runs to 30 September 2029.
    click(page, "Commissions", role="link")
    click(page, "Start a joint commission", role="link")
    page.get_by_label("Service area").select_option(
        label="Supporting older people to live independently (Lichfield Locality Commissioning Partnership)"
    )
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Intended outcomes").fill("Older people stay healthy, safe and independent at home.")
    page.get_by_label("3 years").check()
    page.get_by_label("Start date").fill("2026-10-01")
    click(page, "Start commission")
    term = page.get_by_test_id("term-years").inner_text()
    assert FIRST in term and LAST in term and "2027/28" in term and "2028/29" in term
    assert "1 October 2026 to 30 September 2029" in page.content()
    visit(page, axe_check, screenshot, "01-four-financial-years")
    with unscoped(reason="the journey checks data across organisations"):
        commission = JointCommission.objects.get(title=TITLE)

    click(page, "Invite partners", role="link")
    page.get_by_label("Lichfield District Council").check()
    click(page, "Send invitations")

    # The county accepts the suggested pro-rata split of £23,750 a year.
    click(page, "Contributions", role="link")
    page.get_by_label("Partner").select_option(label="Staffordshire County Council")
    page.get_by_label("Amount each year").fill("23,750")
    click(page, "Suggest a split from a full year's money")
    assert page.get_by_label(FIRST).input_value() == "11842.47"
    assert page.get_by_label(LAST).input_value() == "11907.53"
    visit(page, axe_check, screenshot, "02-suggested-split")
    click(page, "Save contributions")
    # The district's figures, typed by hand: the part years overridden.
    page.get_by_label("Partner").select_option(label="Lichfield District Council")
    for label, amount in zip([FIRST, "2027/28", "2028/29", LAST], ["9000", "20000", "20000", "11000"], strict=True):
        page.get_by_label(label, exact=True).fill(amount)
    click(page, "Save contributions")
    table = page.get_by_test_id("contribution-table")
    assert table.get_by_test_id("total-2026").inner_text() == gbp(COUNTY[0] + DISTRICT[0])
    assert table.get_by_test_id("total-2029").inner_text() == gbp(COUNTY[3] + DISTRICT[3])
    # After a save no year is pre-filled: nothing the user did not touch can be written next time.
    assert page.get_by_label("2027/28", exact=True).input_value() == ""
    visit(page, axe_check, screenshot, "03-contributions")

    click(page, "Overview", role="link")
    click(page, "Choose model", role="link")
    page.get_by_label("Aligned budget with a lead commissioner").check()
    page.get_by_label("Why this model?").fill("One procurement led by the county, each partner's money identifiable.")
    click(page, "Record the model")

    # The district accepts and confirms its 2027/28 figure.
    login(page, person("sam@lichfield.demo"), password=DEMO_PASSWORD)
    page.goto(f"/commissions/{commission.pk}/")
    click(page, "Accept and take part")
    click(page, "Contributions", role="link")
    click(page, "Confirm Lichfield District Council 2027/28")

    # The county proposes a variation to the confirmed figure; the old figure stands until re-confirmed.
    login(page, person("alex@staffordshire.demo"), password=DEMO_PASSWORD)
    page.goto(f"/commissions/{commission.pk}/contributions/")
    click(page, "Propose a variation to Lichfield District Council 2027/28", role="link")
    page.get_by_label("New figure").fill("19,500")
    page.get_by_label("Why the figure must change").fill("The district's budget for 2027/28 fell by £500")
    visit(page, axe_check, screenshot, "04-propose-variation")
    click(page, "Propose variation")
    table = page.get_by_test_id("contribution-table")
    assert "Variation to £19,500.00 awaiting re-confirmation" in table.inner_text()
    assert table.get_by_test_id("total-2027").inner_text() == gbp(COUNTY[1] + Decimal("20000.00"))

    login(page, person("sam@lichfield.demo"), password=DEMO_PASSWORD)
    page.goto(f"/commissions/{commission.pk}/contributions/")
    visit(page, axe_check, screenshot, "05-variation-pending")
    click(page, "Re-confirm £19,500.00 for Lichfield District Council 2027/28")
    assert "Re-confirmed: changed from £20,000.00 to £19,500.00" in page.content()
    history = page.get_by_test_id("contribution-history").inner_text()
    assert "£20,000.00" in history and "£19,500.00" in history and "fell by £500" in history
    assert page.get_by_test_id("contribution-table").get_by_test_id("total-2027").inner_text() == gbp(
        YEAR_TOTALS["2027/28"]
    )
    visit(page, axe_check, screenshot, "06-variation-reconfirmed")

    # The county links the two mapped contracts the commission replaces (£15,000 a year between them): the value
    # replaced follows the term into the part years pro rata, against the new contributions.
    with unscoped(reason="the journey builds data across organisations"):
        county = Organisation.objects.get(name="Staffordshire County Council")
        for title, value in (("Handyperson service", "10000.00"), ("Befriending line", "5000.00")):
            MappedContractFactory(
                service_area=commission.service_area,
                funder=county,
                provider=None,
                provider_name=f"{title} provider",
                title=title,
                annual_value=Decimal(value),
                end_date=dt.date(2026, 9, 30),
            )
    login(page, person("alex@staffordshire.demo"), password=DEMO_PASSWORD)
    page.goto(f"/commissions/{commission.pk}/")
    click(page, "What it replaces", role="link")
    for label in ("Handyperson service provider: Handyperson service", "Befriending line provider: Befriending line"):
        page.get_by_label(label, exact=False).check()
    click(page, "Link the contracts")
    assert page.get_by_test_id("contracts-before").inner_text() == "2"
    assert page.get_by_test_id("contracts-after").inner_text() == "1"
    years = page.get_by_test_id("replacement-years").inner_text()
    assert "2026/27\t£7,479.45\t" in years  # 182 of 365 days of £15,000
    assert "2027/28\t£15,000.00\t" in years
    assert "£45,000.00\t" in years  # three years' value over the four financial years
    visit(page, axe_check, screenshot, "06b-replaced-contracts")

    # The district's finance officer: the report as page, PDF, CSV and XLSX, four financial years to the penny.
    login(page, person("jo@lichfield.demo"), password=DEMO_PASSWORD)
    click(page, "Contributions report: Lichfield Locality Commissioning Partnership", role="link")
    for year, amount in YEAR_TOTALS.items():
        assert page.get_by_test_id(f"year-total-{year[:4]}").inner_text() == gbp(amount)
    assert page.get_by_test_id("summary-commissions-total").inner_text() == gbp(TERM_TOTAL)
    assert FIRST in page.get_by_test_id("lines").inner_text() and LAST in page.get_by_test_id("lines").inner_text()
    visit(page, axe_check, screenshot, "07-report")
    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="Download PDF").click()
    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="Download Excel (XLSX)").click()
    with page.expect_download() as csv_download:
        page.get_by_role("link", name="Download CSV").click()

    pdf_text = "\n".join(
        p.extract_text() for p in PdfReader(io.BytesIO(Path(pdf_download.value.path()).read_bytes())).pages
    )
    pdf_rows: dict[str, Decimal] = {}
    for line in pdf_text.splitlines():
        label, amounts = line.split(" ")[0], MONEY.findall(line)
        if label in (*SHORT, "Total") and len(amounts) >= 5 and label not in pdf_rows:
            pdf_rows[label] = Decimal(amounts[4].replace(",", ""))  # the commissions' total (all partners)
    sheet = load_workbook(io.BytesIO(Path(xlsx_download.value.path()).read_bytes()), data_only=True)["Summary"]
    xlsx_rows = {
        r[0]: Decimal(str(r[6])).quantize(Decimal("0.01"))
        for r in sheet.iter_rows(values_only=True)
        if r and r[0] in (*SHORT, "Total")
    }
    csv_rows = {
        r[0]: Decimal(r[6])
        for r in csv.reader(io.StringIO(Path(csv_download.value.path()).read_bytes().decode("utf-8-sig")))
        if r and r[0] in (*SHORT, "Total")
    }
    expected = {**YEAR_TOTALS, "Total": TERM_TOTAL}
    assert pdf_rows == expected
    assert xlsx_rows == expected
    assert csv_rows == expected
