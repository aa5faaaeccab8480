"""Spreadsheets (.xlsx) for every list: a title row, bold headers, frozen panes, sensible widths."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_MAX_WIDTH = 60
# Cells starting with these are formulas to a spreadsheet; text from users is written as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None) if value.tzinfo is None else value.astimezone().replace(tzinfo=None)
    if isinstance(value, (int, float, dt.date, bool)):
        return value
    text = str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def add_sheet(wb: Workbook, title: str, headers: Sequence[str], rows: Iterable[Iterable[Any]], *, first: bool = False):
    """One sheet: row 1 the title (merged), row 2 the headers, data from row 3."""
    ws = wb.active if first else wb.create_sheet()
    ws.title = title[:31].replace("/", "／").replace("\\", "＼").replace("?", "？").replace("*", "＊") or "Sheet"
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(1, len(headers)))
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(list(headers))
    fill = PatternFill("solid", fgColor="F2F2F2")
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = fill
    widths = [len(str(h)) * 2 + 2 for h in headers]
    for row in rows:
        values = [_cell_value(v) for v in row]
        ws.append(values)
        for j, v in enumerate(values[: len(widths)]):
            widths[j] = max(widths[j], min(_MAX_WIDTH, len(str(v)) * 2 + 2))
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = w
    ws.freeze_panes = "A3"
    return ws


def xlsx_bytes(title: str, headers: Sequence[str], rows: Iterable[Iterable[Any]]) -> bytes:
    """A one-sheet workbook as bytes."""
    wb = Workbook()
    add_sheet(wb, title, headers, rows, first=True)
    return workbook_bytes(wb)


def workbook_bytes(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def read_rows(data: bytes, *, header_row: int | None = None) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    """Read the first sheet: the header names and each data row with its 1-based sheet row number.

    Without ``header_row`` the header is row 2 when row 1 is a single merged title (as written by
    :func:`xlsx_bytes`), else row 1. Blank rows are skipped.
    """
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    ws = wb.worksheets[0]
    all_rows = list(ws.iter_rows(values_only=True))
    wb.close()
    if not all_rows:
        return [], []
    if header_row is None:
        first = [c for c in all_rows[0] if c not in (None, "")]
        header_row = 2 if len(first) == 1 and len(all_rows) > 1 else 1
    headers = [str(c).strip() if c is not None else "" for c in all_rows[header_row - 1]]
    data_rows = []
    for n, row in enumerate(all_rows[header_row:], start=header_row + 1):
        values = list(row) + [None] * (len(headers) - len(row))
        if all(v in (None, "") for v in values):
            continue
        data_rows.append((n, values[: len(headers)]))
    return headers, data_rows
