"""The template's Guidance sheet and its hidden Lists sheet, generated from the spec.

The Guidance sheet is what lets an HR officer fill in the workbook without the guide: for
every column, what to record (in the guide's words), the format, the codes, and whether it
is mandatory for workers in post, leavers and agency workers.
"""

from __future__ import annotations

import math
import tomllib
from functools import cache
from importlib import resources

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.worksheet import Worksheet

from csww.rules.items import describe_format
from csww.sheets.layout import FIRST_DATA_ROW, SHEETS, la_summary, parts
from csww.sheets.printing import fit_width
from csww.sheets.values import spellings
from csww.sheets.wording import wording
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
    codes = spec.codes(item)
    short = spellings(codes)
    return "\n".join(
        choice(c, label) + (f" (or {' or '.join(short[c])})" if c in short else "")
        for c, label in codes.items()
    )


def example(item: Item, spec: Spec) -> str:
    """A code of the item's own list, to show what typing a code means."""
    if item.type == "la_code":
        return next(iter(sorted(spec.la_codes)), "")
    return next(iter(spec.codes(item)), "")


def short_title(name: str, limit: int = 32) -> str:
    """An input message's title (Excel keeps 32 characters): whole words, marked when cut."""
    if len(name) <= limit:
        return name
    words, title = name.split(), ""
    for word in words:
        if len(f"{title} {word}".strip()) > limit - 1:
            break
        title = f"{title} {word}".strip()
    return f"{title or name[: limit - 1]}…"


def dropdown_texts(item: Item, spec: Spec) -> tuple[str, str]:
    """(input message, error message) of a code column's dropdown, with the item's own
    example and the same short answers the reader accepts."""
    code = example(item, spec)
    short = [s for found in spellings(spec.codes(item)).values() for s in found]
    also = f", or {', '.join(short)}" if short else ""
    return (
        f"Choose from the list, or type the code (for example {code}) or the label{also}.",
        f"Not one of the list's choices. Choose from the list, or type the code (for example "
        f"{code}) or the label{also}.",
    )


def _format(item: Item, spec: Spec) -> str:
    if item.type == "code":
        return "A code from the list (choose from the dropdown, or type the code or the label)."
    if item.type == "date":
        return "A date: 2017-03-31, 31/03/2017, 31 March 2017, or a date cell."
    if item.type == "la_code":
        return "Three digits."
    if item.type == "year":
        return "Four digits."
    if item.type == "text" and not item.max_length:
        return "Text."
    return describe_format(item, spec)[0].upper() + describe_format(item, spec)[1:] + "."


def _agency_line(spec: Spec) -> str:
    """How a row is marked as an agency worker, in the words of the list the reader uses."""
    item = next((i for i in spec.worker.values() if i.codelist == "AgencyWorker"), None)
    if item is None:
        return ""
    codes = spec.codes(item)
    yes = next((c for c, label in codes.items() if label.casefold().startswith("yes")), None)
    if yes is None:
        return ""
    short = spellings(codes).get(yes, [])
    typed = f" (or type {' or '.join(short)})" if short else ""
    return f"{item.name} = {choice(yes, codes[yes])}{typed} marks an agency worker. "


INTRO = [
    "Fill in the Header sheet (your LA code), the LA level sheet ({la}) and the "
    "Workers sheet (one row per worker) from row {first}. Rows 1 and 2 name each item and say who it "
    "is mandatory for; do not rename, delete or merge the columns or sheets.",
    "Record every child and family social worker in post at 30 September, every leaver during the "
    "year ending 30 September, and every agency worker in post at 30 September. A worker with two "
    "roles has one row per role. A worker with a leaving date is a leaver. {agency}Everyone "
    "else is in post.",
    "Heading colours: dark blue = mandatory for everyone; mid blue = mandatory for some workers; "
    "light blue = voluntary or not applicable; grey = items copied exactly from an XML file.",
    "Codes: choose from the cell's dropdown, or type the code (for example {example}) or the "
    "label{short}. Dates: a date cell, or "
    "typed as {date_iso} or {date_uk} with a four-digit year. Record counts of zero as 0, not "
    "blank. Numbers: a value, or a formula whose result has no more decimal places than the "
    "item allows (round it with =ROUND(...)). Columns you add (a name column, say) are ignored. "
    "Blank rows are ignored.",
    "{after_filling} Every value that could not be read is reported with its cell.",
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
# Sized so that the table prints on A4 landscape, every column on the page, at about 70 %.
WIDTHS = (9, 8, 24, 19, 42, 26, 34, 11, 11, 11)


LINE_HEIGHT = 15  # points per line of 11-point text, as Excel and LibreOffice lay it out


def lines_needed(text: str, width: float) -> int:
    """How many lines ``text`` wraps to in a column ``width`` characters wide (an upper
    estimate: a spreadsheet does not grow a row to fit text it has wrapped)."""
    per_line = max(1, int(width * 1.1) - 1)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))


def _fit(ws: Worksheet, row: int, texts: list[tuple[str, float]]) -> None:
    lines = max((lines_needed(text, width) for text, width in texts), default=1)
    ws.row_dimensions[row].height = LINE_HEIGHT * lines


def write_guidance(ws: Worksheet, spec: Spec, year: int) -> None:
    ws.title = "Guidance"
    ws["A1"] = f"Children's social work workforce census {year}: how to fill in this workbook"
    ws["A1"].font = TITLE
    ws.row_dimensions[1].height = 2 * LINE_HEIGHT
    ws["A2"] = (
        f"Collection year {year} (year ending 30 September {year}). Items, codes and statuses from: {spec.guide}."
    )
    last = get_column_letter(len(COLUMNS))
    full_width = float(sum(WIDTHS))
    ws.merge_cells(f"A2:{last}2")
    ws["A2"].alignment = WRAP
    _fit(ws, 2, [(str(ws["A2"].value), full_width)])
    code_item = next((i for i in spec.worker.values() if i.type == "code"), None)
    typed = sorted(
        {s for i in spec.worker.values() for f in spellings(spec.codes(i)).values() for s in f},
        key=lambda s: (-len(s), s),
    )
    fields = {
        "short": f"; Yes and No answers may also be typed {', '.join(typed)}, in any case"
        if typed
        else "",
        "first": FIRST_DATA_ROW,
        "la": la_summary(spec),
        "agency": _agency_line(spec),
        "example": example(code_item, spec) if code_item else "",
        "after_filling": wording().after_filling,
        "date_iso": spec.reference_date.isoformat(),
        "date_uk": spec.reference_date.strftime("%d/%m/%Y"),
    }
    row = 4
    for line in INTRO:
        text = line.format(**fields)
        ws.cell(row=row, column=1, value=text).alignment = WRAP
        ws.merge_cells(f"A{row}:{last}{row}")
        _fit(ws, row, [(text, full_width)])
        row += 1
    row += 1
    for col, (heading, width) in enumerate(zip(COLUMNS, WIDTHS, strict=True), start=1):
        cell = ws.cell(row=row, column=col, value=heading)
        cell.font, cell.fill, cell.alignment = Font(bold=True, color="FFFFFF"), HEAD_FILL, WRAP
        ws.column_dimensions[get_column_letter(col)].width = width
    _fit(ws, row, list(zip(COLUMNS, WIDTHS, strict=True)))
    ws.freeze_panes = f"A{row + 1}"
    fit_width(ws, f"{row}:{row}")
    texts = definitions()
    for part in parts(spec).values():
        table = {"header": "header", "la": "la", "workers": "worker"}[part.key]
        for col, (element, item) in enumerate(part.items.items(), start=1):
            row += 1
            if part.key == "workers":
                status = [STATUS_LABELS[item.status_for(cat)] for cat in CATEGORIES]
            else:
                once = "Mandatory" if item.required else "Voluntary"
                status = [f"{once} (one per return)"] + [""] * 2
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
            _fit(ws, row, list(zip(values, WIDTHS, strict=True)))
