"""Check a filled template (.xlsx, or CSV files) against the rulebook, as ``csww generate``
would turn it into XML: the same header completion, the same rules, plus an issue for every
cell that could not be converted. Issues point at cells (``Workers!F12``)."""

from __future__ import annotations

from pathlib import Path

from csww.engine import validate_return
from csww.report.model import ReadFailure, Report
from csww.sheets.csv_reader import read_csv_with_issues
from csww.sheets.rows import SheetError
from csww.sheets.workbook_reader import SheetResult, read_workbook_with_issues
from csww.spec import UnknownYear, spec_for
from csww.writer import complete_header

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")


def read_sheet(path: str | Path, *, year: int | None = None) -> SheetResult:
    """Read a workbook, a CSV file or a folder of CSV files; raises :class:`SheetError`."""
    path = Path(path)
    suffix = path.suffix.lower()
    if path.is_dir() or suffix == ".csv":
        return read_csv_with_issues(path, year=year)
    if suffix in WORKBOOK_SUFFIXES:
        return read_workbook_with_issues(path, year=year)
    if suffix == ".ods":
        raise SheetError(
            f"{path.name} is an OpenDocument spreadsheet. Save it as 'Excel Workbook (.xlsx)'."
        )
    raise SheetError(
        f"{path.name} is not a spreadsheet this tool reads: give an .xlsx workbook, a .csv file "
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
    path: str | Path, year: int | None = None, previous: str | Path | None = None
) -> Report:
    """Validate a spreadsheet return (against last year's XML ``previous`` when given); a
    sheet that cannot be read gives a report whose ``fatal`` says why and what to do."""
    try:
        result = read_sheet(path, year=year)
    except SheetError as exc:
        return Report(source=str(path), fatal=ReadFailure(exc.message))
    complete(result, year)
    report = validate_return(result.ret, year=year, extra_issues=result.issues, previous=previous)
    report.source = str(path)
    return report
