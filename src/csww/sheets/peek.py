"""The collection year a spreadsheet return gives, found before it is read in full: the year
its template was made for, else the Year on its Header sheet (or in header.csv)."""

from __future__ import annotations

from pathlib import Path

from csww.sheets.rows import SheetError


def sheet_year(path: Path, kind: str, requested: int | None) -> int | None:
    if kind == "csv":
        from csww.sheets.csv_reader import header_year

        return header_year(path)
    from csww.sheets.workbook_reader import read_workbook_with_issues, workbook_template_year

    try:
        made_for = workbook_template_year(path)
        if made_for is not None:
            return made_for
        return read_workbook_with_issues(path, year=requested).ret.year
    except SheetError:
        return None  # reading the workbook again says why, at the cell
