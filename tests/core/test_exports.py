"""Every CSV/XLSX export goes through core.exports, which stops a spreadsheet running an exported cell as a formula."""

from __future__ import annotations

import ast
import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from core.exports import Sheet, safe_text, write_csv, write_xlsx
from tests.conftest import sign_in
from tests.factories.procurement import draft_tender

ROOT = Path(__file__).resolve().parents[2]
APPS = ("core", "partners", "boards", "commissioning", "procurement", "monitoring", "config")
HOSTILE = ['=HYPERLINK("http://x")', "+1+2", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


def test_formula_leading_text_is_neutralised_and_numbers_stay_numbers():
    for text in HOSTILE:
        assert safe_text(text) == "'" + text
    assert safe_text("Older people") == "Older people"
    assert safe_text(Decimal("-250.00")) == Decimal("-250.00")
    assert safe_text(-3) == -3

    data = write_csv(["Title", "Amount"], [[t, Decimal("-250.00")] for t in HOSTILE])
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert [r[0] for r in rows[1:]] == ["'" + t for t in HOSTILE]
    assert {r[1] for r in rows[1:]} == {"-250.00"}

    book = load_workbook(
        io.BytesIO(write_xlsx([Sheet("Tenders", ["Title", "Amount"], [[t, Decimal("-5.50")] for t in HOSTILE])]))
    )
    ws = book["Tenders"]
    cells = [ws.cell(row=r, column=1).value for r in range(2, 2 + len(HOSTILE))]
    assert all(cell.startswith("'") for cell in cells)  # (XLSX stores a carriage return as a newline)
    assert ws.cell(row=2, column=2).value == Decimal("-5.50") or ws.cell(row=2, column=2).value == -5.5
    assert ws.cell(row=2, column=1).data_type == "s"  # text, never a formula


def _writes_spreadsheets(path: Path) -> list[str]:
    """What in one module writes CSV or XLSX outside core.exports."""
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "csv"
            and node.attr in ("writer", "DictWriter")
        ):
            found.append(f"csv.{node.attr}")
        if isinstance(node, ast.ImportFrom) and node.module:
            names = {a.name for a in node.names}
            if node.module == "csv" and names & {"writer", "DictWriter"}:
                found.append("from csv import writer")
            if node.module.startswith("openpyxl") and (node.module != "openpyxl" or names - {"load_workbook"}):
                found.append(f"from {node.module} import {', '.join(sorted(names))}")
        if isinstance(node, ast.Import):
            found += [f"import {a.name}" for a in node.names if a.name.startswith("openpyxl")]
    return found


def test_no_module_but_core_exports_writes_csv_or_xlsx():
    offenders = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if path == ROOT / "core" / "exports.py" or "migrations" in path.parts:
                continue
            found = _writes_spreadsheets(path)
            if found:
                offenders[str(path.relative_to(ROOT))] = found
    assert offenders == {}, f"Write CSV/XLSX through core.exports only: {offenders}"


def test_the_guard_would_catch_a_raw_writer(tmp_path):
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text("import csv\nfrom openpyxl import Workbook\nw = csv.writer(None)\n")
    assert set(_writes_spreadsheets(sneaky)) == {"from openpyxl import Workbook", "csv.writer"}


@pytest.mark.django_db
def test_the_tender_report_neutralises_a_hyperlink_title(world, client):
    """A lead names a tender =HYPERLINK("http://x"): the lead's spreadsheet shows the text, never a live link."""
    draft_tender(world, title='=HYPERLINK("http://x")')
    sign_in(client, world.lead_commissioner, world.county)
    response = client.get("/tenders/report.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert rows[0][0] == "Tender"
    titles = [r[0] for r in rows[1:]]
    assert '\'=HYPERLINK("http://x")' in titles
    assert not any(t.startswith("=") for t in titles)
