"""A 903 workbook for a year: a sheet per table of the year's specification, headings in row
1 as DfE's CSV columns, code lists as dropdowns (from the year's code lists), every column
formatted as text so Excel keeps leading zeros and dd/mm/yyyy dates as typed, and a guidance
sheet. ``workbook(tables, year)`` fills the same layout with a return's rows."""

from __future__ import annotations

import io
from collections.abc import Mapping

import polars as pl
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from csww.cla.spec import ClaSpec, spec_for

GUIDANCE = "Guidance"
LISTS = "Lists"
# Rows of each table sheet that carry the dropdowns (an LA's largest table has fewer).
DROPDOWN_ROWS = 20_000
HEADING = Font(bold=True)
HEADING_FILL = PatternFill("solid", fgColor="DDEBF7")


def _lists_sheet(wb: Workbook, spec: ClaSpec) -> dict[str, str]:
    """A hidden sheet with one column per code list; the range of each, by list name."""
    ws = wb.create_sheet(LISTS)
    ranges: dict[str, str] = {}
    names = sorted(
        {i.codelist for t in spec.tables.values() for i in t.items if i.codelist and i.codes}
    )
    for col, name in enumerate(names, start=1):
        codes = sorted(spec.codes(name)) or sorted(
            {
                c
                for t in spec.tables.values()
                for i in t.items
                if i.codelist == name
                for c in i.codes
            }
        )
        letter = get_column_letter(col)
        ws.cell(row=1, column=col, value=name).font = HEADING
        for row, code in enumerate(codes, start=2):
            ws.cell(row=row, column=col, value=code)
        ranges[name] = f"{LISTS}!${letter}$2:${letter}${len(codes) + 1}"
    ws.sheet_state = "hidden"
    return ranges


def _guidance(wb: Workbook, spec: ClaSpec) -> None:
    ws = wb.active
    assert isinstance(ws, Worksheet)
    ws.title = GUIDANCE
    lines = [
        f"SSDA903 children looked after return, {spec.label}",
        "",
        "One sheet per table of the return; row 1 names DfE's CSV columns. Put one record per "
        "row from row 2, a child's CHILD id on every row of every sheet.",
        "Dates as dd/mm/yyyy (typed as text; dates Excel has turned into dates are read back as "
        "dd/mm/yyyy). Codes from the dropdowns. Leave a cell empty when there is nothing to say.",
        "Check the workbook with 'csww cla validate FILE.xlsx --la CODE', turn it into DfE's XML "
        "with 'csww cla generate FILE.xlsx -o return.xml'.",
        "",
        "Table / item / type / required / codes",
    ]
    for text in lines:
        ws.append([text])
    ws["A1"].font = Font(bold=True, size=14)
    for table in spec.tables.values():
        ws.append([f"{table.name}: {table.label}"])
        ws.cell(row=ws.max_row, column=1).font = HEADING
        for item in table.items:
            if item.xml_only:
                continue
            codes = ", ".join(sorted(item.codes)) if item.codes else ""
            ws.append(["", item.name, item.label, item.type, "yes" if item.required else "", codes])
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 24
    ws.column_dimensions["C"].width = 60
    ws.append([])
    ws.append(["Notes on this year's specification"])
    for note in spec.notes():
        ws.append(["", note])


def _table_sheet(
    wb: Workbook, spec: ClaSpec, name: str, ranges: Mapping[str, str], rows: int
) -> Worksheet:
    table = spec.table(name)
    ws = wb.create_sheet(name)
    for col, column in enumerate(table.columns, start=1):
        item = table.item(column)
        letter = get_column_letter(col)
        cell = ws.cell(row=1, column=col, value=column)
        cell.font, cell.fill = HEADING, HEADING_FILL
        ws.column_dimensions[letter].width = max(12, len(column) + 2)
        ws.column_dimensions[letter].number_format = "@"
        if item.codelist and item.codelist in ranges:
            dv = DataValidation(
                type="list",
                formula1=f"={ranges[item.codelist]}",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=f"{column}: not a code",
                error=f"Choose a {column} code from the list ({spec.year}).",
            )
            dv.add(f"{letter}2:{letter}{max(rows, DROPDOWN_ROWS) + 1}")
            ws.add_data_validation(dv)
    ws.freeze_panes = "A2"
    return ws


def workbook(tables: Mapping[str, pl.DataFrame] | None, year: int) -> bytes:
    """The year's workbook, empty (the template) or filled with ``tables``' rows."""
    spec = spec_for(year)
    wb = Workbook()
    _guidance(wb, spec)
    ranges = _lists_sheet(wb, spec)
    for name, table in spec.tables.items():
        frame = tables.get(name) if tables is not None else None
        ws = _table_sheet(wb, spec, name, ranges, frame.height if frame is not None else 0)
        if frame is None or frame.is_empty():
            continue
        columns = [c for c in table.columns if c in frame.columns]
        for r, values in enumerate(frame.select(columns).iter_rows(), start=2):
            for c, value in enumerate(values, start=1):
                if value is not None:
                    cell = ws.cell(row=r, column=c, value=str(value))
                    cell.number_format = "@"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def template(year: int) -> bytes:
    return workbook(None, year)
