"""Read a return from CSV files: header.csv, la_level.csv and workers.csv.

Give the folder, or any one of the files (the others are looked for beside it). A file with
another name is recognised by its headings. Row 1 holds the headings (the guide's item names,
or the XML element names), data starts on row 2, and issues point at cells such as
``workers.csv!F12``, as the file appears when opened in a spreadsheet.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from csww.model import Record, Return
from csww.report.model import Issue
from csww.rules.notes import reading_rule
from csww.rules.registry import RULES
from csww.sheets.convert import unescape
from csww.sheets.layout import (
    CSV_FILES,
    CSV_FIRST_DATA_ROW,
    PARTS,
    PartKey,
    heading_index,
    normalise,
    parts,
    recognise,
)
from csww.sheets.rows import Grid, SheetError, build
from csww.sheets.wording import shown, wording
from csww.sheets.workbook_reader import OLE_MAGIC, SheetResult
from csww.spec import Spec, UnknownYear, available_years, spec_for


def _decode(path: Path, issues: list[Issue]) -> str:
    data = path.read_bytes()
    if data.startswith((b"PK\x03\x04", OLE_MAGIC)):
        raise SheetError(
            f"{shown(path)} is an Excel workbook, not a CSV file. Give it the .xlsx extension, or "
            "save it from Excel as 'CSV UTF-8'."
        )
    if b"\x00" in data:
        raise SheetError(
            f"{shown(path)} is not a text file (it holds binary data), so it is not a CSV file."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise SheetError(
            f"{shown(path)} is neither UTF-8 nor Windows-1252 text. Save it as 'CSV UTF-8'."
        ) from None
    rule = RULES[reading_rule("not_utf8", "file")]
    issues.append(
        Issue(rule=rule.id, severity=rule.severity, message=rule.message, cell=f"{shown(path)}!A1")
    )
    return text


def _grid(path: Path, issues: list[Issue]) -> Grid:
    text = _decode(path, issues)
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise SheetError(f"{shown(path)} is not a well-formed CSV file: {exc}.") from None
    if not records or not any(c.strip() for c in records[0]):
        raise SheetError(
            f"{shown(path)} has no heading row: row 1 must name the items, one per column."
        )
    headings = {col: h.strip() for col, h in enumerate(records[0], start=1) if h.strip()}
    if len(headings) == 1 and any(sep in records[0][0] for sep in (";", "\t")):
        raise SheetError(
            f"{shown(path)} separates its columns with semicolons or tabs; CSV files here must use "
            "commas. Save it from Excel as 'CSV UTF-8 (Comma delimited)'."
        )
    rows: list[tuple[int, list[object]]] = []
    for number, cells in enumerate(records[1:], start=CSV_FIRST_DATA_ROW):
        if cells:  # an empty line is not a row of data
            rows.append((number, [unescape(c) for c in cells]))
    return Grid(place=shown(path), headings=headings, rows=rows, first_row=CSV_FIRST_DATA_ROW)


def _which(path: Path, spec: Spec) -> PartKey | None:
    """Which part of the return a CSV file holds, by its headings."""
    for key, name in CSV_FILES.items():
        if path.name.lower() == name:  # the file's own name, not the one shown
            return key
    try:
        first = next(
            csv.reader(
                io.StringIO(path.read_text(encoding="utf-8-sig", errors="replace"), newline="")
            ),
            [],
        )
    except csv.Error:
        return None
    found = {normalise(h) for h in first if h.strip()}
    for key, part in parts(spec).items():
        index = heading_index(part)
        if (
            found
            and all(recognise(h, index, key) is not None for h in found)
            and found & set(index)
        ):
            return key
    return None


def _files(path: Path, spec: Spec) -> dict[PartKey, Path]:
    if path.is_dir():
        files = {key: path / name for key, name in CSV_FILES.items() if (path / name).is_file()}
        if not files:
            raise SheetError(
                f"The folder {path} holds none of {', '.join(CSV_FILES.values())}: give the folder "
                "that holds the CSV files, or one of the files."
            )
        return files
    if not path.is_file():
        raise SheetError(f"{path} does not exist.")
    key = _which(path, spec)
    if key is None:
        raise SheetError(
            f"{shown(path)} is not one of the template's CSV files: its headings are not those of "
            f"header.csv, la_level.csv or workers.csv. {wording().csv_template}"
        )
    files = {
        k: path.parent / name for k, name in CSV_FILES.items() if (path.parent / name).is_file()
    }
    files[key] = path
    return files


def _peek_year(path: Path | None) -> int | None:
    """The Year written in header.csv, to pick the specification before reading the rest."""
    if path is None:
        return None
    try:
        rows = list(
            csv.reader(
                io.StringIO(path.read_text(encoding="utf-8-sig", errors="replace"), newline="")
            )
        )
    except (csv.Error, OSError):
        return None
    if len(rows) < 2:
        return None
    for heading, value in zip(rows[0], rows[1], strict=False):
        if normalise(heading) == "year" and value.strip().isdigit() and len(value.strip()) == 4:
            return int(value.strip())
    return None


def header_year(path: str | Path) -> int | None:
    """The Year in a CSV return's header file (``None`` when there is none to read)."""
    try:
        files = _files(Path(path), spec_for(None))
    except SheetError:
        return None
    return _peek_year(files.get("header"))


def _spec(year: int | None) -> Spec:
    try:
        return spec_for(year)
    except UnknownYear:
        raise SheetError(
            f"There is no specification for {year}: csww knows the collection years "
            f"{available_years()[0]} to {available_years()[-1]}."
        ) from None


def read_csv_with_issues(path: str | Path, *, year: int | None = None) -> SheetResult:
    """Read CSV files; raises :class:`SheetError` when they cannot be read as a return."""
    path = Path(path)
    guess = _spec(year)
    files = _files(path, guess)
    spec = _spec(year or _peek_year(files.get("header")))
    layout = parts(spec)
    issues: list[Issue] = []
    ret = Return()
    workers_cell = None
    for key in PARTS:
        file = files.get(key)
        if file is None:
            continue
        grid = _grid(file, issues)
        built = build(layout[key], grid, spec, single=key != "workers")
        issues.extend(i for _n, i in built.issues)
        if key == "header":
            ret.header = built.records[0]
            ret.extras = built.message_extras
        elif key == "la":
            ret.la = built.records[0] if grid.rows else None
        else:
            ret.workers = built.records
            workers_cell = grid.ref(1, grid.first_row)
    ret.workers_cell = workers_cell
    if "header" not in files:
        ret.header = Record()
    return SheetResult(ret, issues, None, str(path), workers_cell)


def read_csv(path: str | Path) -> Return:
    """The return CSV files hold (conversion issues are dropped; see the function above)."""
    return read_csv_with_issues(path).ret
