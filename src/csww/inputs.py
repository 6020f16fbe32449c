"""The front door into the core: what kind of return a path holds, and which collection year.

Every edge (the command line, the spreadsheets, the portal, the statistics, synth) asks here,
once, and gets one answer: the kind (XML, an ``.xlsx`` workbook, CSV files) and the year,
taken from the return's header or the year the user gave. A year that contradicts the
header, a year before the first worker-level census, a year with no specification, and a
return that gives no year when none was given are refused with a message that says what to
do; a return is never checked against a year it did not ask for.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from csww.model import Record, Return
from csww.reader import DEFAULT_MAX_BYTES, ReadError, Source, StructureNote, iter_events
from csww.report.model import Issue, ReadFailure, Report
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


class Unreadable(Refused):
    """The file itself cannot be read (not well-formed, hostile, not a return, a sheet that
    is not the template): the message says where and what to fix."""


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


def claimed_kind(name: str) -> Kind | None:
    """The kind a file's name claims (``None`` for a name no return has): what the portal
    compares with an upload's content, and what :func:`kind_of` starts from."""
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in WORKBOOK_SUFFIXES:
        return "xlsx"
    return "xml" if suffix == ".xml" else None


def kind_of(path: Path) -> Kind:
    """The kind of return at ``path``, from its name: a folder holds CSV files; an .xls is
    read as a workbook, whose reader says from its content what it really is (an old Excel
    file, a renamed .xlsx, a password-protected one); a name no return has is read as XML,
    which says what it is if it is not."""
    if path.is_dir():
        return "csv"
    if path.suffix.lower() == ".ods":
        raise Refused(
            f"{path.name} is an OpenDocument spreadsheet. Save it as 'Excel Workbook (.xlsx)' "
            "and check that file."
        )
    if path.suffix.lower() == ".xls":
        return "xlsx"
    return claimed_kind(path.name) or "xml"


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
            f"{name} does not say which collection year it is: its header has no readable "
            f"Year item, and a return is never checked against a year it did not ask for. "
            f"Give the year it is for with --year (year= from Python), for example --year "
            f"{available_years()[-1]}, or put the Year in its header."
        )
    return year


def header_year(path: Source, max_bytes: int = DEFAULT_MAX_BYTES) -> int | None:
    """The Year an XML return's header gives (``None`` when it gives none it can read).

    Streams only as far as the header, which comes first in a well-formed return; raises
    :class:`~csww.reader.ReadError` when the file cannot be read that far. A stream (which
    must be seekable, as the reader's is) is put back where it was, for the full reading
    that follows."""
    stream = None if isinstance(path, str | os.PathLike | bytes) else path
    start = stream.tell() if stream is not None else 0
    try:
        for kind, value in iter_events(path, max_bytes=max_bytes):
            if kind == "header" and isinstance(value, Record):
                text = value.values.get("Year", "")
                return int(text) if is_year(text) else None
        return None
    finally:
        if stream is not None:
            stream.seek(start)


def xml_year(
    source: Source, requested: int | None, name: str, max_bytes: int = DEFAULT_MAX_BYTES
) -> int:
    """The year to check an XML return against (:func:`decide_year` on its header's Year),
    or :class:`Refused` saying why there is none."""
    try:
        found = header_year(source, max_bytes)
    except ReadError as exc:
        if requested is None:  # the file's own fault comes first, with where it is
            raise Unreadable(exc.message, exc.line, exc.column) from None
        found = None  # checking it with the year given reports the same fault
    return decide_year(requested, found, name)


def open_input(
    path: str | os.PathLike[str], year: int | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Input:
    """Accept a return for checking: decide its kind and year once, or refuse."""
    path = Path(path)
    if not path.exists():
        raise Refused(f"{path} does not exist: check the name and the folder.")
    kind = kind_of(path)
    if kind == "xml":
        decided = xml_year(path, year, path.name, max_bytes)
    else:
        decided = decide_year(year, _sheet_year(path, kind, year), path.name)
    return Input(path=path, kind=kind, year=decided, spec=load_spec(decided), name=path.name)


def _sheet_year(path: Path, kind: Kind, requested: int | None) -> int | None:
    """The year a workbook or CSV return gives: its template's year, else its Header Year;
    a sheet that cannot be read is refused, saying why at the cell."""
    from csww.sheets.peek import sheet_year
    from csww.sheets.rows import SheetError

    try:
        return sheet_year(path, kind, requested)
    except SheetError as exc:
        raise Unreadable(exc.message) from None


def validate_input(
    inp: Input,
    *,
    previous: Source | None = None,
    progress: Progress | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Report:
    """Validate an accepted return against its year's rules."""
    if inp.kind == "xml":
        from csww.engine import validate

        return validate(
            inp.path, year=inp.year, progress=progress, previous=previous, max_bytes=max_bytes
        )
    from csww.sheets.validate import validate_sheet

    return validate_sheet(inp.path, year=inp.year, previous=previous)


def validate_path(
    path: str | os.PathLike[str],
    year: int | None = None,
    *,
    previous: Source | None = None,
    progress: Progress | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Report:
    """Validate whatever return is at ``path``; a refusal becomes a report's ``fatal``."""
    try:
        inp = open_input(path, year, max_bytes=max_bytes)
    except Refused as exc:
        return _refused(str(path), exc)
    return validate_input(inp, previous=previous, progress=progress, max_bytes=max_bytes)


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

    The year is decided as ``csww validate`` decides it: the header's Year, or ``year``
    when given; a return that gives none, or another than ``year``, is refused (the
    report's ``fatal`` says why), never checked against a year it did not ask for."""
    if isinstance(source, str | os.PathLike):
        if Path(source).exists():
            return validate_path(
                source, year, previous=previous, progress=progress, max_bytes=max_bytes
            )
        name = str(source)  # the reader says it cannot be opened, and why
    else:
        name = getattr(source, "name", None) or "The return"
        if not isinstance(source, bytes) and not source.seekable():
            source = source.read(max_bytes + 1)  # read twice (year, then rules): kept once
    try:
        decided = xml_year(source, year, Path(str(name)).name, max_bytes)
    except Refused as exc:
        return _refused(name if name != "The return" else None, exc)
    from csww.engine import validate as validate_xml

    return validate_xml(
        source, year=decided, progress=progress, max_bytes=max_bytes, previous=previous
    )


def validate_return(
    ret: Return,
    *,
    year: int | None = None,
    notes: Iterable[StructureNote] = (),
    extra_issues: Iterable[Issue] = (),
    previous: Source | Return | None = None,
) -> Report:
    """Validate a return already in memory, its year decided as for a file: the header's
    Year, or ``year`` when given; one that gives none, or another, is refused."""
    from csww.engine import validate_return as validate_model

    try:
        decided = decide_year(year, ret.year, "The return")
    except Refused as exc:
        return Report(fatal=ReadFailure(exc.message), workers=len(ret.workers))
    return validate_model(
        ret, year=decided, notes=notes, extra_issues=extra_issues, previous=previous
    )


def _refused(source: str | None, exc: Refused) -> Report:
    return Report(source=source, fatal=ReadFailure(exc.message, exc.line, exc.column))


def read_input(inp: Input) -> Return:
    """The return an accepted input holds, as a model (for converting, statistics, forms);
    raises :class:`Unreadable` when the file cannot be read in full."""
    from csww.sheets.rows import SheetError

    try:
        if inp.kind == "xml":
            from csww.reader import read

            return read(inp.path)
        from csww.sheets.validate import read_sheet

        return read_sheet(inp.path, year=inp.year).ret
    except ReadError as exc:
        raise Unreadable(exc.message, exc.line, exc.column) from None
    except SheetError as exc:
        raise Unreadable(exc.message) from None
