"""A return into a filled template (.xlsx or CSV files), exactly, so that reading it back
gives the same return: ``read(xml) == read_workbook(to_workbook(read(xml)))``.

A value goes in its item's column when reading that column gives the same text back; any
other (an element the specification does not know, a repeated or empty element, a value
the reader would convert, such as a label in a code column) goes in an "Other item" pair,
taken exactly as written. Nothing is cleaned on the way: a supplier's mistakes stay
visible, for the LA to correct in the spreadsheet.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import Workbook

from csww.model import Record, Return
from csww.sheets.layout import CSV_FILES, PARTS, Part, PartKey, pair_columns, parts
from csww.sheets.template import Placement, Row, SheetData, build_workbook, template_data
from csww.sheets.values import read_text
from csww.spec import Spec
from csww.writer import spec_of

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _row(rec: Record, part: Part, spec: Spec) -> Row:
    row = Row()
    for element, text in rec.values.items():
        item = part.items.get(element)
        if (
            item is not None
            and text
            and text == text.strip()
            and read_text(text, item, spec).text == text
        ):
            row.values[element] = text
        else:
            row.pairs.append((element, text))
    row.pairs.extend(rec.extras)
    return row


def split(ret: Return, spec: Spec) -> SheetData:
    """The return as rows of cells in the template's layout."""
    layout = parts(spec)
    return SheetData(
        header=_row(ret.header, layout["header"], spec),
        la=None if ret.la is None else _row(ret.la, layout["la"], spec),
        workers=[_row(w, layout["workers"], spec) for w in ret.workers],
        message=list(ret.extras),
        year=ret.year or spec.year,
    )


def to_workbook(ret: Return, spec: Spec | None = None) -> tuple[Workbook, Placement]:
    spec = spec or spec_of(ret)
    return build_workbook(spec, split(ret, spec))


def write_workbook(ret: Return, path: str | Path, spec: Spec | None = None) -> Placement:
    wb, placement = to_workbook(ret, spec)
    wb.save(path)
    return placement


# ------------------------------------------------------------------ CSV


def escape(text: str) -> str:
    """Protect text a spreadsheet would run as a formula by a leading apostrophe.

    Reversible (see :func:`unescape`): text already starting with apostrophes before such a
    character gets one more, so every value comes back exactly.
    """
    return "'" + text if _needs_quote(text) else text


def unescape(text: str) -> str:
    return text[1:] if text.startswith("'") and _needs_quote(text[1:]) else text


def _needs_quote(text: str) -> bool:
    bare = text.lstrip("'")
    if not bare.startswith(_FORMULA_START):
        return False
    # A plain signed number (no apostrophe before it) is not a formula.
    plain_number = bare[0] in "+-" and bare[1:].replace(".", "", 1).isdigit()
    return text.startswith("'") or not plain_number


def csv_rows(
    part: Part, rows: list[Row], message: list[tuple[str, str]] | None = None
) -> list[list[str]]:
    """The CSV file's rows: headings (the guide's names), then one row per record."""
    width = max((len(r.pairs) for r in rows), default=0)
    headings = [item.name for item in part.items.values()]
    headings += [c.heading for c in pair_columns(width)]
    if message:
        headings += [c.heading for c in pair_columns(len(message), message=True)]
    out = [headings]
    for n, row in enumerate(rows):
        cells = [row.values.get(element, "") for element in part.items]
        for element, text in row.pairs:
            cells += [element, text]
        cells += [""] * (2 * (width - len(row.pairs)))
        if message and n == 0:
            for element, text in message:
                cells += [element, text]
        out.append([escape(c) for c in cells])
    return out


def csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def csv_files(data: SheetData, spec: Spec) -> dict[str, str]:
    """File name → contents of header.csv, la_level.csv and workers.csv."""
    layout = parts(spec)
    rows: dict[PartKey, list[Row]] = {
        "header": [data.header],
        "la": [] if data.la is None else [data.la],
        "workers": data.workers,
    }
    return {
        CSV_FILES[key]: csv_text(
            csv_rows(layout[key], rows[key], data.message if key == "header" else None)
        )
        for key in PARTS
    }


def write_csv_dir(ret: Return | None, folder: str | Path, spec: Spec | None = None) -> list[Path]:
    """Write the three CSV files (UTF-8 with a byte-order mark, which Excel recognises)."""
    if ret is None:
        assert spec is not None
        data = template_data(spec)
        data.la = None
    else:
        spec = spec or spec_of(ret)
        data = split(ret, spec)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in csv_files(data, spec).items():
        path = folder / name
        path.write_text(text, encoding="utf-8-sig", newline="")
        written.append(path)
    return written
