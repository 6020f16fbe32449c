"""The highlighted workbook: flagged cells coloured (errors red, queries amber) with the rule
in a comment, a Summary sheet per rule and an Issues sheet, for workbook, CSV and XML input."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from csww.engine import validate
from csww.report.model import ReadFailure, Report
from csww.sheets.convert import write_csv_dir, write_workbook
from csww.sheets.highlight import ERROR_FILL, QUERY_FILL, write_highlighted
from csww.sheets.validate import validate_sheet
from csww.writer import write
from tests.factories import make_return, make_worker

RED, AMBER = ERROR_FILL.fgColor.rgb, QUERY_FILL.fgColor.rgb


def flawed():
    """A return with errors and queries at known places."""
    return make_return(
        [
            make_worker("inpost", SWENo="SW100001"),
            make_worker("inpost", SWENo="SW100002", FTE="1.5"),  # 303 error: Workers!C5
            make_worker(
                "leaver", SWENo="SW100003", GenderCurrent=None
            ),  # 205 error: Workers!E6 (blank)
            make_worker(
                "inpost", SWENo="SW100004", PersonBirthDate="1880-01-01"
            ),  # 511Q query: Workers!D7
            make_worker("agency", SWENo="SW100005", Sex="M"),  # 901Q query: an Other item pair
            make_worker("inpost", SWENo="SW100006", Ethnicity="WIRT"),  # 350 error: Workers!F9
        ]
    )


Source = Callable[[Path], tuple[Path, Report]]


def from_xml(folder: Path) -> tuple[Path, Report]:
    write(flawed(), folder / "r.xml")
    return folder / "r.xml", validate(folder / "r.xml")


def from_workbook(folder: Path) -> tuple[Path, Report]:
    write_workbook(flawed(), folder / "r.xlsx")
    return folder / "r.xlsx", validate_sheet(folder / "r.xlsx")


def from_csv(folder: Path) -> tuple[Path, Report]:
    write_csv_dir(flawed(), folder / "csv")
    return folder / "csv" / "workers.csv", validate_sheet(folder / "csv" / "workers.csv")


@pytest.mark.parametrize("source", [from_xml, from_workbook, from_csv], ids=["xml", "xlsx", "csv"])
def test_flagged_cells_are_coloured_with_the_rule_in_a_comment(
    source: Source, tmp_path: Path
) -> None:
    path, report = source(tmp_path)
    rules = {i.rule for i in report.issues}
    assert {"303", "205", "511Q", "901Q", "350"} <= rules
    write_highlighted(path, report, tmp_path / "h.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "h.xlsx")
    ws = wb["Workers"]
    assert ws["C5"].value == "1.5" and ws["C5"].fill.fgColor.rgb == RED
    assert ws["C5"].comment.text.startswith("303 (error): FTE as at 30 September must be")
    assert ws["E6"].value is None and ws["E6"].fill.fgColor.rgb == RED
    assert "205 (error)" in ws["E6"].comment.text
    assert ws["D7"].fill.fgColor.rgb == AMBER and "511Q (query)" in ws["D7"].comment.text
    assert ws["F9"].fill.fgColor.rgb == RED and ws["F9"].comment.text.startswith("350 (error)")
    pair = [c for c in ws[8] if c.value == "M"]
    assert pair and pair[0].fill.fgColor.rgb == AMBER and "901Q" in pair[0].comment.text
    clean = [c for c in ws[4] if c.fill.fgColor.rgb in (RED, AMBER)]
    assert clean == [], "a worker with no issue is not coloured"
    assert ws["B5"].fill.fgColor.rgb not in (RED, AMBER)


@pytest.mark.parametrize("source", [from_xml, from_workbook, from_csv], ids=["xml", "xlsx", "csv"])
def test_summary_per_rule_and_a_list_of_every_issue(source: Source, tmp_path: Path) -> None:
    path, report = source(tmp_path)
    write_highlighted(path, report, tmp_path / "h.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "h.xlsx")
    assert wb.sheetnames[:2] == ["Summary", "Issues"] and wb.active.title == "Summary"
    summary = wb["Summary"]
    table = [r for r in summary.iter_rows(min_row=12, values_only=True) if r[0]]
    counts = report.counts_by_rule()
    assert {r[0]: r[2] for r in table} == dict(counts)
    severities = [r[1] for r in table]
    assert severities == sorted(severities, key=lambda s: s != "error"), "errors first"
    assert next(r for r in table if r[0] == "303")[3].startswith("FTE as at 30 September")
    assert [summary["B6"].value, summary["B7"].value] == [report.errors, report.queries]
    issues = list(wb["Issues"].iter_rows(min_row=2, values_only=True))
    assert len(issues) == len(report.issues)
    row = next(r for r in issues if r[0] == "303")
    assert (row[2], row[3], row[4], row[6]) == (
        2,
        "SW100002",
        "FTE as at 30 September (FTE)",  # the guide's name first, the XML element second
        "Workers!C5",
    )
    assert row[8] == "General Data Items"  # the guide section the rule enforces
    assert next(r for r in table if r[0] == "303")[4] == "General Data Items"
    link = next(c for c in wb["Issues"]["G"] if c.value == "Workers!C5")
    assert link.hyperlink.location == "Workers!C5" or link.hyperlink.target == "#Workers!C5"


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    ret = make_return([make_worker("inpost", QualInst='=HYPERLINK("http://x","y")', FTE="=1+1")])
    write(ret, tmp_path / "r.xml")
    write_highlighted(tmp_path / "r.xml", validate(tmp_path / "r.xml"), tmp_path / "h.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "h.xlsx")
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert any(c.value == "=1+1" for c in cells)


def test_an_unreadable_file_gives_a_workbook_that_says_so(tmp_path: Path) -> None:
    report = Report(source="x.xlsx", fatal=ReadFailure("x.xlsx is not an Excel workbook."))
    write_highlighted(tmp_path / "x.xlsx", report, tmp_path / "h.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "h.xlsx")["Summary"]
    assert (
        "was not checked" in ws["A1"].value and ws["A2"].value == "x.xlsx is not an Excel workbook."
    )


def test_cli_validate_format_xlsx(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from csww.cli.main import cli

    write(flawed(), tmp_path / "r.xml")
    result = CliRunner().invoke(
        cli,
        ["validate", str(tmp_path / "r.xml"), "--format", "xlsx", "-o", str(tmp_path / "h.xlsx")],
    )
    assert result.exit_code == 1
    assert openpyxl.load_workbook(tmp_path / "h.xlsx")["Workers"]["C5"].fill.fgColor.rgb == RED


def test_a_repeated_item_is_marked_where_it_is_repeated(tmp_path: Path) -> None:
    """An XML record giving FTE twice: the first value is in the FTE column, the repeat among
    the record's other items; rule 902 marks the repeat, not the value kept."""
    write(
        make_return(
            [
                make_worker("inpost", SWENo="SW100001", FTE="0.5"),
                make_worker("inpost", SWENo="SW100002", FTE="0.8"),
            ]
        ),
        tmp_path / "r.xml",
    )
    text = (tmp_path / "r.xml").read_text(encoding="utf-8")
    assert text.count("<FTE>0.8</FTE>") == 1
    (tmp_path / "r.xml").write_text(
        text.replace("<FTE>0.8</FTE>", "<FTE>0.8</FTE><FTE>0.6</FTE>"), encoding="utf-8"
    )
    report = validate(tmp_path / "r.xml")
    assert [(i.rule, i.field, i.value) for i in report.issues if i.rule == "902"] == [
        ("902", "FTE", "0.6")
    ]
    write_highlighted(tmp_path / "r.xml", report, tmp_path / "h.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "h.xlsx")["Workers"]
    marked = [c for row in ws.iter_rows() for c in row if c.comment and "902" in c.comment.text]
    assert len(marked) == 1
    repeat = marked[0]
    assert repeat.value == "0.6" and repeat.fill.fgColor.rgb == RED
    assert ws.cell(row=repeat.row, column=repeat.column - 1).value == "FTE"
    assert ws["C5"].value == "0.8" and ws["C5"].comment is None
