"""A 903 workbook (a sheet per table, headings in row 1) into the 903's tables.

A sheet is recognised by its name (the table's, as in csww's template) or else by its headings;
other sheets (guidance, code lists) are passed over with a note. Cells typed by Excel as dates
or numbers are turned back into the text the 903 expects (dd/mm/yyyy; whole numbers without
a decimal point). The archive is checked for zip bombs before anything is inflated.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

from csww.cla.read.csvset import column_letter, recognise
from csww.cla.read.frames import TableBuilder
from csww.cla.read.layout import TableLayout, layout
from csww.cla.read.model import ClaReadError, StructureNote
from csww.core import Tables
from csww.sheets.values import readable_rows
from csww.sheets.zipguard import ZipBomb, check_archive

# Sheets that csww's own template adds beside the tables.
OWN_SHEETS = ("Guidance", "Codes", "Lists")


def cell_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_workbook(data: bytes, *, place: str) -> tuple[Tables, list[StructureNote], list[str]]:
    """Read a 903 workbook: its tables, notes, and the sheets read. Raises
    :class:`ClaReadError` when it cannot be opened or no sheet is a 903 table."""
    wb = _opened(data, place)
    builder = TableBuilder()
    notes: list[StructureNote] = []
    read: list[str] = []
    try:
        for ws in wb.worksheets:
            if _read_sheet(ws, builder, notes, place):
                read.append(ws.title)
    finally:
        wb.close()
    if not read:
        raise ClaReadError("No sheet of the workbook is a 903 table.", place)
    return builder.build(), notes, read


def _opened(data: bytes, place: str) -> Any:
    """The workbook, opened read-only once the archive is known not to be a zip bomb."""
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            check_archive(zf, place)
    except ZipBomb as exc:
        raise ClaReadError(exc.message, place) from None
    except zipfile.BadZipFile:
        raise ClaReadError(
            "The workbook is damaged: it is not a readable .xlsx file.", place
        ) from None
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise ClaReadError(
            f"The workbook cannot be opened ({type(exc).__name__}); save it again as .xlsx.", place
        ) from None


def _read_sheet(ws: Any, builder: TableBuilder, notes: list[StructureNote], place: str) -> bool:
    """One sheet's rows into its table; False when the sheet is not a 903 table."""
    sheet = ws.title
    rows = readable_rows(
        ws.iter_rows(values_only=True), sheet, lambda message: ClaReadError(message, place)
    )
    first = next(rows, None)
    headings = [cell_text(v) or "" for v in (first or ())]
    table = layout().table(sheet) if sheet in layout().names else recognise(headings)
    if table is None:
        if sheet not in OWN_SHEETS:
            notes.append(StructureNote("ignored_sheet", sheet, "", sheet, None))
        return False
    if builder.count(table.name):
        notes.append(StructureNote("repeated_table", "", "", sheet, 1, table.name))
    index = _column_index(headings, table, sheet, notes)
    child_col = column_letter(index.get("CHILD", 0) + 1)
    for number, cells in enumerate(rows, start=2):
        texts = [cell_text(v) for v in cells]
        if not any(t and t.strip() for t in texts):
            continue
        values = {c: (texts[i] if i < len(texts) else None) for c, i in index.items()}
        builder.add(table.name, values, line=number, cell=f"{sheet}!{child_col}{number}")
    return True


def _column_index(
    headings: list[str], table: TableLayout, sheet: str, notes: list[StructureNote]
) -> dict[str, int]:
    """Each of the table's columns → its position; a note for each heading the table does not
    have (or has already), and for each column missing."""
    index: dict[str, int] = {}
    for i, h in enumerate(headings):
        name = h.strip().upper()
        if not name:
            continue
        if name in table.columns and name not in index:
            index[name] = i
        else:
            notes.append(StructureNote("unknown_column", name, "", sheet, 1, table.name))
    for col in table.columns:
        if col not in index:
            notes.append(StructureNote("missing_column", col, "", sheet, 1, table.name))
    return index
