"""DfE's 903 CSV set into the 903's tables: each file recognised by its column set, whatever
its name (``episodes.csv``, ``903_Episodes_2025.csv``...), from a folder, a list of files or a
zip archive.

A column the table does not have, or a table column the file lacks, becomes a
:class:`StructureNote`; nothing is dropped in silence. Text that is not UTF-8 is read as
Windows-1252 with a note naming the first line that is not UTF-8.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import TYPE_CHECKING

from csww.cla.read.frames import TableBuilder
from csww.cla.read.layout import TableLayout, layout
from csww.cla.read.model import ClaReadError, StructureNote
from csww.core import Tables

if TYPE_CHECKING:
    from _csv import Reader as _CsvReader

# A field longer than this is not a 903 item (the longest is 13 characters).
FIELD_LIMIT = 64 * 1024


def column_letter(index: int) -> str:
    """1 -> A, 27 -> AA (as a spreadsheet names columns)."""
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def decode(data: bytes, place: str, notes: list[StructureNote]) -> str:
    """The text of a CSV file; a clear message (with the line) when it is not text."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ClaReadError(
            "The file is saved as UTF-16 ('Unicode text'); save it as 'CSV UTF-8 (Comma "
            "delimited)' and send it again.",
            place,
        )
    if data.startswith(b"PK\x03\x04"):
        raise ClaReadError(
            "The file is a spreadsheet (a zip), not a CSV file. Give it the .xlsx extension, or "
            "save it from Excel as 'CSV UTF-8'.",
            place,
        )
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise ClaReadError("The file holds binary data, so it is not a CSV file.", place, line)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        bad = data[: exc.start].count(b"\n") + 1
        raise ClaReadError(
            "The file is neither UTF-8 nor Windows-1252 text. Save it as 'CSV UTF-8'.", place, bad
        ) from None
    notes.append(StructureNote("encoding", "", "", place, line))
    return text


def recognise(headings: Iterable[str]) -> TableLayout | None:
    """The table whose columns the headings hold: every column, and the most columns; failing
    that, the table sharing the most columns (at least three, more than it lacks)."""
    found = {h.strip().upper() for h in headings if h.strip()}
    whole = [t for t in layout().tables if set(t.columns) <= found]
    if whole:
        whole.sort(key=lambda t: -len(t.columns))
        if len(whole) == 1 or len(whole[0].columns) > len(whole[1].columns):
            return whole[0]
        return None
    scored = []
    for t in layout().tables:
        have = len(set(t.columns) & found)
        lacks = len(set(t.columns) - found)
        distinct = set(t.columns) - {"CHILD", "DOB", "SEX"}
        if have >= 3 and have > lacks and distinct & found:
            scored.append((have - lacks, t))
    scored.sort(key=lambda s: -s[0])
    if scored and (len(scored) == 1 or scored[0][0] > scored[1][0]):
        return scored[0][1]
    return None


def read_csv_file(
    data: bytes, place: str, builder: TableBuilder, notes: list[StructureNote]
) -> str | None:
    """Add one CSV file's rows to its table; the table's name, or None when not recognised."""
    text = decode(data, place, notes)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    headings = _headings(reader, place)
    table = recognise(headings)
    if table is None:
        notes.append(StructureNote("unrecognised_file", "", ",".join(headings)[:200], place, 1))
        return None
    if builder.count(table.name):
        notes.append(StructureNote("repeated_table", "", "", place, 1, table.name))
    index = _column_index(headings, table, place, notes)
    _add_rows(reader, len(headings), index, table, place, builder, notes)
    return table.name


def _headings(reader: _CsvReader, place: str) -> list[str]:
    """Row 1, which must name the columns, comma-separated."""
    try:
        headings = next(reader, [])
    except csv.Error as exc:
        raise ClaReadError(f"The file is not a well-formed CSV file: {exc}.", place, 1) from None
    if not any(h.strip() for h in headings):
        raise ClaReadError(
            "The file has no heading row: row 1 must name the columns (CHILD, DOB, ...).", place, 1
        )
    if len(headings) == 1 and any(sep in headings[0] for sep in (";", "\t")):
        raise ClaReadError(
            "The file separates its columns with semicolons or tabs; 903 CSV files use commas. "
            "Save it from Excel as 'CSV UTF-8 (Comma delimited)'.",
            place,
            1,
        )
    return headings


def _column_index(
    headings: list[str], table: TableLayout, place: str, notes: list[StructureNote]
) -> dict[str, int]:
    """Each of the table's columns → its position; a note for each heading the table does not
    have, given twice, or missing."""
    known = set(table.columns)
    index: dict[str, int] = {}
    for i, name in enumerate(h.strip().upper() for h in headings):
        if not name:
            continue
        if name not in known:
            notes.append(StructureNote("unknown_column", name, "", place, 1, table.name))
        elif name in index:
            notes.append(StructureNote("unknown_column", name, "(repeated)", place, 1, table.name))
        else:
            index[name] = i
    for col in table.columns:
        if col not in index:
            notes.append(StructureNote("missing_column", col, "", place, 1, table.name))
    return index


def _add_rows(
    reader: _CsvReader,
    width: int,
    index: dict[str, int],
    table: TableLayout,
    place: str,
    builder: TableBuilder,
    notes: list[StructureNote],
) -> None:
    """Every data row into the table (blank rows skipped; cells past the headings noted)."""
    child_col = column_letter(index.get("CHILD", 0) + 1)
    line = 1
    try:
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                break
            line = start
            if not cells or not any(c.strip() for c in cells):
                continue
            if len(cells) > width and any(c.strip() for c in cells[width:]):
                notes.append(
                    StructureNote(
                        "ragged_row", "", ",".join(cells[width:]), place, line, table.name
                    )
                )
            values = {col: (cells[i] if i < len(cells) else None) for col, i in index.items()}
            builder.add(table.name, values, line=line, cell=f"{place}!{child_col}{line}")
    except csv.Error as exc:
        raise ClaReadError(
            f"The file is not a well-formed CSV file: {exc}.", place, reader.line_num or line
        ) from None


def read_csv_set(
    files: Iterable[tuple[str, bytes]],
) -> tuple[Tables, list[StructureNote], list[str]]:
    """Read ``(name, bytes)`` CSV files into tables. Raises :class:`ClaReadError` when no file
    holds a 903 table."""
    builder = TableBuilder()
    notes: list[StructureNote] = []
    read: list[str] = []
    before = csv.field_size_limit(FIELD_LIMIT)
    try:
        for place, data in files:
            if read_csv_file(data, place, builder, notes) is not None:
                read.append(place)
    finally:
        csv.field_size_limit(before)
    if not read:
        names = ", ".join(t.name for t in layout().tables)
        raise ClaReadError(
            "None of the files is a 903 table: each CSV file's first row must name the columns of "
            f"one of {names} (for example CHILD,DECOM,RNE,... for episodes)."
        )
    return builder.build(), notes, read
