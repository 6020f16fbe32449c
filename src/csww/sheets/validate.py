"""Check a filled template (.xlsx, or CSV files) against the rulebook, as ``csww generate``
would turn it into XML: the same header completion, the same rules, plus an issue for every
cell that could not be converted. Issues point at cells (``Workers!F12``).

One problem is one issue, at the cell the user must change: a cell that could not be
converted is reported by the spreadsheet rule that says what happened and how to put it
right, not a second time by the item's format rule; an issue about an item of a record
points at that item's cell (the FTE of a combined-FTE error, not the row's first cell); an
issue about the return's worker records points at the Workers sheet."""

from __future__ import annotations

from pathlib import Path

from csww.engine import one_per_problem as engine_one_per_problem
from csww.engine import validate_return
from csww.reader import Source
from csww.report.describe import described
from csww.report.model import Issue, ReadFailure, Report
from csww.rules import Context
from csww.sheets.csv_reader import read_csv_with_issues
from csww.sheets.rows import SheetError
from csww.sheets.wording import COMMAND_LINE, PORTAL, shown, worded
from csww.sheets.workbook_reader import SheetResult, read_workbook_with_issues
from csww.spec import UnknownYear, spec_for
from csww.writer import complete_header

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")


def read_sheet(
    path: str | Path, *, year: int | None = None, name: str | None = None, portal: bool = False
) -> SheetResult:
    """Read a workbook, a CSV file or a folder of CSV files; raises :class:`SheetError`.

    ``name`` is the file's name as the user knows it (an upload read from a temporary copy);
    ``portal`` words the messages for a web user (no commands to run)."""
    with worded(PORTAL if portal else COMMAND_LINE, name):
        return _read_sheet(Path(path), year)


def _read_sheet(path: Path, year: int | None) -> SheetResult:
    suffix = path.suffix.lower()
    if path.is_dir() or suffix == ".csv":
        return read_csv_with_issues(path, year=year)
    if suffix in WORKBOOK_SUFFIXES:
        return read_workbook_with_issues(path, year=year)
    if suffix == ".ods":
        raise SheetError(
            f"{shown(path)} is an OpenDocument spreadsheet. Save it as 'Excel Workbook (.xlsx)'."
        )
    raise SheetError(
        f"{shown(path)} is not a spreadsheet this tool reads: give an .xlsx workbook, a .csv file "
        "or a folder of CSV files."
    )


def complete(result: SheetResult, year: int | None = None) -> None:
    """Fill the header items the template leaves to the program (software code, date and
    time, and any fixed item left blank), as ``csww generate`` does before writing."""
    ret = result.ret
    try:
        spec = spec_for(year or ret.year or result.template_year)
    except UnknownYear:
        return  # the engine reports the year; nothing is filled in for a year it cannot check
    complete_header(ret, spec)


def validate_sheet(
    path: str | Path, year: int | None = None, previous: Source | None = None
) -> Report:
    """Validate a spreadsheet return (against last year's XML ``previous`` when given); a
    sheet that cannot be read gives a report whose ``fatal`` says why and what to do."""
    try:
        result = read_sheet(path, year=year)
    except SheetError as exc:
        return Report(source=str(path), fatal=ReadFailure(exc.message))
    return described(check_sheet(result, year, previous=previous, source=str(path)))


def check_sheet(
    result: SheetResult,
    year: int | None = None,
    *,
    previous: Source | None = None,
    source: str | None = None,
) -> Report:
    """The report on a spreadsheet already read, as every route gives it (``csww validate``,
    ``csww generate`` and the portal): the header completed as the XML will be, then the
    engine's one in-memory path, which keeps one issue per problem at its cell."""
    complete(result, year)
    report = validate_return(result.ret, year=year, extra_issues=result.issues, previous=previous)
    report.source = source
    return report


def one_per_problem(issues: list[Issue], result: SheetResult) -> list[Issue]:
    """Drop an item rule's issue on a cell a spreadsheet rule already reports, and pin every
    issue to the cell of the item it is about (the engine does this for every in-memory
    return; kept here for callers that hold a :class:`SheetResult`)."""
    year = result.ret.year or result.template_year
    try:
        ctx = Context(spec=spec_for(year), year=year or 0)
    except UnknownYear:
        ctx = None
    return engine_one_per_problem(issues, result.issues, result.ret, ctx)
