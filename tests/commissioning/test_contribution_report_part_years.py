"""Issue 13, "Terms and money": the contribution report of a three-year commission from 1 October 2026 shows four
financial years (a part year at each end), with totals per year and over the term that agree to the penny on the
page, in the PDF (read back), the CSV, the XLSX and the API. "Share of the year's total" says what it means."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from commissioning.money import exports, selectors
from tests.conftest import sign_in
from tests.factories.commissioning import lichfield_example

OCTOBER = dt.date(2026, 10, 1)
# County £23,750 and district £20,000 a year, pro rata by days in the part years (182/365 and 183/365).
EXPECTED_YEARS = {
    "2026/27": Decimal("11842.47") + Decimal("9972.60"),
    "2027/28": Decimal("43750.00"),
    "2028/29": Decimal("43750.00"),
    "2029/30": Decimal("11907.53") + Decimal("10027.40"),
}
TERM = Decimal("131250.00")  # £43,750 x 3 years, exactly


@pytest.fixture
def october(world):
    return lichfield_example(world, start_date=OCTOBER)


def test_four_financial_years_reconcile_to_the_penny_everywhere(october, world, client):
    assert sum(EXPECTED_YEARS.values()) == TERM
    report = selectors.contribution_report(partnership=world.partnership, organisation=None)
    assert report.reconciles
    assert {y.label: y.commissions_total for y in report.years} == EXPECTED_YEARS
    assert report.commissions_total == TERM
    assert {line.year_label for line in report.lines} >= {
        "2026/27 (part year: 1 October 2026 to 31 March 2027)",
        "2029/30 (part year: 1 April 2029 to 30 September 2029)",
    }

    def gbp(v: Decimal) -> str:
        return f"£{v:,.2f}"

    pdf_text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(exports.report_pdf(report))).pages)
    for label, amount in EXPECTED_YEARS.items():
        assert label in pdf_text and gbp(amount) in pdf_text, label
    assert gbp(TERM) in pdf_text and "part year" in pdf_text and "Share of the year" in pdf_text

    rows = list(csv.reader(io.StringIO(exports.report_csv(report).decode("utf-8-sig"))))
    summary = {r[0]: Decimal(r[6]) for r in rows if r and r[0] in EXPECTED_YEARS}
    assert summary == EXPECTED_YEARS
    assert next(r for r in rows if r and r[0] == "Total")[6] == f"{TERM:.2f}"
    assert "Share of the year's total" in rows[0]

    wb = load_workbook(io.BytesIO(exports.report_xlsx(report)), data_only=True)
    xlsx = {
        r[0]: Decimal(str(r[6])).quantize(Decimal("0.01"))
        for r in wb["Summary"].iter_rows(values_only=True)
        if r and r[0] in (*EXPECTED_YEARS, "Total")
    }
    assert xlsx == {**EXPECTED_YEARS, "Total": TERM}

    # The accountable body's (the district's) finance officer: page and API.
    sign_in(client, world.finance_officer, world.district)
    page = client.get(f"/reports/{world.partnership.pk}/contributions/?scope=partnership").content.decode()
    for label, amount in EXPECTED_YEARS.items():
        assert label in page and gbp(amount) in page
    assert gbp(TERM) in page and "Share of the year's total" in page
    api = client.get(f"/api/v1/reports/contributions/?partnership={world.partnership.pk}&scope=partnership").json()
    assert {y["financial_year"]: Decimal(y["commissions_total"]) for y in api["years"]} == EXPECTED_YEARS
    assert api["totals"]["commissions_total"] == f"{TERM:.2f}" and api["reconciles"] is True


def test_the_commission_totals_cover_four_years_and_the_term(october, world, client):
    sign_in(client, world.lead_commissioner, world.county)
    totals = client.get(f"/api/v1/commissions/{october.commission.pk}/totals/").json()
    assert [(y["financial_year"], y["part_year"], Decimal(y["total"])) for y in totals["years"]] == [
        (label, label in ("2026/27", "2029/30"), amount) for label, amount in EXPECTED_YEARS.items()
    ]
    assert totals["term"]["total"] == f"{TERM:.2f}"
    page = client.get(f"/commissions/{october.commission.pk}/contributions/").content.decode()
    assert "of the year's total" in page and "£131,250.00" in page
