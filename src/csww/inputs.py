"""The front door into the core: what kind of return a path holds, and which collection year.

Every edge (the command line, the spreadsheets, the portal, the statistics, synth) asks here,
once, and gets one answer: the kind (XML, an ``.xlsx`` workbook, CSV files) and the year,
taken from the return's header or the year the user gave. A year that contradicts the
header, a year before the first worker-level census, or a year with no specification is
refused with a message that says what to do; a return is never checked against another
year's rules in silence.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from csww.model import Record, Return
from csww.reader import DEFAULT_MAX_BYTES, ReadError, Source, iter_events
from csww.report.model import ReadFailure, Report
from csww.spec import Spec, available_years, load_spec, year_problem
from csww.values import is_year

Kind = Literal["xml", "xlsx", "csv"]
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
SHEET_SUFFIXES = (*WORKBOOK_SUFFIXES, ".xls", ".ods", ".csv")
RETURN_SUFFIXES = (".xml", *SHEET_SUFFIXES)
Progress = Callable[[int], None]


class Refused(Exception):
    """The input cannot be checked as asked; ``message`` says why and what to do next."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


@dataclass(frozen=True, slots=True)
class Input:
    """A return the front door has accepted: where it is, its kind, and its year."""

    path: Path
    kind: Kind
    year: int
    spec: Spec
    name: str

    @property
    def label(self) -> str:
        return {"xml": "XML return", "xlsx": "workbook", "csv": "CSV return"}[self.kind]


def kind_of(path: Path) -> Kind:
    """The kind of return at ``path``, from its name (a folder holds CSV files)."""
    if path.is_dir():
        return "csv"
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in WORKBOOK_SUFFIXES:
        return "xlsx"
    if suffix == ".xls":
        raise Refused(
            f"{path.name} is an old Excel .xls file. Open it in Excel or LibreOffice and save it "
            "as 'Excel Workbook (.xlsx)', then check that file."
        )
    if suffix == ".ods":
        raise Refused(
            f"{path.name} is an OpenDocument spreadsheet. Save it as 'Excel Workbook (.xlsx)' "
            "and check that file."
        )
    return "xml"


def decide_year(requested: int | None, found: int | None, name: str) -> int:
    """The collection year to check against, or :class:`Refused` saying why there is none.

    ``found`` is the year the return itself gives (its header); ``requested`` the one the user
    or the collection gave.
    """
    for year in (requested, found):
        problem = year_problem(year)
        if problem is not None:
            source = "--year" if year == requested else f"{name}'s header"
            raise Refused(f"{source} gives the collection year {year}. {problem}")
    if requested is not None and found is not None and requested != found:
        raise Refused(
            f"{name}'s header says it is the {found} return, but the {requested} collection "
            f"was asked for. Check that this is the right file; if it is, correct its header "
            f"Year (or give --year {found} to check it as a {found} return)."
        )
    year = requested if requested is not None else found
    if year is None:
        raise Refused(
            f"{name} does not say which collection year it is (its header has no readable "
            f"Year). Give the year with --year, for example --year {available_years()[-1]}."
        )
    return year


def header_year(path: Source, max_bytes: int = DEFAULT_MAX_BYTES) -> int | None:
    """The Year an XML return's header gives (``None`` when it gives none it can read).

    Streams only as far as the header, which comes first in a well-formed return; raises
    :class:`~csww.reader.ReadError` when the file cannot be read that far."""
    for kind, value in iter_events(path, max_bytes=max_bytes):
        if kind == "header" and isinstance(value, Record):
            text = value.values.get("Year", "")
            return int(text) if is_year(text) else None
    return None


def open_input(path: str | Path, year: int | None = None) -> Input:
    """Accept a return for checking: decide its kind and year once, or refuse."""
    path = Path(path)
    if not path.exists():
        raise Refused(f"{path} does not exist: check the name and the folder.")
    kind = kind_of(path)
    try:
        found = header_year(path) if kind == "xml" else _sheet_year(path, kind, year)
    except ReadError as exc:
        if year is None:  # the file's own fault comes first, with where it is
            raise Refused(exc.message, exc.line, exc.column) from None
        found = None  # checking it with the year given reports the same fault
    except Exception as exc:  # a spreadsheet that cannot be read says why, at the cell
        from csww.sheets.rows import SheetError

        if not isinstance(exc, SheetError):
            raise
        raise Refused(exc.message) from None

    decided = decide_year(year, found, path.name)
    return Input(path=path, kind=kind, year=decided, spec=load_spec(decided), name=path.name)


def _sheet_year(path: Path, kind: Kind, requested: int | None) -> int | None:
    """The year a workbook or CSV return gives: its template's year, else its Header Year."""
    from csww.sheets.peek import sheet_year

    return sheet_year(path, kind, requested)


def validate_input(
    inp: Input,
    *,
    previous: str | Path | None = None,
    progress: Progress | None = None,
) -> Report:
    """Validate an accepted return against its year's rules."""
    if inp.kind == "xml":
        from csww.engine import validate

        return validate(inp.path, year=inp.year, progress=progress, previous=previous)
    from csww.sheets.validate import validate_sheet

    return validate_sheet(inp.path, year=inp.year, previous=previous)


def validate_path(
    path: str | Path,
    year: int | None = None,
    *,
    previous: str | Path | None = None,
    progress: Progress | None = None,
) -> Report:
    """Validate whatever return is at ``path``; a refusal becomes a report's ``fatal``."""
    try:
        inp = open_input(path, year)
    except Refused as exc:
        return Report(source=str(path), fatal=ReadFailure(exc.message, exc.line, exc.column))
    return validate_input(inp, previous=previous, progress=progress)


def validate(
    source: Source,
    *,
    year: int | None = None,
    progress: Progress | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    previous: Source | None = None,
) -> Report:
    """The library's one call: validate a return from a path (XML, a workbook, CSV files or
    a folder of them), or XML as bytes or a binary stream.

    A spreadsheet goes the way ``csww validate`` takes it (:func:`validate_path`), so it
    gets the same issues; XML streams through the engine (a return whose header gives no
    year is checked against the latest year, with a note saying so)."""
    from csww.engine import validate as validate_xml

    if isinstance(source, str | os.PathLike):
        path = Path(source)
        try:
            kind = kind_of(path) if path.exists() else "xml"
        except Refused as exc:
            return Report(source=str(path), fatal=ReadFailure(exc.message))
        if kind != "xml":
            prior = Path(previous) if isinstance(previous, str | os.PathLike) else None
            return validate_path(path, year, previous=prior, progress=progress)
    return validate_xml(
        source, year=year, progress=progress, max_bytes=max_bytes, previous=previous
    )


def read_input(inp: Input) -> Return:
    """The return an accepted input holds, as a model (for converting, statistics, forms)."""
    if inp.kind == "xml":
        from csww.reader import read

        return read(inp.path)
    from csww.sheets.validate import read_sheet

    return read_sheet(inp.path, year=inp.year).ret
