"""Contract monitoring, end to end in headless Chromium.

The debt advice provider submits its quarterly return with one KPI red (its narrative, evidence, a summary of user
feedback and confidential details for the lead); the lead commissioner queries it; the provider answers; the lead
accepts it; then the partner's commissioner and its finance officer open the partner performance PDF, whose text is
read back. axe checks every page.
"""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from core.tenancy import unscoped
from monitoring.returns.models import KpiReturn, ReturnStatus
from partners.models import Role
from tests.browser.conftest import SCREENSHOTS, click_and_wait
from tests.factories.monitoring import debt_advice, pdf_upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PERIOD = "Q1 2025/26"


@pytest.fixture
def debt(world):
    with unscoped(reason="the journey builds and checks data across organisations"):
        return debt_advice(world)


@pytest.fixture
def people(browser_page, login):
    """Each person in their own browser (a context each), signed in once and staying signed in: a two-factor code
    cannot be used twice, so nobody signs in again within the same 30 seconds."""
    opened: list = []
    errors: list[str] = []

    def open_as(user, organisation):
        if not opened:
            page = browser_page
        else:
            context = browser_page.context.browser.new_context(
                viewport={"width": 1280, "height": 900},
                base_url=browser_page.live_server_url,
                locale="en-GB",
                timezone_id="Europe/London",
            )
            context.set_default_timeout(15_000)
            page = context.new_page()
            page.on("pageerror", lambda exc: errors.append(str(exc)))
        login(page, user, organisation)
        opened.append(page)
        return page

    yield open_as
    for page in opened[1:]:
        page.context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def _the_return() -> KpiReturn:
    with unscoped(reason="the journey builds and checks data across organisations"):
        return KpiReturn.objects.get(label=PERIOD)


def test_a_quarterly_return_from_submission_to_the_partner_report(debt, world, people, axe_check, screenshot):
    contract = debt.contract

    # --- The provider makes its return: one KPI red ------------------------------------------------------------
    provider = page = people(world.bidder, world.provider)
    page.goto("/monitoring/")
    axe_check(page)
    click_and_wait(page, contract.title, role="link")
    assert page.get_by_test_id("kpi-status").inner_text().startswith("Debt advice KPIs")
    axe_check(page)
    click_and_wait(page, f"Start the {PERIOD} return")
    assert "Your Q1 2025/26 return" in page.get_by_role("heading", level=1).inner_text()
    page.get_by_label("People given debt advice (count)", exact=True).fill("101")
    page.get_by_label("Debt written off or rescheduled (money (£))", exact=True).fill("262,400.00")
    page.get_by_label("Clients reporting less stress (percentage)", exact=True).fill("84")
    page.get_by_label("Complaints upheld (count)", exact=True).fill("0")
    page.get_by_label("Note on People given debt advice (optional)").fill("One adviser post was vacant all quarter")
    page.get_by_label("Narrative").fill("Demand stayed high but we were one adviser short, so fewer people were seen.")
    page.get_by_label("Summary of user feedback").fill("Clients value the drop-in sessions; phone waits were long.")
    page.get_by_label("Confidential details of user feedback").fill(
        "A client at the Burntwood drop-in reported harassment by a bailiff firm (our case 4471)."
    )
    axe_check(page)
    screenshot(page, "monitoring-01-provider-return-form")
    click_and_wait(page, "Save")
    assert "Return saved" in page.content()
    assert page.get_by_test_id("submit-problems").is_visible()  # evidence is still needed
    click_and_wait(page, "Add evidence", role="link")
    axe_check(page)
    upload = pdf_upload("case-management-extract.pdf", "Case management extract Q1 2025/26")
    page.get_by_label("What it shows").fill("Case management extract")
    page.get_by_label("File").set_input_files(
        files=[{"name": upload.name, "mimeType": "application/pdf", "buffer": upload.read()}]
    )
    click_and_wait(page, "Upload")
    assert page.get_by_test_id("evidence").inner_text().startswith("Case management extract")
    axe_check(page)
    click_and_wait(page, "Submit the return")
    assert "Return submitted" in page.content()
    kpi = debt.kpi("People given debt advice")
    assert page.get_by_test_id(f"rag-{kpi.pk}").inner_text() == "Red"
    assert "bailiff" not in page.content()  # the provider cannot read its confidential details back
    axe_check(page)
    screenshot(page, "monitoring-02-provider-submitted")

    # --- The lead commissioner queries it ----------------------------------------------------------------------
    kpi_return = _the_return()
    assert kpi_return.status == ReturnStatus.SUBMITTED and kpi_return.rag == "red"
    lead = page = people(world.lead_commissioner, world.county)
    page.goto("/monitoring/")
    axe_check(page)
    screenshot(page, "monitoring-03-lead-portfolio")
    click_and_wait(page, contract.title, role="link")
    click_and_wait(page, f"View the {PERIOD} return", role="link")
    assert page.get_by_test_id("confidential").is_visible()
    assert "bailiff" in page.get_by_test_id("confidential").inner_text()
    axe_check(page)
    page.get_by_label("Query it: send a question back to the provider").check()
    page.get_by_label("Your note or question").fill(
        "Only 101 people were helped against a target of 150. What is your plan to cover the vacant post?"
    )
    screenshot(page, "monitoring-04-lead-review")
    click_and_wait(page, "Send the review")
    assert "Your question has been sent to the provider" in page.content()
    assert _the_return().status == ReturnStatus.QUERIED

    # --- The provider answers ------------------------------------------------------------------------------------
    page = provider
    page.goto(f"/monitoring/returns/{kpi_return.pk}/")
    assert "What is your plan to cover the vacant post?" in page.get_by_test_id("open-query").inner_text()
    axe_check(page)
    click_and_wait(page, "Answer the question", role="link")
    axe_check(page)
    page.get_by_label("Your answer").fill("A new adviser starts on 1 August; volunteers cover the Tuesday drop-in.")
    click_and_wait(page, "Send the answer")
    assert "Answer sent to the lead commissioner" in page.content()
    assert _the_return().status == ReturnStatus.ANSWERED

    # --- The lead accepts -----------------------------------------------------------------------------------------
    page = lead
    page.goto(f"/monitoring/returns/{kpi_return.pk}/")
    assert "A new adviser starts on 1 August" in page.get_by_test_id("queries").inner_text()
    page.get_by_label("Accept the return").check()
    click_and_wait(page, "Send the review")
    assert "Return accepted" in page.content()
    axe_check(page)
    screenshot(page, "monitoring-05-lead-accepted")
    assert _the_return().status == ReturnStatus.ACCEPTED
    page.goto(f"/monitoring/contracts/{contract.pk}/")
    assert page.get_by_role("table", name="People given debt advice by period").is_visible()  # beside its chart
    axe_check(page)
    screenshot(page, "monitoring-06-contract-trends")

    # --- The partner's commissioner and finance officer open the partner performance PDF ----------------------
    district_commissioner = world.member(world.district, Role.COMMISSIONER)
    for person in (district_commissioner, world.finance_officer):
        page = people(person, world.district)
        page.goto("/monitoring/partner-report/")
        assert page.get_by_test_id("partner-total").inner_text() == "£60,000.00"
        axe_check(page)
        screenshot(page, f"monitoring-07-partner-report-{person.pk}")
        link = page.get_by_role("link", name="Download the report (PDF)")
        response = page.context.request.get(link.get_attribute("href"))
        assert response.status == 200 and response.headers["content-type"] == "application/pdf"
        content = response.body()
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
        assert "What Lichfield District Council's money bought" in text
        assert "£20,000.00" in text and "People given debt advice" in text and "Q1 2025/26" in text
        assert "Red" in text
        assert "bailiff" not in text  # confidential feedback never leaves the lead
    pdf = SCREENSHOTS / "monitoring-partner-report.pdf"
    pdf.write_bytes(content)
    _pdf_to_png(pdf)


def _pdf_to_png(pdf: Path) -> None:
    """A picture of the PDF's first pages next to the screenshots, to look at (pdftoppm, when installed)."""
    try:
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-l", "3", str(pdf), str(pdf.with_suffix(""))], check=False, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired):
        pass
