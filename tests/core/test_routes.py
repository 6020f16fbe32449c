"""The same file gets the same issues by every route: ``csww validate``, ``csww generate``,
the library's front door (:func:`csww.inputs.validate_path`), the spreadsheet checker and
the engine's in-memory path the portal uses (read the sheet, then ``validate_return`` with
the cells' issues). One unreadable date cell is one issue; a word in a 0/1/2 cell is one.

And the same year decision and the same refusal by every route (the library from a path
or bytes, ``csww validate``, ``generate``, ``convert``): a return that gives no year is
refused unless one is given; one whose header or template names another year than asked is
refused; the message is the front door's, word for word."""

from __future__ import annotations

import csv
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
from csww.inputs import claimed_kind, kind_of, validate_path
from csww.report.model import Report
from csww.sheets.convert import write_csv_dir, write_workbook
from csww.sheets.validate import read_sheet, validate_sheet
from csww.sheets.workbook_reader import workbook_template_year
from csww.writer import write
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
    cli_issues = json.loads(by_cli.stdout)["issues"]
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


# ---------------------------------------------------------------- one year decision


def _refusal_by_every_route(path: Path, year: int | None, *, sheet: bool) -> dict[str, str]:
    """What each route says when it will not check ``path`` (with ``--year`` when given):
    the front door's message, or the output of a command that did not refuse."""
    runner = CliRunner()
    asked = [] if year is None else ["--year", str(year)]
    said: dict[str, str] = {}
    library = csww.validate(path, year=year)
    said["library"] = "" if library.fatal is None else library.fatal.message
    if not sheet:
        in_memory = csww.validate(path.read_bytes(), year=year)
        said["library, bytes"] = "" if in_memory.fatal is None else in_memory.fatal.message
    checked = runner.invoke(cli, ["validate", str(path), "--format", "json", *asked])
    fatal = json.loads(checked.stdout)["fatal"]
    said["validate"] = fatal["message"] if checked.exit_code == 2 else checked.output
    commands = {"convert": ["convert", str(path), "-o", str(path.parent / "out.xlsx")]}
    if sheet:
        commands["generate"] = ["generate", str(path), "-o", str(path.parent / "out.xml")]
    for name, args in commands.items():
        result = runner.invoke(cli, [*args, *asked])
        said[name] = " ".join(result.output.split()) if result.exit_code == 2 else result.output
    return said


def _the_same_refusal(said: dict[str, str], phrase: str) -> str:
    """The one message every route gave (the commands prefix it with the file and what was
    not done)."""
    message = said["library"]
    assert phrase in message, said
    for route, text in said.items():
        if route in ("convert", "generate"):
            assert text.endswith(message), (route, text)
        elif route == "library, bytes":  # bytes have no file name to give
            name = phrase.split()[0].split("'")[0]
            assert text == message.replace(name, "The return"), text
        else:
            assert text == message, (route, text)
    return message


def test_an_xml_return_that_gives_no_year_is_refused_by_every_route(tmp_path: Path) -> None:
    ret = make_return([make_worker("inpost", 2018)], year=2018)
    del ret.header.values["Year"]
    path = tmp_path / "no-year.xml"
    write(ret, path)

    message = _the_same_refusal(
        _refusal_by_every_route(path, None, sheet=False),
        "no-year.xml does not say which collection year it is",
    )
    assert "Year item" in message and "--year" in message and "year=" in message
    assert not (tmp_path / "out.xlsx").exists()
    # Statistics and flows read returns through the same front door: the same refusal.
    for args in (["stats", str(path)], ["flows", str(path)]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 2 and message in " ".join(result.output.split()), args

    # Given the year, every route checks it against that year: the same issues.
    assert csww.validate(path, year=2018).year == 2018
    by_cli = CliRunner().invoke(cli, ["validate", str(path), "--year", "2018", "--format", "json"])
    assert json.loads(by_cli.stdout)["year"] == 2018
    library = csww.validate(path, year=2018)
    assert Counter(i["rule"] for i in json.loads(by_cli.stdout)["issues"]) == _counts(library)
    assert _counts(csww.validate(path.read_bytes(), year=2018)) == _counts(library)
    made = CliRunner().invoke(
        cli, ["convert", str(path), "-o", str(tmp_path / "out.xlsx"), "--year", "2018"]
    )
    assert made.exit_code == 0, made.output
    assert workbook_template_year(tmp_path / "out.xlsx") == 2018


def test_an_xml_return_of_another_year_than_asked_is_refused_by_every_route(
    tmp_path: Path,
) -> None:
    path = tmp_path / "r2018.xml"
    write(make_return([make_worker("inpost", 2018)], year=2018), path)
    _the_same_refusal(
        _refusal_by_every_route(path, 2019, sheet=False),
        "r2018.xml's header says it is the 2018 return, but the 2019 collection was asked for",
    )
    assert _refusal_by_every_route(path, 2018, sheet=False)["library"] == ""


def test_a_workbook_of_another_year_than_asked_is_refused_by_every_route(tmp_path: Path) -> None:
    path = _workbook(tmp_path, 2019)
    _the_same_refusal(
        _refusal_by_every_route(path, 2020, sheet=True),
        "r2019.xlsx's header says it is the 2019 return, but the 2020 collection was asked for",
    )
    assert not (tmp_path / "out.xml").exists() and not (tmp_path / "out.xlsx").exists()


def test_csv_files_that_give_no_year_are_refused_by_every_route(tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    write_csv_dir(make_return([make_worker("inpost", 2018)], year=2018), folder)
    header = folder / "header.csv"
    rows = list(csv.reader(header.read_text(encoding="utf-8-sig").splitlines()))
    rows[1][[h.strip() for h in rows[0]].index("Year")] = ""
    header.write_text(
        "\r\n".join(",".join(r) for r in rows) + "\r\n", encoding="utf-8-sig", newline=""
    )
    said = _refusal_by_every_route(folder, None, sheet=True)
    _the_same_refusal(said, "csv does not say which collection year it is")
    assert _refusal_by_every_route(folder, 2018, sheet=True)["library"] == ""
    made = CliRunner().invoke(
        cli, ["generate", str(folder), "-o", str(tmp_path / "r.xml"), "--year", "2018"]
    )
    assert made.exit_code == 0, made.output


def test_an_unreadable_return_says_the_same_by_every_route(tmp_path: Path) -> None:
    path = tmp_path / "cut.xml"
    path.write_bytes(b"<Message><Header><Year>2018</Year>")
    said = _refusal_by_every_route(path, None, sheet=False)
    message = said["library"]
    assert "truncated" in message
    assert said["validate"] == said["library, bytes"] == message
    assert said["convert"].endswith(f"cannot be read: {message}")


@pytest.mark.parametrize(
    ("name", "kind"),
    [("r.xml", "xml"), ("r.XLSX", "xlsx"), ("r.xlsm", "xlsx"), ("r.csv", "csv"), ("r.txt", None)],
)
def test_the_kind_a_name_claims_is_decided_in_one_place(name: str, kind: str | None) -> None:
    assert claimed_kind(name) == kind
    if kind is not None:
        assert kind_of(Path(name)) == kind
