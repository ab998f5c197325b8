"""Reading and writing CSV and XLSX tables (imports, exports, reports). Pure functions: no database access.

Money is read as ``Decimal`` from text or from a spreadsheet number (never through float arithmetic), and refused
when it has fractions of a penny. Writing goes through ``core.exports``, which neutralises cells a spreadsheet would run as a formula.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

# Only the date is kept: the zone just says the text is a London calendar date.
LONDON = ZoneInfo("Europe/London")

MAX_ROWS = 5000


# The most one cell may hold (no column takes more). Checked for every cell before anything is written, so an
# enormous cell refuses the file with its row and column rather than failing deep inside (or as a 500).
MAX_CELL_CHARS = 10_000


class TableError(ValueError):
    """The file as a whole cannot be read."""


def normalise_header(value: Any) -> str:
    return " ".join(str(value or "").strip().lower().replace("_", " ").split())


def read_table(data: bytes, *, filename: str) -> tuple[list[str], Iterator[tuple[int, dict[str, Any]]]]:
    """The headers and an iterator of (spreadsheet row number, {normalised header: value}); blank rows skipped."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if ext == "xlsx":
        return _read_xlsx(data)
    if ext == "csv":
        return _read_csv(data)
    raise TableError("Upload a CSV or Excel (.xlsx) file")


def _rows(headers: list[str], rows: Iterable[Sequence[Any]], first_row: int) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, row in enumerate(rows, start=first_row):
        values = list(row) + [None] * (len(headers) - len(row))
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        if number - first_row >= MAX_ROWS:
            raise TableError(f"The file has more than {MAX_ROWS:,} rows. Split it into smaller files")
        for index, value in enumerate(values):
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                column = headers[index] if index < len(headers) and headers[index] else f"number {index + 1}"
                raise TableError(
                    f"Row {number}, column '{column}': the cell has {len(value):,} characters; a cell can hold at "
                    f"most {MAX_CELL_CHARS:,}. Shorten it and upload the file again"
                )
        yield number, {h: v for h, v in zip(headers, values, strict=False) if h}


def _read_csv(data: bytes) -> tuple[list[str], Iterator[tuple[int, dict[str, Any]]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TableError("Save the CSV file as UTF-8 text") from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    # The csv module refuses a field over its process-wide limit (131,072 characters) with ``_csv.Error``. Read
    # the whole file (uploads are size-capped) under a limit the file cannot exceed, so an enormous cell reaches
    # our own check, which names its row and column; then put the limit back.
    previous = csv.field_size_limit()
    csv.field_size_limit(max(previous, len(text) + 1))
    try:
        all_rows = list(reader)
    except csv.Error as exc:
        raise TableError(f"Row {reader.line_num} cannot be read as CSV ({exc}). Save the file as CSV again") from exc
    finally:
        csv.field_size_limit(previous)
    if not all_rows:
        raise TableError("The file is empty")
    headers = [normalise_header(h) for h in all_rows[0]]
    return headers, _rows(headers, all_rows[1:], first_row=2)


def _read_xlsx(data: bytes) -> tuple[list[str], Iterator[tuple[int, dict[str, Any]]]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise TableError("The Excel file could not be read. Save it again as .xlsx and retry") from exc
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    try:
        header_row = next(rows)
    except StopIteration as exc:
        raise TableError("The first sheet is empty") from exc
    headers = [normalise_header(h) for h in header_row]
    return headers, _rows(headers, rows, first_row=2)


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_money(value: Any) -> Decimal:
    """Pounds and pence from "£23,750", "23750.00" or a spreadsheet number. Raises ValueError with a reason."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError("is missing")
    if isinstance(value, bool):
        raise ValueError("is not an amount")
    if isinstance(value, float):
        # A spreadsheet number: its shortest decimal representation is what the person typed.
        value = repr(value)
    cleaned = str(value).replace(",", "").replace("£", "").replace(" ", "").strip()
    try:
        amount = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(f"'{text(value)}' is not an amount in pounds and pence") from exc
    if not amount.is_finite():
        raise ValueError(f"'{text(value)}' is not an amount in pounds and pence")
    if amount < 0:
        raise ValueError("cannot be negative")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError(f"'{text(value)}' has fractions of a penny")
    if amount >= Decimal("10000000000"):
        raise ValueError("is too large")
    return amount.quantize(Decimal("0.01"))


def parse_date(value: Any) -> dt.date:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError("is missing")
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d %B %Y", "%d %b %Y"):
        try:
            return dt.datetime.strptime(raw, fmt).replace(tzinfo=LONDON).date()
        except ValueError:
            continue
    raise ValueError(f"'{raw}' is not a date: use 31/03/2027 or 2027-03-31")


_YES = {"yes", "y", "true", "1", "alignable", "can be aligned"}


_NO = {"no", "n", "false", "0", "ring-fenced", "ring fenced", "ringfenced"}


def parse_yes_no(value: Any, *, default: bool = True) -> bool:
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    if isinstance(value, bool):
        return value
    raw = text(value).lower()
    if raw in _YES:
        return True
    if raw in _NO:
        return False
    raise ValueError(f"'{text(value)}' should be yes or no")
