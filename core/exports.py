"""The one place that writes CSV and XLSX files, so every export is safe against formula injection.

A spreadsheet runs a cell as a formula when its text starts with ``=``, ``+``, ``-`` or ``@`` (and some also
after a leading tab or carriage return): an exported title such as ``=HYPERLINK("http://x")`` would become a live
link in a finance officer's spreadsheet. Every text cell that starts that way is written with a leading
apostrophe, which spreadsheets show as text. Real numbers (``Decimal``, ``int``) stay numbers, negatives included.

Nothing else in the project imports ``csv`` writers or ``openpyxl`` for writing (a test enforces it).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

GBP_FORMAT = '"£"#,##0.00'
DATE_FORMAT = "dd/mm/yyyy"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_text(value: Any) -> Any:
    """Stop a spreadsheet from running a text cell as a formula (CSV/formula injection). Only strings change."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(safe_text(str(value)))


def write_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with a byte-order mark (so Excel reads the pound sign), every text cell neutralised."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([csv_cell(h) for h in headers])
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def csv_response(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, filename: str) -> HttpResponse:
    response = HttpResponse(write_csv(headers, rows), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class Sheet:
    """One worksheet to write: a title, optional lines above the table, headers, rows, and which columns are money."""

    def __init__(
        self,
        title: str,
        headers: Sequence[str],
        rows: Iterable[Sequence[Any]],
        *,
        money_columns: Iterable[int] = (),
        percent_columns: Iterable[int] = (),
        preamble: Sequence[str] = (),
        total_row: Sequence[Any] | None = None,
    ) -> None:
        self.title = title[:31]
        self.headers = list(headers)
        self.rows = [list(r) for r in rows]
        self.money_columns = set(money_columns)
        self.percent_columns = set(percent_columns)
        self.preamble = list(preamble)
        self.total_row = list(total_row) if total_row is not None else None


def write_xlsx(sheets: Sequence[Sheet]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="F3F2F1")
    for spec in sheets:
        ws = workbook.create_sheet(safe_text(spec.title).lstrip("'")[:31] or "Sheet")
        r = 1
        for line in spec.preamble:
            ws.cell(row=r, column=1, value=safe_text(line)).font = bold if r == 1 else Font()
            r += 1
        if spec.preamble:
            r += 1
        header_row = r
        for c, header in enumerate(spec.headers, start=1):
            cell = ws.cell(row=r, column=c, value=safe_text(header))
            cell.font = bold
            cell.fill = header_fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        body = spec.rows + ([spec.total_row] if spec.total_row is not None else [])
        for row in body:
            r += 1
            for c, value in enumerate(row, start=1):
                cell = ws.cell(row=r, column=c, value=safe_text(value))
                if (c - 1) in spec.money_columns and isinstance(value, Decimal):
                    cell.number_format = GBP_FORMAT
                elif (c - 1) in spec.percent_columns and isinstance(value, Decimal):
                    cell.number_format = "0.00%"
                elif isinstance(value, dt.date):
                    cell.number_format = DATE_FORMAT
                if spec.total_row is not None and row is spec.total_row:
                    cell.font = bold
        ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
        for c, header in enumerate(spec.headers, start=1):
            width = max([len(str(header))] + [len(csv_cell(row[c - 1])) for row in body if len(row) >= c])
            ws.column_dimensions[get_column_letter(c)].width = min(max(width + 2, 10), 60)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsx_response(sheets: Sequence[Sheet], *, filename: str) -> HttpResponse:
    response = HttpResponse(write_xlsx(sheets), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
