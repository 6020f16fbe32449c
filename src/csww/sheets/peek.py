"""The collection year a spreadsheet return gives, found before it is read in full: the year
its template was made for, else the Year on its Header sheet (or in header.csv). A sheet
that cannot be read raises :class:`~csww.sheets.rows.SheetError`, which says why; when the
year cannot be found and none was asked for, a fault in the files comes first (the user
fixes the file before choosing its year)."""

from __future__ import annotations

from pathlib import Path


def sheet_year(path: Path, kind: str, requested: int | None) -> int | None:
    if kind == "csv":
        return _csv_year(path, requested)
    from csww.sheets.workbook_reader import read_workbook_with_issues, workbook_template_year

    made_for = workbook_template_year(path)
    if made_for is not None:
        return made_for
    return read_workbook_with_issues(path, year=requested).ret.year


def _csv_year(path: Path, requested: int | None) -> int | None:
    """The Year in header.csv. A file that is empty, or is not one of the template's CSV
    files, says so first: asking for its year would send the user the wrong way."""
    from csww.sheets.csv_reader import _files, _grid, header_year
    from csww.sheets.rows import SheetError
    from csww.sheets.wording import shown, wording
    from csww.spec import spec_for

    if path.is_file() and path.stat().st_size == 0:
        raise SheetError(
            f"{shown(path)} is empty (0 bytes): it holds no headings and no data. Save the "
            f"sheet again as CSV, or start from the template's files. {wording().csv_template}"
        )
    files = _files(path, spec_for(None))  # raises SheetError saying what the file is not
    year = header_year(path)
    if year is None and requested is None:
        for file in files.values():
            _grid(file, [])  # what is wrong with a file whatever its year (a workbook, ;)
    return year
