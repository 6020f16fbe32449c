"""Write the workbook: the empty template, or a return laid out in the template's shape.

Everything is generated from the year's specification: the columns and their headings, the
mandatory marks, the dropdowns for every code list (from a hidden Lists sheet), the checks
on dates, numbers and lengths, and the Guidance sheet. The collection year is kept on a
hidden About sheet (and in the defined name ``CSWW_TEMPLATE_YEAR``) so that a template
from another year is recognised when it comes back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from importlib.metadata import PackageNotFoundError, version

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from csww.sheets.guidance import dropdown_texts, short_title, write_guidance, write_lists
from csww.sheets.layout import (
    ABOUT_LA_ABSENT,
    ABOUT_MADE_BY,
    ABOUT_SHEET,
    ABOUT_SPEC,
    ABOUT_YEAR,
    ELEMENT_ROW,
    FIRST_DATA_ROW,
    HEADING_ROW,
    LA_ABSENT,
    LISTS_SHEET,
    STATUS_ROW,
    YEAR_NAME,
    Column,
    Part,
    PartKey,
    cell_ref,
    importance,
    pair_columns,
    parts,
    status_text,
)
from csww.sheets.printing import readable_scale
from csww.spec import Item, Spec
from csww.values import places_text

LAST_ROW = 1048576
FILLS = {
    "all": PatternFill("solid", fgColor="1F4E79"),
    "some": PatternFill("solid", fgColor="2E75B6"),
    "none": PatternFill("solid", fgColor="BDD7EE"),
    "other": PatternFill("solid", fgColor="D9D9D9"),
}
STATUS_FILL = PatternFill("solid", fgColor="F2F2F2")
FORMATS = {
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm:ss",
    "decimal": "General",
    "integer": "0",
}


def made_by() -> str:
    try:
        return f"csww {version('csww')}"
    except PackageNotFoundError:
        return "csww"


@dataclass
class Row:
    """One record's cells: values by element, then (element, text) pairs kept exactly."""

    values: dict[str, str] = field(default_factory=dict)
    pairs: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class SheetData:
    """A return split into cells (see :func:`csww.sheets.convert.split`)."""

    header: Row
    la: Row | None
    workers: list[Row]
    message: list[tuple[str, str]]
    year: int


@dataclass
class Placement:
    """Where each value was written, so issues can be pinned to their cells."""

    cells: dict[tuple[PartKey, int | None, str], str] = field(default_factory=dict)
    pairs: dict[tuple[PartKey, int | None], list[tuple[str, str, str]]] = field(
        default_factory=dict
    )
    rows: dict[tuple[PartKey, int | None], str] = field(default_factory=dict)


def _text(ws: Worksheet, row: int, col: int, text: str) -> None:
    cell = ws.cell(row=row, column=col)
    cell.value = text
    cell.data_type = "s"  # text stays text, even "=1+1" or "007": never a formula or a number


def _validation(item: Item, spec: Spec, lists: dict[str, str], sqref: str) -> DataValidation | None:
    kind = item.type
    dv: DataValidation
    if kind in ("code", "la_code"):
        key = item.codelist if kind == "code" else "LA"
        if key not in lists:
            return None
        prompt, error = dropdown_texts(item, spec)
        dv = DataValidation(
            type="list",
            formula1=lists[key],
            allow_blank=True,
            errorStyle="warning",
            error=error,
            errorTitle="Not in the list",
        )
    elif kind == "date":
        dv = DataValidation(
            type="date",
            operator="between",
            allow_blank=True,
            formula1=str(int(to_excel(date(1900, 1, 1)))),
            formula2=str(int(to_excel(date(spec.year + 1, 12, 31)))),
            error="Type a date, for example 31/03/2017 or 2017-03-31.",
            errorTitle="Not a date",
        )
        prompt = "A date, for example 2017-03-31."
    elif kind in ("decimal", "integer"):
        lo, hi = item.min if item.min is not None else 0, item.max if item.max is not None else 9999
        whole = kind == "integer"
        dv = DataValidation(
            type="whole" if whole else "decimal",
            operator="between",
            allow_blank=True,
            formula1=_num(lo),
            formula2=_num(hi),
            errorTitle="Out of range",
            error=f"Type a {'whole ' if whole else ''}number from {_num(lo)} to {_num(hi)}.",
        )
        prompt = f"A {'whole ' if whole else ''}number from {_num(lo)} to {_num(hi)}"
        prompt += f", at most {places_text(item.dp)}." if item.dp else "."
    elif kind in ("regno", "text") and item.max_length:
        dv = DataValidation(
            type="textLength",
            operator="lessThanOrEqual",
            allow_blank=True,
            formula1=str(item.max_length),
            errorTitle="Too long",
            error=f"At most {item.max_length} characters.",
        )
        prompt = (
            "Two letters then digits, for example SW123456."
            if kind == "regno"
            else f"At most {item.max_length} characters."
        )
    elif kind == "year":
        dv = DataValidation(
            type="whole",
            operator="between",
            formula1="2000",
            formula2="2100",
            allow_blank=True,
            error="A four-digit year.",
            errorTitle="Not a year",
        )
        prompt = "The collection year, four digits."
    else:
        return None
    dv.showErrorMessage = True
    dv.showInputMessage = True
    dv.promptTitle = short_title(item.name)
    if dv.promptTitle != item.name:  # the whole name leads the message, never cut
        prompt = f"{item.name}. {prompt}"
    dv.prompt = prompt[:255]
    dv.add(sqref)
    return dv


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _columns(part: Part, rows: list[Row], message: list[tuple[str, str]] | None) -> list[Column]:
    cols = part.item_columns()
    cols += pair_columns(max((len(r.pairs) for r in rows), default=0))
    if message:
        cols += pair_columns(len(message), message=True)
    return cols


# Workers' columns A and B (agency or not, the registration number) are frozen on screen and
# printed on every page, so that every part of a row says whose it is.
REPEATED_COLUMNS = 2


def _sheet(
    wb: Workbook,
    part: Part,
    spec: Spec,
    rows: list[Row],
    lists: dict[str, str],
    placement: Placement,
    message: list[tuple[str, str]] | None = None,
) -> None:
    ws = wb.create_sheet(part.sheet)
    cols = _columns(part, rows, message)
    single = part.key != "workers"
    for col, column in enumerate(cols, start=1):
        letter = get_column_letter(col)
        head = ws.cell(row=HEADING_ROW, column=col, value=column.heading)
        item = column.item
        level = importance(item, part.key) if item is not None else "other"
        head.fill = FILLS[level]
        head.font = Font(bold=True, color="FFFFFF" if level in ("all", "some") else "000000")
        head.alignment = Alignment(wrap_text=True, vertical="top")
        status = (
            status_text(item, part.key) if item is not None else "Copied exactly from the XML file"
        )
        note = ws.cell(row=STATUS_ROW, column=col, value=status)
        note.font, note.fill = Font(italic=True, size=9), STATUS_FILL
        note.alignment = Alignment(wrap_text=True, vertical="top")
        _text(ws, ELEMENT_ROW, col, column.element or column.heading)
        width = max(14, min(34, len(column.heading) * 0.9 + 4))
        if part.key == "workers" and col <= REPEATED_COLUMNS:
            width = min(width, 20)  # printed on every page: narrow, its heading wrapped
        ws.column_dimensions[letter].width = width
        if item is None:
            continue
        ws.column_dimensions[letter].number_format = FORMATS.get(item.type, "@")
        sqref = (
            f"{letter}{FIRST_DATA_ROW}"
            if single
            else f"{letter}{FIRST_DATA_ROW}:{letter}{LAST_ROW}"
        )
        dv = _validation(item, spec, lists, sqref)
        if dv is not None:
            ws.add_data_validation(dv)
    ws.row_dimensions[HEADING_ROW].height = 48
    ws.row_dimensions[STATUS_ROW].height = 36
    ws.row_dimensions[ELEMENT_ROW].hidden = True
    ws.freeze_panes = "C4" if part.key == "workers" else f"A{FIRST_DATA_ROW}"
    # Rows 1 and 2 (the item and who gives it) on every page; on Workers also columns A and
    # B (the frozen ones: agency or not, and the registration number), so that every page
    # says whose row it is.
    readable_scale(
        ws,
        f"{HEADING_ROW}:{STATUS_ROW}",
        f"A:{get_column_letter(REPEATED_COLUMNS)}" if part.key == "workers" else None,
    )
    index = {column.element: n for n, column in enumerate(cols, start=1) if column.kind == "item"}
    first_pair = len(part.items) + 1
    for offset, data in enumerate(rows):
        row = FIRST_DATA_ROW + offset
        key = (part.key, None if single else offset + 1)
        placement.rows[key] = cell_ref(part.sheet, 1, row)
        for element, col in index.items():
            placement.cells[(part.key, key[1], element)] = cell_ref(part.sheet, col, row)
        for element, text in data.values.items():
            _text(ws, row, index[element], text)
        placed = placement.pairs.setdefault(key, [])
        for n, (element, text) in enumerate(data.pairs):
            _text(ws, row, first_pair + 2 * n, element)
            _text(ws, row, first_pair + 2 * n + 1, text)
            placed.append((element, text, cell_ref(part.sheet, first_pair + 2 * n + 1, row)))
    if message:
        start = len(cols) - 2 * len(message) + 1
        for n, (element, text) in enumerate(message):
            _text(ws, FIRST_DATA_ROW, start + 2 * n, element)
            _text(ws, FIRST_DATA_ROW, start + 2 * n + 1, text)


def template_data(spec: Spec) -> SheetData:
    """What an empty template holds: the header items that never change, filled in."""
    header = Row(
        {
            "Collection": spec.collection,
            "Year": str(spec.year),
            "ReferenceDate": spec.reference_date.isoformat(),
            "SourceLevel": spec.source_level,
        }
    )
    return SheetData(header=header, la=Row(), workers=[], message=[], year=spec.year)


def build_workbook(spec: Spec, data: SheetData | None = None) -> tuple[Workbook, Placement]:
    """The template for ``spec``'s year, holding ``data`` when given."""
    data = data or template_data(spec)
    wb = Workbook()
    guidance = wb.active
    assert guidance is not None
    lists = write_lists(wb.create_sheet(LISTS_SHEET), spec)
    layout = parts(spec)
    placement = Placement()
    _sheet(wb, layout["header"], spec, [data.header], lists, placement, data.message)
    _sheet(wb, layout["la"], spec, [data.la or Row()], lists, placement)
    _sheet(wb, layout["workers"], spec, data.workers, lists, placement)
    write_guidance(guidance, spec, data.year)
    about = wb.create_sheet(ABOUT_SHEET)
    rows = [(ABOUT_YEAR, str(data.year)), (ABOUT_SPEC, spec.guide), (ABOUT_MADE_BY, made_by())]
    if data.la is None:
        rows.append((ABOUT_LA_ABSENT, LA_ABSENT))
    for n, (key, value) in enumerate(rows, start=1):
        _text(about, n, 1, key)
        _text(about, n, 2, value)
    about.sheet_state = "hidden"
    wb[LISTS_SHEET].sheet_state = "hidden"
    wb.move_sheet(LISTS_SHEET, offset=len(wb.sheetnames) - 1 - wb.sheetnames.index(LISTS_SHEET))
    wb.defined_names[YEAR_NAME] = DefinedName(YEAR_NAME, attr_text=f"{ABOUT_SHEET}!$B$1")
    wb.active = 0
    return wb, placement
