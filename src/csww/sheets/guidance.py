"""The template's Guidance sheet and its hidden Lists sheet, generated from the spec.

The Guidance sheet is what lets an HR officer fill in the workbook without the guide: for
every column, what to record (in the guide's words), the format, the codes, and whether it
is mandatory for workers in post, leavers and agency workers.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.worksheet import Worksheet

from csww.rules.items import describe_format
from csww.sheets.layout import FIRST_DATA_ROW, SHEETS, parts
from csww.spec import CATEGORIES, STATUS_LABELS, Item, Spec

DASH = " – "
TITLE = Font(bold=True, size=14)
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
HEAD_FILL = PatternFill("solid", fgColor="1F4E79")


@cache
def definitions() -> dict[str, dict[str, str]]:
    text = resources.files(__package__).joinpath("data", "guidance.toml").read_text("utf-8")
    return tomllib.loads(text)


def choice(code: str, label: str) -> str:
    """How a code appears in a dropdown: "code – label"."""
    return f"{code}{DASH}{label}"


def write_lists(ws: Worksheet, spec: Spec) -> dict[str, str]:
    """One column per code list (and the LA codes); returns list name → cell range."""
    lists: dict[str, dict[str, str]] = {}
    for item in spec.worker.values():
        if item.codelist:
            lists.setdefault(item.codelist, spec.codes(item))
    lists["LA"] = dict(sorted(spec.la_codes.items()))
    ranges = {}
    for col, (name, codes) in enumerate(lists.items(), start=1):
        ws.cell(row=1, column=col, value=name).font = BOLD
        for row, (code, label) in enumerate(codes.items(), start=2):
            cell = ws.cell(row=row, column=col, value=choice(code, label))
            cell.data_type = "s"
        letter = get_column_letter(col)
        ranges[name] = f"{quote_sheetname(ws.title)}!${letter}$2:${letter}${len(codes) + 1}"
        ws.column_dimensions[letter].width = 40
    return ranges


def _codes(item: Item, spec: Spec) -> str:
    if item.type == "la_code":
        return "Your LA's code, from the dropdown (the guide's annex of LA codes)."
    return "\n".join(choice(c, label) for c, label in spec.codes(item).items())


def _format(item: Item, spec: Spec) -> str:
    if item.type == "code":
        return "A code from the list (choose from the dropdown, or type the code or the label)."
    if item.type == "date":
        return "A date: 2017-03-31, 31/03/2017, 31 March 2017, or a date cell."
    if item.type == "la_code":
        return "Three digits."
    if item.type == "year":
        return "Four digits."
    return describe_format(item, spec)[0].upper() + describe_format(item, spec)[1:] + "."


INTRO = [
    "Fill in the Header sheet (your LA code), the LA level sheet (three vacancy figures) and the "
    "Workers sheet (one row per worker) from row {first}. Rows 1 and 2 name each item and say who it "
    "is mandatory for; do not rename, delete or merge the columns or sheets.",
    "Record every child and family social worker in post at 30 September, every leaver during the "
    "year ending 30 September, and every agency worker in post at 30 September. A worker with two "
    "roles has one row per role. A worker with a leaving date is a leaver; Agency worker = Yes "
    "marks an agency worker; everyone else is in post.",
    "Heading colours: dark blue = mandatory for everyone; mid blue = mandatory for some workers; "
    "light blue = voluntary or not applicable; grey = items copied exactly from an XML file.",
    "Codes: choose from the cell's dropdown, or type the code (for example 1) or the label. Dates: "
    "a date cell, or typed as 2017-03-31 or 31/03/2017 with a four-digit year. Record counts of "
    "zero as 0, not blank. Blank rows are ignored.",
    "Then make the XML: csww generate this-file.xlsx -o return.xml, or check it first with "
    "csww validate this-file.xlsx. Every value that could not be read is reported with its cell.",
]

COLUMNS = (
    "Sheet",
    "Column",
    "Data item (as in the guide)",
    "XML element",
    "What to record",
    "Format",
    "Codes",
    "Workers in post",
    "Leavers",
    "Agency workers",
)
WIDTHS = (10, 8, 30, 18, 60, 34, 44, 14, 14, 14)


def write_guidance(ws: Worksheet, spec: Spec, year: int) -> None:
    ws.title = "Guidance"
    ws["A1"] = f"Children's social work workforce census {year}: how to fill in this workbook"
    ws["A1"].font = TITLE
    ws["A2"] = (
        f"Collection year {year} (year ending 30 September {year}). Items, codes and statuses from: {spec.guide}."
    )
    row = 4
    for line in INTRO:
        ws.cell(row=row, column=1, value=line.format(first=FIRST_DATA_ROW)).alignment = Alignment(
            wrap_text=False
        )
        row += 1
    row += 1
    for col, (heading, width) in enumerate(zip(COLUMNS, WIDTHS, strict=True), start=1):
        cell = ws.cell(row=row, column=col, value=heading)
        cell.font, cell.fill, cell.alignment = Font(bold=True, color="FFFFFF"), HEAD_FILL, WRAP
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = f"A{row + 1}"
    texts = definitions()
    for part in parts(spec).values():
        table = {"header": "header", "la": "la", "workers": "worker"}[part.key]
        for col, (element, item) in enumerate(part.items.items(), start=1):
            row += 1
            if part.key == "workers":
                status = [STATUS_LABELS[item.status_for(cat)] for cat in CATEGORIES]
            else:
                status = ["Mandatory (one per return)"] + [""] * 2
            values = [
                SHEETS[part.key],
                get_column_letter(col),
                item.name,
                element,
                texts.get(table, {}).get(element, ""),
                _format(item, spec),
                _codes(item, spec),
                *status,
            ]
            for n, value in enumerate(values, start=1):
                cell = ws.cell(row=row, column=n, value=value)
                cell.alignment = WRAP
                cell.data_type = "s"
