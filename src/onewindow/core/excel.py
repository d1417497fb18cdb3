"""Excel (.xlsx) export with openpyxl: bold frozen header row, column widths sized to the content.

    from onewindow.core.excel import xlsx_response
    return xlsx_response("办件.xlsx", {"办件": (["编号", "事项"], [["A1", "失业登记"], ...])})

Every .xlsx the system writes goes through `xlsx_bytes`, which writes text that people typed safely:

- **no formulas**: text starting with `=`, `+`, `-`, `@`, a tab or a carriage return is written as a text cell
  with Excel's quote prefix (the 'apostrophe' that Excel shows only in the edit bar), so `=HYPERLINK(…)` typed by
  a citizen is shown as those characters and never evaluated, not even after the cell is edited; the visible
  text is exactly what was typed, and reading the file back gives the same string;
- **no control characters**: characters that an .xlsx file cannot hold (C0 controls other than tab, line feed and
  carriage return, e.g. a vertical tab pasted from a word processor) are removed instead of failing the export;
  carriage returns are written as line feeds.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

__all__ = ["XLSX_CONTENT_TYPE", "safe_text", "xlsx_bytes", "xlsx_response"]

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_INVALID_TITLE = str.maketrans({c: "_" for c in "[]:*?/\\"})
#: a spreadsheet takes text starting with one of these for a formula (CSV/DDE injection)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")  # a carriage return is written as a line feed


def _display_width(value: object) -> int:
    text = "" if value is None else str(value)
    longest = max((line for line in text.splitlines() or [""]), key=len)
    # CJK and other wide characters take about two columns
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in longest)


def safe_text(value: object) -> str:
    """Text without the characters an .xlsx cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE); carriage returns
    become line feeds (an .xlsx reader would turn them into line feeds anyway)."""
    return ILLEGAL_CHARACTERS_RE.sub("", str(value).replace("\r\n", "\n").replace("\r", "\n"))


def _cell(value: object) -> object:
    if value is None or isinstance(value, (int, float, Decimal, bool, date, datetime)):
        if isinstance(value, datetime) and value.tzinfo is not None:
            return value.replace(tzinfo=None)  # Excel has no time zones; values are local time
        return value
    return safe_text(value)


def _write_row(ws: Any, row_number: int, values: list[object]) -> list[Any]:
    """Write one row; text is always a text cell (never a formula), quote-prefixed when it looks like one."""
    cells = []
    for column, value in enumerate(values, start=1):
        cell = ws.cell(row=row_number, column=column)
        cell.value = value
        if isinstance(value, str):
            cell.data_type = "s"  # openpyxl makes "=…" a formula on assignment; this is text
            if value.startswith(FORMULA_PREFIXES):
                cell.quotePrefix = True
        cells.append(cell)
    return cells


def _write_sheet(ws: Any, headers: list[str], rows: list[list[object]]) -> None:
    widths = [_display_width(h) for h in headers]
    if headers:
        bold, fill = Font(bold=True), PatternFill("solid", fgColor="E8EEF5")
        for cell in _write_row(ws, 1, [safe_text(h) for h in headers]):
            cell.font, cell.fill, cell.alignment = bold, fill, Alignment(vertical="center")
        ws.freeze_panes = "A2"
    for row_number, row in enumerate(rows, start=2):
        values = [_cell(v) for v in row]
        _write_row(ws, row_number, values)
        for i, v in enumerate(values):
            w = _display_width(v.strftime("%Y-%m-%d %H:%M") if isinstance(v, datetime) else v)
            if i >= len(widths):
                widths.append(w)
            else:
                widths[i] = max(widths[i], w)
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(max(w + 2, 8), 60)
    _date_formats(ws, rows[0] if rows else [])


def _date_formats(ws: Any, first_row: list[object]) -> None:
    """Date columns (as the first data row shows them) get a date format on every data row."""
    for i, v in enumerate(first_row, start=1):
        if not isinstance(v, date):
            continue
        number_format = "yyyy-mm-dd hh:mm" if isinstance(v, datetime) else "yyyy-mm-dd"
        for (c,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
            c.number_format = number_format


def xlsx_bytes(sheets: dict[str, tuple[list[str], list[list[object]]]]) -> bytes:
    """A workbook with one sheet per entry: {title: (headers, rows)}."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, (headers, rows) in sheets.items():
        _write_sheet(wb.create_sheet(title=str(title).translate(_INVALID_TITLE)[:31] or "Sheet"), headers, rows)
    if not wb.worksheets:
        wb.create_sheet("Sheet1")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_response(filename: str, sheets: dict[str, tuple[list[str], list[list[object]]]]) -> HttpResponse:
    """An attachment download of `xlsx_bytes(sheets)` (Chinese file names are RFC 5987 encoded)."""
    response = HttpResponse(xlsx_bytes(sheets), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename, inline=False)
    return response


def content_disposition(filename: str, *, inline: bool) -> str:
    kind = "inline" if inline else "attachment"
    ascii_name = filename.encode("ascii", "ignore").decode() or "download"
    ascii_name = ascii_name.replace('"', "").replace("\\", "")
    # the Chinese part dropped, "受理通知书-SQ….pdf" would be "-SQ….pdf": no separator at the start of the name
    ascii_name = ascii_name.lstrip("-_ ") or "download"
    if ascii_name.startswith("."):
        ascii_name = "download" + ascii_name
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
