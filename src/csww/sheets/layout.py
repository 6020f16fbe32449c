"""Where each data item lives in a workbook or a set of CSV files, generated from the spec.

A workbook has one sheet per part of the return (header, LA-level vacancies, workers). Each
data sheet has the same three heading rows and then one record per row:

* row 1: the item's name as the guide writes it (what an HR officer reads);
* row 2: whether the item is mandatory, per category of worker;
* row 3 (hidden): the item's XML element name, for programs;
* row 4 onwards: data.

A CSV file has only row 1 (the names) and then data. Columns are recognised by their
heading, so a column may be moved, but not renamed, removed or added.

Items the columns cannot hold exactly (an element the specification does not know, a
repeated element, an element present but empty, or a value that reading would otherwise
change) are kept in pairs of "Other item" columns at the right: the element name, then its
text, taken exactly as written. That is what makes XML → workbook → XML exact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from openpyxl.utils import get_column_letter

from csww.spec import CATEGORIES, Item, Spec

PartKey = Literal["header", "la", "workers"]
PARTS: tuple[PartKey, ...] = ("header", "la", "workers")
SHEETS: dict[PartKey, str] = {"header": "Header", "la": "LA level", "workers": "Workers"}
CSV_FILES: dict[PartKey, str] = {
    "header": "header.csv",
    "la": "la_level.csv",
    "workers": "workers.csv",
}
GUIDANCE_SHEET = "Guidance"
LISTS_SHEET = "Lists"
ABOUT_SHEET = "About"
TEMPLATE_SHEETS = (GUIDANCE_SHEET, *SHEETS.values(), LISTS_SHEET, ABOUT_SHEET)

HEADING_ROW, STATUS_ROW, ELEMENT_ROW, FIRST_DATA_ROW = 1, 2, 3, 4
CSV_FIRST_DATA_ROW = 2

# Keys of the hidden About sheet (column A), values in column B.
ABOUT_YEAR = "Collection year"
ABOUT_MADE_BY = "Made by"
ABOUT_SPEC = "Specification"
ABOUT_LA_ABSENT = "LA-level section"
LA_ABSENT = "not in the XML file"
YEAR_NAME = "CSWW_TEMPLATE_YEAR"

OTHER = "Other item"
MESSAGE = "Message element"
_PAIR = re.compile(r"(other item|message element) (\d{1,4})( value)?", re.ASCII)
_DASHES = str.maketrans({"–": "-", "—": "-", "‒": "-", "−": "-"})

NUMBER_TYPES = ("decimal", "integer")

SHORT_CATEGORY = {"inpost": "in post", "leaver": "leavers", "agency": "agency"}


def normalise(text: str) -> str:
    """Headings compare without regard to case, dashes or runs of spaces."""
    return " ".join(text.translate(_DASHES).casefold().split())


def cell_ref(place: str, column: int, row: int) -> str:
    """A spreadsheet reference such as ``Workers!F12`` or ``'LA level'!A4``."""
    if re.fullmatch(r"[A-Za-z0-9_.]+", place):
        prefix = place
    else:
        prefix = "'" + place.replace("'", "''") + "'"
    return f"{prefix}!{get_column_letter(column)}{row}"


def split_ref(ref: str) -> tuple[str, str] | None:
    """``'LA level'!B4`` → ("LA level", "B4"); None when ``ref`` is not a cell reference."""
    m = re.fullmatch(r"(?:'((?:[^']|'')+)'|([^'!]+))!([A-Z]{1,3}\d{1,7})", ref)
    if m is None:
        return None
    return (m[1].replace("''", "'") if m[1] is not None else m[2]), m[3]


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a data sheet."""

    kind: Literal["item", "other", "other_value", "message", "message_value"]
    heading: str
    element: str = ""
    item: Item | None = None
    pair: int = 0


@dataclass(frozen=True)
class Part:
    key: PartKey
    sheet: str
    csv: str
    items: dict[str, Item]

    def item_columns(self) -> list[Column]:
        return [Column("item", item.name, element, item) for element, item in self.items.items()]


def parts(spec: Spec) -> dict[PartKey, Part]:
    tables = {"header": spec.header, "la": spec.la, "workers": spec.worker}
    return {key: Part(key, SHEETS[key], CSV_FILES[key], tables[key]) for key in PARTS}


def pair_columns(count: int, message: bool = False) -> list[Column]:
    """``count`` pairs of columns holding (element, text) exactly as written."""
    label = MESSAGE if message else OTHER
    kinds: (
        tuple[Literal["message", "message_value"], ...]
        | tuple[Literal["other", "other_value"], ...]
    )
    kinds = ("message", "message_value") if message else ("other", "other_value")
    out: list[Column] = []
    for n in range(1, count + 1):
        out.append(Column(kinds[0], f"{label} {n}", pair=n))
        out.append(Column(kinds[1], f"{label} {n} value", pair=n))
    return out


def status_text(item: Item, part: PartKey) -> str:
    """Row 2's words: who must give the item, and who should leave it blank."""
    if part == "header":
        if not item.required:
            return "Voluntary (may stay blank)"
        return "Mandatory" if item.element in ("LEA",) else "Mandatory (filled in when blank)"
    if part == "la":
        if not item.required:
            return "Voluntary (leave blank if none)"
        if item.type == "code":
            return "Mandatory (choose from the list)"
        if item.type in NUMBER_TYPES:
            return "Mandatory (record none as 0)"
        return "Mandatory"
    by: dict[str, list[str]] = {}
    for cat in CATEGORIES:
        by.setdefault(item.status_for(cat), []).append(SHORT_CATEGORY[cat])
    if by.get("mandatory") and len(by["mandatory"]) == len(CATEGORIES):
        return "Mandatory for everyone"
    words = []
    if by.get("mandatory"):
        words.append("Mandatory for " + ", ".join(by["mandatory"]))
    if by.get("conditional"):
        words.append("Mandatory when applicable for " + ", ".join(by["conditional"]))
    if by.get("voluntary"):
        words.append("Voluntary for " + ", ".join(by["voluntary"]))
    if by.get("not_applicable"):
        words.append("Leave blank for " + ", ".join(by["not_applicable"]))
    return "; ".join(words)


def la_summary(spec: Spec) -> str:
    """What the LA level sheet holds, counted from the year's items: "3 figures" before
    2025, and the pay and incentive codes as well from 2025."""
    items = list(spec.la.values())
    figures = [i for i in items if i.type in NUMBER_TYPES]
    codes = [i for i in items if i.type == "code"]
    words = [i for i in items if i not in figures and i not in codes]
    out = []
    if figures:
        out.append(f"{len(figures)} figure{'s' * (len(figures) != 1)}, recording none as 0")
    if codes:
        out.append(f"{len(codes)} code{'s' * (len(codes) != 1)} chosen from a list")
    for item in words:
        out.append(f"{item.name} in words" + ("" if item.required else " if any"))
    required = sum(i.required for i in items)
    head = f"one row of {len(items)} items, {required} of them mandatory: " if words else ""
    return head + "; ".join(out)


def importance(item: Item, part: PartKey) -> Literal["all", "some", "none"]:
    """How widely an item is mandatory: it picks the heading's colour."""
    if part != "workers":
        if not item.required:
            return "none"
        return "all" if item.element not in ("SoftwareCode", "DateTime") else "some"
    statuses = [item.status_for(cat) for cat in CATEGORIES]
    if all(s == "mandatory" for s in statuses):
        return "all"
    return "some" if any(s in ("mandatory", "conditional") for s in statuses) else "none"


@dataclass(frozen=True)
class Heading:
    """What a heading names: an item's element, or an "Other item" pair column."""

    kind: Literal["item", "other", "other_value", "message", "message_value"]
    element: str = ""
    pair: int = 0


def heading_index(part: Part) -> dict[str, str]:
    """Normalised heading → element, accepting the guide's name or the element name."""
    index: dict[str, str] = {}
    for element, item in part.items.items():
        index[normalise(item.name)] = element
        index[normalise(element)] = element
    return index


def recognise(heading: str, index: dict[str, str], part: PartKey) -> Heading | None:
    key = normalise(heading)
    if key in index:
        return Heading("item", index[key])
    m = _PAIR.fullmatch(key)
    if m is None:
        return None
    message = m[1] == "message element"
    if message and part != "header":
        return None
    if message:
        return Heading("message_value" if m[3] else "message", pair=int(m[2]))
    return Heading("other_value" if m[3] else "other", pair=int(m[2]))
