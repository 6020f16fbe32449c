"""The collection year a spreadsheet return gives, found before it is read in full: the year
its template was made for, else the Year on its Header sheet (or in header.csv). A sheet
that cannot be read raises :class:`~csww.sheets.rows.SheetError`, which says why."""

from __future__ import annotations

from pathlib import Path


def sheet_year(path: Path, kind: str, requested: int | None) -> int | None:
    if kind == "csv":
        from csww.sheets.csv_reader import header_year

        return header_year(path)
    from csww.sheets.workbook_reader import read_workbook_with_issues, workbook_template_year

    made_for = workbook_template_year(path)
    if made_for is not None:
        return made_for
    return read_workbook_with_issues(path, year=requested).ret.year
