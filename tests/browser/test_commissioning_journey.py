"""The Lichfield worked example set up in a real browser (headless Chromium), axe on every page visited:

the county's commissioner maps the service, starts the joint commission (county £23,750 and district £20,000 a
year for three years: £43,750 a year), invites the district, chooses the aligned-budget model and makes the
timetable; procurement is refused while the district has not signed or confirmed; the district's commissioner
accepts, confirms the money and signs the agreement with its document; the commission enters procurement; the
district's finance officer downloads the PDF and the XLSX of the contribution report, and both match to the penny.
"""

from __future__ import annotations

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
from commissioning.commissions.models import CommissionStatus, JointCommission
from commissioning.demo import simple_pdf
from core.tenancy import unscoped
from partners import demo as partners_demo
from partners.demo import DEMO_PASSWORD
from partners.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Support for older people to live independently in Lichfield District"
MONEY = re.compile(r"£([\d,]+\.\d\d)")


@pytest.fixture
def demo(db):
    """The seeds' world and the commissioning demo (not the tendering demo, which tenders its own copy of the
    worked example): the journey creates the Lichfield commission itself."""
    with unscoped(reason="the journey builds and checks data across organisations"), transaction.atomic():
        partners_demo.load()
        commissioning_demo.load()


def person(email: str) -> User:
    with unscoped(reason="the journey builds and checks data across organisations"):
        user = User.objects.get(email=email)
        TOTPDevice.objects.filter(user=user).update(last_t=-1)  # a fresh code for every sign-in in this journey
    return user


def click(page, name: str, role: str = "button", exact: bool = True) -> None:
    with page.expect_navigation():
        page.get_by_role(role, name=name, exact=exact).first.click()


def visit(page, axe_check, screenshot, name: str) -> None:
    axe_check(page)
    screenshot(page, f"commissioning-{name}")


def test_lichfield_worked_example_from_setup_to_procurement_and_the_finance_report(
    demo, browser_page, login, axe_check, screenshot, tmp_path
):
    page = browser_page
    alex = person("alex@staffordshire.demo")  # lead commissioner, Staffordshire County Council
    login(page, alex, password=DEMO_PASSWORD)
    assert page.get_by_role("heading", name="Joint commissions").is_visible()
    visit(page, axe_check, screenshot, "01-county-dashboard")

    # The service map shows both partners' contracts ending together: an alignment opportunity worth £43,750.
    click(page, "Service map", role="link")
    visit(page, axe_check, screenshot, "02-service-map")
    click(page, "Supporting older people to live independently", role="link")
    opportunities = page.get_by_test_id("opportunities").inner_text()
    assert "£43,750.00" in opportunities and "Lichfield District Council, Staffordshire County Council" in opportunities
    visit(page, axe_check, screenshot, "03-map-older-people")

    # Start the joint commission.
    click(page, "Commissions", role="link")
    click(page, "Start a joint commission", role="link")
    page.get_by_label("Service area").select_option(
        label="Supporting older people to live independently (Lichfield Locality Commissioning Partnership)"
    )
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Intended outcomes").fill(
        "Help vulnerable older people remain healthy, safe and independent in their own homes and neighbourhoods."
    )
    page.get_by_label("3 years").check()
    page.get_by_label("Start date").fill("2027-04-01")
    visit(page, axe_check, screenshot, "04-start-commission")
    click(page, "Start commission")
    assert page.get_by_role("heading", level=1).inner_text().startswith(TITLE)
    with unscoped(reason="the journey builds and checks data across organisations"):
        commission = JointCommission.objects.get(title=TITLE)

    # Invite the district.
    click(page, "Invite partners", role="link")
    page.get_by_label("Lichfield District Council").check()
    visit(page, axe_check, screenshot, "05-invite")
    click(page, "Send invitations")
    assert "Invited: Lichfield District Council" in page.content()

    # Record both partners' money: £23,750 (from the county's help-at-home contract) and £20,000 a year.
    click(page, "Contributions", role="link")
    page.get_by_label("Partner").select_option(label="Staffordshire County Council")
    page.get_by_label("Amount each year").fill("23,750")
    page.get_by_label("Where the money comes from (optional)").select_option(
        label="Staffordshire County Council — Help at home for older people: £23,750.00 a year, Core budget"
    )
    click(page, "Save contributions")
    page.get_by_label("Partner").select_option(label="Lichfield District Council")
    page.get_by_label("Amount each year").fill("20000")
    click(page, "Save contributions")
    table = page.get_by_test_id("contribution-table")
    for year in (2027, 2028, 2029):
        assert table.get_by_test_id(f"total-{year}").inner_text() == "£43,750.00"
    assert table.get_by_test_id("total-term").inner_text() == "£131,250.00"
    visit(page, axe_check, screenshot, "06-contributions")

    # The model: the app suggests a stand-alone partnership (two partners); the board chose an aligned budget.
    click(page, "Overview", role="link")
    click(page, "Choose model", role="link")
    assert "Suggested: Stand-alone partnership." in page.get_by_test_id("suggestion").inner_text()
    page.get_by_label("Aligned budget with a lead commissioner").check()
    page.get_by_label("Why this model?").fill(
        "The locality board agreed one procurement led by the county, with budgets aligned and each partner's "
        "money identifiable."
    )
    visit(page, axe_check, screenshot, "07-model")
    click(page, "Record the model")

    # The timetable from the TSCiP template, as a Gantt chart with its table.
    click(page, "Timetable", role="link")
    click(page, "Create the timetable")
    assert page.locator('svg[aria-labelledby="gantt-title"]').is_visible()
    assert page.get_by_role("rowheader", name="Collaborative KPI agreement").is_visible()
    visit(page, axe_check, screenshot, "08-timetable")

    # Move on to sign-up; the county confirms its own money; procurement is refused, naming what is missing.
    click(page, "Overview", role="link")
    click(page, "Start gathering requirements")
    click(page, "Open sign-up")
    click(page, "Contributions", role="link")
    for _ in range(3):
        click(page, "Confirm Staffordshire County Council", exact=False)
    click(page, "Overview", role="link")
    blockers = page.get_by_test_id("blockers").inner_text()
    assert "Lichfield District Council has not answered its invitation" in blockers
    click(page, "Enter procurement")
    refusal = page.locator(".govuk-notification-banner").inner_text()
    assert (
        "Cannot enter procurement" in refusal
        and "Lichfield District Council has not answered its invitation" in refusal
    )
    visit(page, axe_check, screenshot, "09-procurement-refused")

    # The district's commissioner accepts, confirms the contribution and signs the agreement.
    sam = person("sam@lichfield.demo")
    login(page, sam, password=DEMO_PASSWORD)
    assert TITLE in page.get_by_test_id("panel-joint-commissions").inner_text()
    page.goto(f"/commissions/{commission.pk}/")
    visit(page, axe_check, screenshot, "10-district-invitation")
    click(page, "Accept and take part")
    click(page, "Contributions", role="link")
    for _ in range(3):
        click(page, "Confirm Lichfield District Council", exact=False)
    assert page.get_by_test_id("contribution-table").get_by_text("Indicative").count() == 0
    visit(page, axe_check, screenshot, "11-district-confirmed")
    click(page, "Overview", role="link")
    blockers = page.get_by_test_id("blockers").inner_text()
    assert blockers.count("Lichfield District Council") == 1 and "has not signed the partnership agreement" in blockers
    click(page, "Sign the partnership agreement", role="link")
    page.get_by_label("Your post and the authority you sign under").fill(
        "Strategic Director of Community, Housing and Health, under the scheme of delegation"
    )
    signed = Path(tmp_path) / "Lichfield partnership agreement (signed).pdf"
    signed.write_bytes(
        simple_pdf("Partnership agreement", "Lichfield District Council delegates to", "Staffordshire County Council")
    )
    page.get_by_label("The signed agreement").set_input_files(str(signed))
    visit(page, axe_check, screenshot, "12-sign-agreement")
    click(page, "Sign and upload")
    partners = page.get_by_test_id("partners").inner_text()
    assert "Signed" in partners and "Sam Taylor" in partners
    assert not page.get_by_test_id("blockers").count()

    # The county enters procurement.
    login(page, person("alex@staffordshire.demo"), password=DEMO_PASSWORD)
    page.goto(f"/commissions/{commission.pk}/")
    click(page, "Enter procurement")
    assert "is now: procurement" in page.content()
    visit(page, axe_check, screenshot, "13-procurement")
    with unscoped(reason="the journey builds and checks data across organisations"):
        assert JointCommission.objects.get(pk=commission.pk).status == CommissionStatus.PROCUREMENT

    # The district's finance officer downloads the PDF and the XLSX: both match to the penny.
    login(page, person("jo@lichfield.demo"), password=DEMO_PASSWORD)
    click(page, "Contributions report: Lichfield Locality Commissioning Partnership", role="link")
    assert page.get_by_test_id("total-confirmed").inner_text() == "£60,000.00"
    assert page.get_by_test_id("commissions-total").inner_text() == "£131,250.00"
    visit(page, axe_check, screenshot, "14-finance-report")
    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="Download PDF").click()
    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="Download Excel (XLSX)").click()
    pdf_bytes = Path(pdf_download.value.path()).read_bytes()
    xlsx_bytes = Path(xlsx_download.value.path()).read_bytes()

    pdf_text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_bytes)).pages)
    pdf_rows = {}
    for line in pdf_text.splitlines():
        label, amounts = line.split(" ")[0], MONEY.findall(line)
        if label in ("2027/28", "2028/29", "2029/30", "Total") and len(amounts) >= 5 and label not in pdf_rows:
            pdf_rows[label] = [Decimal(m.replace(",", "")) for m in amounts]
    sheet = load_workbook(io.BytesIO(xlsx_bytes), data_only=True)["Summary"]
    xlsx_rows = {
        row[0]: [Decimal(str(v)).quantize(Decimal("0.01")) for v in row[1:7]]
        for row in sheet.iter_rows(values_only=True)
        if row and row[0] in ("2027/28", "2028/29", "2029/30", "Total")
    }
    expected_year = [
        Decimal("0.00"),
        Decimal("20000.00"),
        Decimal("0.00"),
        Decimal("20000.00"),
        Decimal("20000.00"),
        Decimal("43750.00"),
    ]
    assert xlsx_rows == {
        "2027/28": expected_year,
        "2028/29": expected_year,
        "2029/30": expected_year,
        "Total": [
            Decimal("0.00"),
            Decimal("60000.00"),
            Decimal("0.00"),
            Decimal("60000.00"),
            Decimal("60000.00"),
            Decimal("131250.00"),
        ],
    }
    # The PDF's summary shows indicative, confirmed, transferred, outstanding and the commissions' total (the
    # committed total is in the spreadsheet's sixth column); both agree to the penny.
    assert pdf_rows == {label: values[:4] + values[5:] for label, values in xlsx_rows.items()}
    assert "Staffordshire County Council's" not in pdf_text and "Reconciled" in pdf_text
