"""Rows of cells into records: shared by the workbook and the CSV readers.

A reader hands over a :class:`Grid` (the headings and the data rows of one sheet or file);
this module recognises the columns, refuses a sheet whose columns are not the template's
(one clear :class:`SheetError`), and turns every row into a :class:`~csww.model.Record`
with the cell of every item, plus an issue for every value it could not convert.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

from csww.model import Record
from csww.report.model import Issue
from csww.rules.notes import reading_rule
from csww.rules.registry import RULES
from csww.rules.spreadsheet import message
from csww.sheets.layout import Heading, Part, cell_ref, heading_index, recognise
from csww.sheets.values import read_cell
from csww.sheets.wording import wording
from csww.spec import Item, Spec
from csww.values import decimal_places, parse_decimal
from csww.xmlsafe import control_character, unwritable

XML_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")


class SheetError(Exception):
    """The spreadsheet cannot be read as a return; ``str()`` says why, where and what to do."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


@dataclass
class Grid:
    """One sheet or CSV file: its headings and data rows, as the reader found them."""

    place: str
    headings: dict[int, str]
    rows: list[tuple[int, list[object]]]
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    first_row: int = 2
    heading_row: int = 1

    def ref(self, column: int, row: int) -> str:
        return cell_ref(self.place, column, row)


@dataclass
class Built:
    """Records read from one grid, with the issues met while converting their cells."""

    records: list[Record]
    issues: list[tuple[int | None, Issue]]
    message_extras: list[tuple[str, str]] = field(default_factory=list)


def map_columns(part: Part, grid: Grid) -> tuple[dict[int, Heading], dict[int, str]]:
    """Column number → what it holds, and the headed columns that are not the template's
    (ignored, with a note); a :class:`SheetError` when the template's columns are not all
    there once each."""
    index = heading_index(part)
    csv_file = grid.place.lower().endswith(".csv")
    where_ = grid.place if csv_file else f"Sheet '{grid.place}'"
    columns: dict[int, Heading] = {}
    ignored: dict[int, str] = {}
    seen: dict[tuple[str, str, int], int] = {}
    for col, text in sorted(grid.headings.items()):
        _writable(text, grid.ref(col, grid.heading_row), "heading")
        heading = recognise(text, index, part.key)
        letter = get_column_letter(col)
        if heading is None:
            ignored[col] = text
            continue
        key = (heading.kind, heading.element, heading.pair)
        if key in seen:
            raise SheetError(
                f"{where_} has two columns headed '{text}' ({get_column_letter(seen[key])} "
                f"and {letter}). Keep one of them."
            )
        seen[key] = col
        columns[col] = heading
    present = {h.element for h in columns.values() if h.kind == "item"}
    missing = [item.name for element, item in part.items.items() if element not in present]
    if missing:
        others = ", ".join(f"{get_column_letter(c)} ('{t}')" for c, t in ignored.items())
        renamed = (
            f" Columns it does not recognise: {others}; if one of them is a renamed column, give "
            "it back its heading from the template (the item's name as in the guide)."
            if others
            else ""
        )
        raise SheetError(
            f"{where_} has no column for: {', '.join(missing)}. Add the missing "
            "columns back with these headings (they may stay empty), or copy the data into "
            f"{wording().fresh_template}.{renamed}"
        )
    for kind, partner in (("other", "other_value"), ("message", "message_value")):
        names = {h.pair for h in columns.values() if h.kind == kind}
        values = {h.pair for h in columns.values() if h.kind == partner}
        if names != values:
            n = min(names ^ values)
            label = "Other item" if kind == "other" else "Message element"
            raise SheetError(
                f"{where_} has '{label} {n}' without its partner column: keep both "
                f"'{label} {n}' (the element) and '{label} {n} value' (its text), or neither."
            )
    for row, cells in grid.rows:
        for col, value in enumerate(cells, start=1):
            if (
                col not in columns
                and col not in ignored
                and value is not None
                and str(value).strip()
            ):
                raise SheetError(
                    f"{where_} has a value in column {get_column_letter(col)} "
                    f"(at {grid.ref(col, row)}) but that column has no heading. Delete the value, "
                    "or move it to the column of the item it belongs to."
                )
    return columns, ignored


def _blank(cells: list[object], columns: dict[int, Heading]) -> bool:
    for col in columns:
        value = cells[col - 1] if col <= len(cells) else None
        if value is not None and str(value).strip():
            return False
    return True


def build(part: Part, grid: Grid, spec: Spec, *, single: bool = False) -> Built:
    """Every non-blank row as a record. ``single`` parts (header, LA level) allow one row."""
    columns, ignored = map_columns(part, grid)
    items = [(col, h.element) for col, h in sorted(columns.items()) if h.kind == "item"]
    others = _pairs(columns, "other", "other_value")
    message_pairs = _pairs(columns, "message", "message_value")
    records: list[Record] = []
    issues: list[tuple[int | None, Issue]] = [
        (None, _ignored_column(grid, col, text)) for col, text in ignored.items()
    ]
    message_extras: list[tuple[str, str]] = []
    rows = [(row, cells) for row, cells in grid.rows if not _blank(cells, columns)]
    if single and len(rows) > 1:
        raise SheetError(
            f"Sheet '{grid.place}' must hold one row of data, but rows {rows[0][0]} and "
            f"{rows[1][0]} both hold values. Keep the figures in row {rows[0][0]} only."
        )
    if single and not rows:
        rows = [(grid.first_row, [])]
    for row, cells in rows:
        index = len(records) + 1 if part.key == "workers" else None
        rec = Record(cell=grid.ref(1, row))
        pending: list[tuple[str, str, str, str]] = []
        for col, element in items:
            ref = grid.ref(col, row)
            rec.cells[element] = ref
            value = cells[col - 1] if col <= len(cells) else None
            reading = read_cell(value, part.items[element], spec)
            if reading is None:
                continue
            _writable(reading.text, ref, part.items[element].name)
            rec.values[element] = reading.text
            rule_id = reading.rule or _too_precise(part.items[element], reading.text)
            if rule_id is not None:
                pending.append((rule_id, element, reading.text, ref))
        for element, text, ref in _pair_values(others, cells, grid, row, spec):
            if element in rec.values:
                rec.extras.append((element, text))
            else:
                rec.values[element] = text
                rec.cells[element] = ref
        message_extras.extend(
            (e, t) for e, t, _ref in _pair_values(message_pairs, cells, grid, row, spec)
        )
        worker = rec.values.get("SWENo") if index is not None else None
        for rule_id, element, text, ref in pending:
            rule = RULES[rule_id]
            issues.append(
                (
                    index,
                    Issue(
                        rule=rule_id,
                        severity=rule.severity,
                        message=message(
                            rule_id, part.items[element].name, places=part.items[element].dp
                        ),
                        worker=worker,
                        record=index,
                        field=element,
                        value=text,
                        cell=ref,
                    ),
                )
            )
        records.append(rec)
    return Built(records, issues, message_extras)


def _too_precise(item: Item, text: str) -> str | None:
    """Rule 961 for a number with more decimal places than its item allows."""
    if item.type != "decimal" or item.dp is None or parse_decimal(text) is None:
        return None
    return reading_rule("too_precise") if decimal_places(text) > item.dp else None


def _ignored_column(grid: Grid, col: int, text: str) -> Issue:
    rule = RULES[reading_rule("ignored_column", "sheet")]
    return Issue(
        rule=rule.id,
        severity=rule.severity,
        message=message(rule.id, text),
        value=text,
        cell=grid.ref(col, grid.heading_row),
    )


def _pairs(columns: dict[int, Heading], name: str, value: str) -> list[tuple[int, int]]:
    names = {h.pair: col for col, h in columns.items() if h.kind == name}
    values = {h.pair: col for col, h in columns.items() if h.kind == value}
    return [(names[n], values[n]) for n in sorted(names)]


def _pair_values(
    pairs: list[tuple[int, int]], cells: list[object], grid: Grid, row: int, spec: Spec
) -> list[tuple[str, str, str]]:
    """(element, text, cell of the text) for each filled pair, text exactly as written."""
    out = []
    for name_col, value_col in pairs:
        name = cells[name_col - 1] if name_col <= len(cells) else None
        value = cells[value_col - 1] if value_col <= len(cells) else None
        element = "" if name is None else str(name).strip()
        reading = read_cell(value, None, spec) if not isinstance(value, str) else None
        text = value if isinstance(value, str) else ("" if reading is None else reading.text)
        if not element:
            if text.strip():
                raise SheetError(
                    f"{grid.ref(value_col, row)} holds a value but {grid.ref(name_col, row)} names "
                    "no element for it. Give the element's name, or clear both cells."
                )
            continue
        if not XML_NAME.fullmatch(element) or element.lower().startswith("xml"):
            raise SheetError(
                f"{grid.ref(name_col, row)} holds '{element}', which is not an XML element name "
                "(letters, digits and _ only, no spaces). Correct it or clear both cells."
            )
        _writable(text, grid.ref(value_col, row), element)
        out.append((element, text, grid.ref(value_col, row)))
    return out


def _writable(text: str, ref: str, what: str) -> None:
    """A :class:`SheetError` when ``text`` holds a character no return can carry (a control
    character, pasted from another program, that XML has no way to write)."""
    found = unwritable(text)
    if found is not None:
        raise SheetError(
            f"{control_character(f'{ref} ({what})', found)} Retype the cell's value, then "
            "try again."
        )
