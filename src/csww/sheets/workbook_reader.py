"""Read a filled template (.xlsx) into a return, every item with its cell.

The file is checked before openpyxl sees it, so a password-protected, old-format, damaged
or mislabelled file gets one clear message instead of a traceback. Sheets, columns, merged
cells, formulas and the template's year are checked next; each problem stops the reading
with a :class:`~csww.sheets.rows.SheetError` that names the place and the fix.
"""

from __future__ import annotations

import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from csww.model import Record, Return
from csww.report.model import Issue
from csww.sheets.layout import (
    ABOUT_LA_ABSENT,
    ABOUT_SHEET,
    ABOUT_YEAR,
    ELEMENT_ROW,
    FIRST_DATA_ROW,
    HEADING_ROW,
    LA_ABSENT,
    STATUS_ROW,
    Part,
    parts,
    status_text,
)
from csww.sheets.rows import Grid, SheetError, build
from csww.sheets.values import CellError
from csww.spec import Spec, available_years, spec_for

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
SAVE_AS = "Open it in Excel or LibreOffice and save it as 'Excel Workbook (.xlsx)'."


@dataclass
class SheetResult:
    """A return read from a spreadsheet, with the issues met converting its cells."""

    ret: Return
    issues: list[Issue] = field(default_factory=list)
    template_year: int | None = None
    source: str = ""


def check_file(path: Path) -> None:
    """Refuse, with one clear message, a file that is not an .xlsx workbook."""
    name = path.name
    if not path.exists():
        raise SheetError(f"{path} does not exist.")
    if path.is_dir():
        raise SheetError(f"{path} is a folder, not a workbook.")
    with path.open("rb") as fh:
        head = fh.read(8)
    if not head:
        raise SheetError(
            f"{name} is empty (0 bytes): it holds no workbook. Save the workbook again."
        )
    if head.startswith(OLE_MAGIC):
        if ENCRYPTED in path.read_bytes():
            raise SheetError(
                f"{name} is protected with a password (the file is encrypted), so it cannot be "
                "read. Open it, remove the password (in Excel: File, Info, Protect Workbook, "
                "Encrypt with Password, and clear it) and save it again."
            )
        raise SheetError(f"{name} is in the old Excel 97–2003 format (.xls). {SAVE_AS}")
    if not head.startswith(b"PK"):
        kind = "an XML file" if head.lstrip().startswith(b"<") else "not a zip file"
        raise SheetError(
            f"{name} is not an Excel workbook: it is {kind}, so it may be damaged, cut short or "
            f"another kind of file renamed .xlsx. {SAVE_AS}"
        )
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            bad = zf.testzip()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise SheetError(
            f"{name} is damaged: it looks like a workbook but cannot be unpacked (it may have "
            f"been cut short while copying). {SAVE_AS}"
        ) from None
    if bad is not None:
        raise SheetError(f"{name} is damaged: its part {bad} is corrupt. {SAVE_AS}")
    if "xl/workbook.xml" not in names:
        what = (
            "an OpenDocument spreadsheet (.ods)"
            if "content.xml" in names
            else "a zip file but not an Excel workbook"
        )
        raise SheetError(f"{name} is {what}. {SAVE_AS}")


def _load(path: Path, data_only: bool) -> Any:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(path, data_only=data_only, rich_text=False)
    except Exception as exc:  # a third-party parser on a damaged file: say so, never a traceback
        raise SheetError(
            f"{path.name} could not be opened as an Excel workbook ({type(exc).__name__}): it may "
            f"be damaged. {SAVE_AS}"
        ) from None


def _sheet(wb: Any, name: str, path: Path) -> Worksheet:
    by_fold = {ws.title.strip().casefold(): ws for ws in wb.worksheets}
    ws = by_fold.get(name.casefold())
    if ws is None:
        present = ", ".join(f"'{t}'" for t in wb.sheetnames)
        raise SheetError(
            f"{path.name} has no sheet named '{name}' (its sheets are {present}). If the sheet "
            f"was renamed, rename it back to '{name}'; otherwise copy the data into a fresh "
            "template made with 'csww template'."
        )
    return ws


def about(wb: Any) -> dict[str, str]:
    """The hidden About sheet's keys and values (empty when there is none)."""
    if ABOUT_SHEET not in wb.sheetnames:
        return {}
    out = {}
    for key, value, *_ in wb[ABOUT_SHEET].iter_rows(min_row=1, max_col=2, values_only=True):
        if key is not None:
            out[str(key).strip()] = "" if value is None else str(value).strip()
    return out


def template_year(info: dict[str, str]) -> int | None:
    text = info.get(ABOUT_YEAR, "")
    return int(text) if text.isdigit() else None


def _cells(ws: Worksheet, row: int, width: int) -> list[object]:
    return [ws.cell(row=row, column=c).value for c in range(1, width + 1)]


def _first_data_row(ws: Worksheet, part: Part, headings: dict[int, str], width: int) -> int:
    """Row 4 in a template; row 2 in a plain sheet with one heading row."""
    from csww.sheets.layout import heading_index, recognise

    index = heading_index(part)
    items = {col: recognise(text, index, part.key) for col, text in headings.items()}
    elements = {col: h.element for col, h in items.items() if h is not None and h.kind == "item"}
    row2, row3 = _cells(ws, STATUS_ROW, width), _cells(ws, ELEMENT_ROW, width)

    def matches(cells: list[object], expected: dict[int, str]) -> int:
        return sum(1 for col, text in expected.items() if str(cells[col - 1] or "").strip() == text)

    need = max(1, len(elements) // 2)
    if elements and matches(row3, elements) >= need:
        return FIRST_DATA_ROW
    statuses = {col: status_text(part.items[e], part.key) for col, e in elements.items()}
    if elements and (matches(row2, elements) >= need or matches(row2, statuses) >= need):
        raise SheetError(
            f"Rows 1 to 3 of sheet '{ws.title}' are no longer the template's heading rows (a "
            "heading row was deleted or data was typed over one), so it is not clear where the "
            "data starts. Copy the data into a fresh template made with 'csww template', from row 4."
        )
    return HEADING_ROW + 1


def grid(ws: Worksheet, part: Part, cached: Any, path: Path) -> Grid:
    """The sheet's headings and data rows, with formulas replaced by their cached values."""
    if ws.merged_cells.ranges:
        ranges = sorted(str(r) for r in ws.merged_cells.ranges)
        more = f" (and {len(ranges) - 1} more)" if len(ranges) > 1 else ""
        raise SheetError(
            f"Sheet '{ws.title}' has merged cells at {ranges[0]}{more}. Unmerge them (in Excel: "
            "Home, Merge & Center, Unmerge Cells) so that every item has a cell of its own."
        )
    width = ws.max_column
    headings = {
        col: str(v).strip()
        for col, v in enumerate(_cells(ws, HEADING_ROW, width), start=1)
        if v is not None and str(v).strip()
    }
    first = _first_data_row(ws, part, headings, width)
    g = Grid(place=ws.title, headings=headings, rows=[], first_row=first)
    for row in ws.iter_rows(min_row=first, max_col=width):
        values: list[object] = []
        for cell in row:
            value = cell.value
            if cell.data_type == "f":
                formula = (
                    value
                    if isinstance(value, str)
                    else getattr(value, "text", "") or "an array formula"
                )
                value = cached(ws.title, cell.row, cell.column, formula)
                g.formulas[(cell.row, cell.column)] = formula
            elif cell.data_type == "e":
                value = CellError(value)
            values.append(value)
        g.rows.append((row[0].row, values))
    return g


class _Cache:
    """Cached values of formula cells, from a second, values-only reading (only if needed)."""

    def __init__(self, path: Path) -> None:
        self.path, self.wb = path, None

    def __call__(self, sheet: str, row: int, column: int, formula: str) -> object:
        if self.wb is None:
            self.wb = _load(self.path, data_only=True)
        cell = self.wb[sheet].cell(row=row, column=column)  # type: ignore[index]
        if cell.data_type == "e":
            return CellError(cell.value)
        if (
            cell.value is None and cell.data_type != "str"
        ):  # a text result of "" is blank, not unknown
            ref = f"{sheet}!{get_column_letter(column)}{row}"
            raise SheetError(
                f"{ref} holds a formula ({formula}) that has never been calculated, so its value "
                "is not known. Open the workbook in Excel or LibreOffice and save it, or replace "
                "the formula with its value."
            )
        return cell.value


def check_year(made_for: int | None, ret: Return, requested: int | None, name: str) -> None:
    """Refuse a template made for another collection year than the return's or the one asked."""
    if made_for is None:
        return
    spec_year = spec_for(made_for)[0].year
    for year, what in (
        (requested, "the year asked for (--year)"),
        (ret.year, "the Year on its Header sheet"),
    ):
        if year is not None and spec_for(year)[0].year != spec_year:
            raise SheetError(
                f"{name} is a template for the {made_for} collection, but {what} is {year}. "
                f"Make a {year} template with 'csww template --year {year}' and copy the data "
                "across, so that every column matches that year's items."
            )


def read_workbook_with_issues(path: str | Path, *, year: int | None = None) -> SheetResult:
    """Read a workbook; raises :class:`SheetError` when it cannot be read as a return."""
    path = Path(path)
    check_file(path)
    wb = _load(path, data_only=False)
    info = about(wb)
    made_for = template_year(info)
    spec: Spec = spec_for(made_for or year or available_years()[-1])[0]
    cached = _Cache(path)
    layout = parts(spec)
    grids = {
        key: grid(_sheet(wb, part.sheet, path), part, cached, path) for key, part in layout.items()
    }
    header = build(layout["header"], grids["header"], spec, single=True)
    la = build(layout["la"], grids["la"], spec, single=True)
    workers = build(layout["workers"], grids["workers"], spec)
    la_record: Record | None = la.records[0]
    if (
        not la.records[0].values
        and not la.records[0].extras
        and info.get(ABOUT_LA_ABSENT) == LA_ABSENT
    ):
        la_record = None
    ret = Return(
        header=header.records[0],
        la=la_record,
        workers=workers.records,
        extras=header.message_extras,
    )
    check_year(made_for, ret, year, path.name)
    issues = [i for _n, i in header.issues + la.issues + workers.issues]
    return SheetResult(ret, issues, made_for, str(path))


def read_workbook(path: str | Path) -> Return:
    """The return a workbook holds (conversion issues are dropped; see the function above)."""
    return read_workbook_with_issues(path).ret
