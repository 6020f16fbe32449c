"""Read a filled template (.xlsx) into a return, every item with its cell.

The file is checked before openpyxl sees it, so a password-protected, old-format, damaged
or mislabelled file gets one clear message instead of a traceback. Sheets, columns, merged
cells, formulas and the template's year are checked next; each problem stops the reading
with a :class:`~csww.sheets.rows.SheetError` that names the place and the fix.
"""

from __future__ import annotations

import re
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter

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
    heading_index,
    parts,
    recognise,
    status_text,
)
from csww.sheets.rows import Grid, SheetError, build
from csww.sheets.values import CellError, readable_rows
from csww.sheets.wording import shown, wording
from csww.sheets.zipguard import ZipBomb, check_archive
from csww.spec import Spec, UnknownYear, available_years, spec_for

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([^"]+)"')
SAVE_AS = "Open it in Excel or LibreOffice and save it as 'Excel Workbook (.xlsx)'."


@dataclass
class SheetResult:
    """A return read from a spreadsheet, with the issues met converting its cells."""

    ret: Return
    issues: list[Issue] = field(default_factory=list)
    template_year: int | None = None
    source: str = ""
    workers_cell: str | None = None  # where worker records start, for issues about them all


def check_file(path: Path) -> None:
    """Refuse, with one clear message, a file that is not an .xlsx workbook."""
    name = shown(path)
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
            check_archive(zf, name)  # from the directory alone, before anything is inflated
            bad = zf.testzip()
    except ZipBomb as exc:
        raise SheetError(exc.message) from None
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
    """Open the workbook read-only: rows are streamed, so a large return reads quickly."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(
                path, read_only=True, data_only=data_only, rich_text=False
            )
    except Exception as exc:  # a third-party parser on a damaged file: say so, never a traceback
        raise SheetError(
            f"{shown(path)} could not be opened as an Excel workbook ({type(exc).__name__}): it may "
            f"be damaged. {SAVE_AS}"
        ) from None


def _sheet(wb: Any, name: str, path: Path) -> Any:
    by_fold = {ws.title.strip().casefold(): ws for ws in wb.worksheets}
    ws = by_fold.get(name.casefold())
    if ws is None:
        present = ", ".join(f"'{t}'" for t in wb.sheetnames)
        raise SheetError(
            f"{shown(path)} has no sheet named '{name}' (its sheets are {present}). If the sheet "
            f"was renamed, rename it back to '{name}'; otherwise copy the data into "
            f"{wording().fresh_template}."
        )
    return ws


def about(wb: Any) -> dict[str, str]:
    """The hidden About sheet's keys and values (empty when there is none)."""
    if ABOUT_SHEET not in wb.sheetnames:
        return {}
    out = {}
    ws = wb[ABOUT_SHEET]
    ws.reset_dimensions()
    for row in ws.iter_rows(min_row=1, max_col=2, values_only=True):
        key, value = (*tuple(row), None, None)[:2]
        if key is not None:
            out[str(key).strip()] = "" if value is None else str(value).strip()
    return out


def template_year(info: dict[str, str]) -> int | None:
    text = info.get(ABOUT_YEAR, "")
    return int(text) if len(text) == 4 and text.isascii() and text.isdigit() else None


def _merged(wb: Any, ws: Any) -> list[str]:
    """Merged ranges, read from the sheet's XML (a streamed sheet does not list them)."""
    with wb._archive.open(ws._worksheet_path) as fh:
        data = fh.read()
    return sorted(m.decode() for m in MERGE.findall(data))


def _first_data_row(
    title: str, part: Part, headings: dict[int, str], row2: list[object], row3: list[object]
) -> int:
    """Row 4 in a template; row 2 in a plain sheet with one heading row."""
    index = heading_index(part)
    items = {col: recognise(text, index, part.key) for col, text in headings.items()}
    elements = {col: h.element for col, h in items.items() if h is not None and h.kind == "item"}

    def matches(cells: list[object], expected: dict[int, str]) -> int:
        return sum(
            1
            for col, text in expected.items()
            if col <= len(cells) and str(cells[col - 1] or "").strip() == text
        )

    need = max(1, len(elements) // 2)
    if elements and matches(row3, elements) >= need:
        return FIRST_DATA_ROW
    statuses = {col: status_text(part.items[e], part.key) for col, e in elements.items()}
    if elements and (matches(row2, elements) >= need or matches(row2, statuses) >= need):
        raise SheetError(
            f"Rows 1 to 3 of sheet '{title}' are no longer the template's heading rows (a "
            "heading row was deleted or data was typed over one), so it is not clear where the "
            f"data starts. Copy the data into {wording().fresh_template}, from row 4."
        )
    return HEADING_ROW + 1


def _rows(ws: Any) -> list[tuple[int, list[Any]]]:
    """Every row that holds a cell, with its cells in column order from column A."""
    out: list[tuple[int, list[Any]]] = []
    ws.reset_dimensions()  # the file's own <dimension> record may be wrong: read every cell
    for row in readable_rows(ws.iter_rows(), ws.title, SheetError):
        cells = [c for c in row if getattr(c, "row", None) is not None]
        if cells:
            out.append((cells[0].row, list(row)))
    return out


def grid(wb: Any, ws: Any, part: Part) -> Grid:
    """The sheet's headings and data rows; formulas are noted for :func:`_fill_cached`."""
    ranges = _merged(wb, ws)
    if ranges:
        more = f" (and {len(ranges) - 1} more)" if len(ranges) > 1 else ""
        raise SheetError(
            f"Sheet '{ws.title}' has merged cells at {ranges[0]}{more}. Unmerge them (in Excel: "
            "Home, Merge & Center, Unmerge Cells) so that every item has a cell of its own."
        )
    rows = _rows(ws)
    by_number = {number: [c.value for c in cells] for number, cells in rows[:4]}
    heading_row = by_number.get(HEADING_ROW, [])
    headings = {
        col: str(v).strip()
        for col, v in enumerate(heading_row, start=1)
        if v is not None and str(v).strip()
    }
    first = _first_data_row(
        ws.title, part, headings, by_number.get(STATUS_ROW, []), by_number.get(ELEMENT_ROW, [])
    )
    g = Grid(place=ws.title, headings=headings, rows=[], first_row=first)
    for number, cells in rows:
        if number < first:
            continue
        values: list[object] = []
        for col, cell in enumerate(cells, start=1):
            value = cell.value
            kind = getattr(cell, "data_type", None)
            if kind == "f":
                g.formulas[(number, col)] = (
                    value
                    if isinstance(value, str)
                    else getattr(value, "text", "") or "an array formula"
                )
            elif kind == "e":
                value = CellError(value)
            values.append(value)
        g.rows.append((number, values))
    return g


def _fill_cached(path: Path, grids: list[Grid]) -> None:
    """Replace each formula by its last calculated value, in one values-only pass."""
    wanted = [g for g in grids if g.formulas]
    if not wanted:
        return
    wb = _load(path, data_only=True)
    try:
        for g in wanted:
            cached = dict(_rows(wb[g.place]))
            for number, values in g.rows:
                for col in range(1, len(values) + 1):
                    formula = g.formulas.get((number, col))
                    if formula is None:
                        continue
                    row = cached.get(number, [])
                    cell = row[col - 1] if col <= len(row) else None
                    values[col - 1] = _cached_value(cell, g.place, number, col, formula)
    finally:
        wb.close()


def _cached_value(cell: Any, sheet: str, row: int, column: int, formula: str) -> object:
    kind = getattr(cell, "data_type", None)
    value = getattr(cell, "value", None)
    if kind == "e":
        return CellError(value)
    if value is None and kind != "str":  # a text result of "" is blank, not unknown
        ref = f"{sheet}!{get_column_letter(column)}{row}"
        raise SheetError(
            f"{ref} holds a formula ({formula}) that has never been calculated, so its value "
            "is not known. Open the workbook in Excel or LibreOffice and save it, or replace "
            "the formula with its value."
        )
    return value


def workbook_template_year(path: Path) -> int | None:
    """The collection year the workbook's template was made for (``None``: not a template)."""
    check_file(path)
    wb = _load(path, data_only=False)
    try:
        return template_year(about(wb))
    finally:
        wb.close()


def check_year(made_for: int | None, ret: Return, requested: int | None, name: str) -> None:
    """Refuse a template made for another collection year than the return's or the one asked.

    The words suit the command line and the portal alike (the portal has no options to
    give): what the file is, what the return is for, and what to do next."""
    if made_for is None:
        return
    template = wording().year_template
    if requested is not None and requested != made_for:
        raise SheetError(
            f"{name} is a template for the {made_for} collection, but this return is for "
            f"{requested}. Copy the data into {template.format(year=requested)}, so that "
            f"every column matches that year's items; or, if the data is for {made_for}, "
            f"use the file for the {made_for} collection instead."
        )
    if ret.year is not None and ret.year != made_for:
        raise SheetError(
            f"{name} is a template for the {made_for} collection, but the Year on its Header "
            f"sheet is {ret.year}. Use {template.format(year=ret.year)} and copy the data "
            "across, so that every column matches that year's items."
        )


def read_workbook_with_issues(path: str | Path, *, year: int | None = None) -> SheetResult:
    """Read a workbook; raises :class:`SheetError` when it cannot be read as a return."""
    path = Path(path)
    check_file(path)
    wb = _load(path, data_only=False)
    try:
        info = about(wb)
        made_for = template_year(info)
        spec: Spec = _layout_spec(made_for or year)
        layout = parts(spec)
        grids = {key: grid(wb, _sheet(wb, part.sheet, path), part) for key, part in layout.items()}
    finally:
        wb.close()
    _fill_cached(path, list(grids.values()))
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
    check_year(made_for, ret, year, shown(path))
    issues = [i for _n, i in header.issues + la.issues + workers.issues]
    first = grids["workers"]
    ret.workers_cell = first.ref(1, first.first_row)
    return SheetResult(ret, issues, made_for, str(path), ret.workers_cell)


def _layout_spec(year: int | None) -> Spec:
    """The spec whose columns the workbook is read by: its year's, else the latest (the
    front door has refused years with no specification before a workbook is read)."""
    try:
        return spec_for(year)
    except UnknownYear:
        years = available_years()
        raise SheetError(
            f"There is no specification for {year}, so a workbook made for it cannot be "
            f"read (the years known are {years[0]} to {years[-1]}). Copy the data into "
            f"{wording().fresh_template}."
        ) from None


def read_workbook(path: str | Path) -> Return:
    """The return a workbook holds (conversion issues are dropped; see the function above)."""
    return read_workbook_with_issues(path).ret
