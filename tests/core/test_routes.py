"""The same file gets the same issues by every route: ``csww validate``, ``csww generate``,
the library's front door (:func:`csww.inputs.validate_path`), the spreadsheet checker and
the engine's in-memory path the portal uses (read the sheet, then ``validate_return`` with
the cells' issues). One unreadable date cell is one issue; a word in a 0/1/2 cell is one."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

import csww
from csww.cli.main import cli
from csww.engine import validate_return
from csww.inputs import validate_path
from csww.report.model import Report
from csww.sheets.convert import write_workbook
from csww.sheets.validate import read_sheet, validate_sheet
from tests.factories import make_return, make_worker

HEADING = re.compile(r"^(ERROR|QUERY) (\w+) \((\d+)\)", re.M)


def _workbook(tmp_path: Path, year: int) -> Path:
    """A valid return as a filled template, then one unreadable date and one word in a code
    cell (a 0/1/2 pay item on the LA level sheet from 2025, else a worker's 0/1 item)."""
    workers = [make_worker("inpost", year), make_worker("leaver", year, SWENo="SW654321")]
    path = tmp_path / f"r{year}.xlsx"
    write_workbook(make_return(workers, year=year), path)
    book = openpyxl.load_workbook(path)
    sheet = book["Workers"]
    columns = {sheet.cell(3, c).value: c for c in range(1, sheet.max_column + 1)}
    sheet.cell(4, columns["PersonBirthDate"]).value = "31/13/1980"
    if year >= 2025:
        la = book["LA level"]
        la_columns = {la.cell(3, c).value: c for c in range(1, la.max_column + 1)}
        la.cell(4, la_columns["RecruitmentBonus"]).value = "Perhaps"
    else:
        sheet.cell(4, columns["AgencyWorker"]).value = "Perhaps"
    book.save(path)
    return path


def _counts(report: Report) -> Counter[str]:
    return Counter(i.rule for i in report.issues)


def _places(report: Report) -> set[tuple[str, str | None, str | None]]:
    return {(i.rule, i.cell, i.value) for i in report.issues}


@pytest.mark.parametrize("year", [2019, 2025])
def test_every_route_gives_the_same_issues_for_the_same_workbook(tmp_path: Path, year: int) -> None:
    path = _workbook(tmp_path, year)
    runner = CliRunner()

    by_cli = runner.invoke(cli, ["validate", str(path), "--format", "json"])
    cli_issues = json.loads(by_cli.output)["issues"]
    cli_counts = Counter(i["rule"] for i in cli_issues)

    made = runner.invoke(cli, ["generate", str(path), "-o", str(tmp_path / "out.xml")])
    generate_counts: Counter[str] = Counter()
    for _severity, rule, count in HEADING.findall(made.output):
        generate_counts[rule] += int(count)

    front_door = validate_path(path)
    library = csww.validate(path)
    sheet = validate_sheet(path, year=year)
    result = read_sheet(path, year=year, portal=True)
    in_memory = validate_return(result.ret, year=year, extra_issues=result.issues)

    assert front_door.fatal is None and sheet.fatal is None
    expected = _counts(front_door)
    assert cli_counts == expected
    assert generate_counts == expected
    assert _counts(sheet) == expected
    assert _counts(library) == expected
    assert _counts(in_memory) == expected
    assert _places(in_memory) == _places(front_door) == _places(sheet)

    # The unreadable date: one issue, the spreadsheet rule's, at its cell.
    dates = [i for i in front_door.issues if i.value == "31/13/1980"]
    assert [(i.rule, i.field) for i in dates] == [("951", "PersonBirthDate")]
    # The word in a code cell: one issue, the spreadsheet rule's, not the format rule too.
    words = [i for i in front_door.issues if i.value == "Perhaps"]
    assert [i.rule for i in words] == ["950"]
