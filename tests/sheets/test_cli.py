"""``csww template``, ``generate``, ``convert`` and ``validate`` on spreadsheets, end to end."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from csww.cli.main import cli
from csww.engine import validate
from csww.reader import read
from csww.sheets.csv_reader import read_csv
from csww.sheets.validate import validate_sheet
from csww.sheets.workbook_reader import read_workbook, workbook_template_year
from csww.writer import write
from tests.factories import make_return, make_worker
from tests.sheets.test_filled import TYPED_WORKER, filled


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_template_workbook_and_csv(tmp_path: Path) -> None:
    code, out = run("template", "--year", "2017", "-o", str(tmp_path / "t.xlsx"))
    assert code == 0 and "2017 collection" in out
    assert openpyxl.load_workbook(tmp_path / "t.xlsx")["About"]["B1"].value == "2017"
    code, _ = run("template", "--csv", str(tmp_path / "csv"))
    assert code == 0 and (tmp_path / "csv" / "workers.csv").exists()
    code, out = run("template", "--year", "1999")
    assert code == 2 and "no specification for 1999" in out
    code, out = run("template", "-o", str(tmp_path / "a.xlsx"), "--csv", str(tmp_path / "b"))
    assert code == 2 and "not both" in out


def test_generate_writes_the_xml_and_prints_the_summary(
    template_path: Path, tmp_path: Path
) -> None:
    source = filled(
        template_path,
        [TYPED_WORKER, TYPED_WORKER | {"SWENo": "SW223344", "FTE": 0.5, "FTE30": 0.5}],
    )
    code, out = run("generate", str(source), "-o", str(tmp_path / "r.xml"))
    assert code == 0, out
    assert "2 worker records: no errors" in out
    ret = read(tmp_path / "r.xml")
    assert ret.header.values["LEA"] == "302"
    assert ret.header.values["SoftwareCode"].startswith("csww")
    assert ret.workers[0].values["FTE"] == "0.3"
    assert validate(tmp_path / "r.xml").errors == 0


def test_generate_strict_refuses_while_errors_remain(template_path: Path, tmp_path: Path) -> None:
    source = filled(template_path, [TYPED_WORKER | {"GenderCurrent": "Woman"}])
    code, out = run("generate", str(source), "--strict", "-o", str(tmp_path / "r.xml"))
    assert code == 1
    assert "ERROR 950" in out and "Workers!E4" in out
    assert "Not written" in out and not (tmp_path / "r.xml").exists()
    code, out = run("generate", str(source), "-o", str(tmp_path / "r.xml"))
    assert code == 1 and (tmp_path / "r.xml").exists()
    assert read(tmp_path / "r.xml").workers[0].values["GenderCurrent"] == "Woman"


def test_generate_from_csv_folder_and_default_output_name(tmp_path: Path) -> None:
    code, _ = run("template", "--year", "2018", "--csv", str(tmp_path / "hr"))
    assert code == 0
    workers = tmp_path / "hr" / "workers.csv"
    names = workers.read_text(encoding="utf-8-sig").strip()
    row = "0,SW123456,1,17/05/1980,Female,WBRI,,1,0,5,01/03/2012,2,,,,1,18,4.5,,0,0,"
    workers.write_text(f"{names}\r\n{row}\r\n\r\n", encoding="utf-8-sig")
    header = tmp_path / "hr" / "header.csv"
    header.write_text(
        header.read_text(encoding="utf-8-sig").replace("L,,", "L,301,"), encoding="utf-8-sig"
    )
    (tmp_path / "hr" / "la_level.csv").write_text(
        (tmp_path / "hr" / "la_level.csv").read_text(encoding="utf-8-sig") + "0,0,0\r\n",
        encoding="utf-8-sig",
    )
    code, out = run("generate", str(tmp_path / "hr"))
    assert (tmp_path / "hr.xml").exists(), out
    ret = read(tmp_path / "hr.xml")
    assert ret.workers[0].values["PersonBirthDate"] == "1980-05-17"
    assert ret.workers[0].values["GenderCurrent"] == "2"
    assert ret.header.values["LEA"] == "301"
    assert "1 worker records" in out


def test_convert_xml_to_workbook_and_csv_and_back(tmp_path: Path) -> None:
    ret = make_return()
    ret.workers[1].values["GenderCurrent"] = "Female"  # a supplier's label: kept as written
    write(ret, tmp_path / "r.xml")
    code, out = run("convert", str(tmp_path / "r.xml"), "-o", str(tmp_path / "r.xlsx"))
    assert code == 0 and "1 worker values kept in 'Other item' columns" in out
    assert read_workbook(tmp_path / "r.xlsx") == read(tmp_path / "r.xml")
    code, _ = run("convert", str(tmp_path / "r.xml"), "-o", str(tmp_path / "csv"))
    assert code == 0 and read_csv(tmp_path / "csv") == read(tmp_path / "r.xml")
    code, _ = run("generate", str(tmp_path / "r.xlsx"), "-o", str(tmp_path / "again.xml"))
    assert read(tmp_path / "again.xml") == read(tmp_path / "r.xml")
    assert validate(tmp_path / "again.xml").flatten() == validate(tmp_path / "r.xml").flatten()


def test_convert_reports_empty_worker_elements_it_cannot_place(tmp_path: Path) -> None:
    (tmp_path / "r.xml").write_bytes(
        b"<Message><Header><Year>2018</Year></Header><CSWWWorker/></Message>"
    )
    code, out = run("convert", str(tmp_path / "r.xml"), "-o", str(tmp_path / "r.xlsx"))
    assert code == 0 and "Left out 1 worker records with no items" in out


def test_convert_refuses_a_return_that_gives_no_year_unless_one_is_given(tmp_path: Path) -> None:
    (tmp_path / "r.xml").write_bytes(b"<Message><Header/><CSWWWorker/></Message>")
    code, out = run("convert", str(tmp_path / "r.xml"), "-o", str(tmp_path / "r.xlsx"))
    assert code == 2 and "r.xml does not say which collection year it is" in out
    assert "--year" in out and not (tmp_path / "r.xlsx").exists()
    code, out = run(
        "convert", str(tmp_path / "r.xml"), "-o", str(tmp_path / "r.xlsx"), "--year", "2018"
    )
    assert code == 0 and "Left out 1 worker records with no items" in out
    assert workbook_template_year(tmp_path / "r.xlsx") == 2018


def test_convert_unreadable_xml(tmp_path: Path) -> None:
    (tmp_path / "r.xml").write_text("<Message><Header>", encoding="utf-8")
    code, out = run("convert", str(tmp_path / "r.xml"), "-o", str(tmp_path / "r.xlsx"))
    assert code == 2 and "cannot be read" in out and "truncated" in out


def test_validate_accepts_workbooks_and_csv_and_points_at_cells(
    template_path: Path, tmp_path: Path
) -> None:
    source = filled(template_path, [TYPED_WORKER | {"FTE": 1.5}])
    code, out = run("validate", str(source), "--format", "json")
    data = json.loads(out)
    assert code == 1
    assert [
        (i["rule"], i["cell"], i["record"], i["worker"], i["field"])
        for i in data["issues"]
        if i["record"]
    ] == [("303", "Workers!C4", 1, "SW123456", "FTE")]
    write(make_return([make_worker("inpost", FTE="1.5")]), tmp_path / "r.xml")
    run("convert", str(tmp_path / "r.xml"), "-o", str(tmp_path / "csv"))
    code, out = run("validate", str(tmp_path / "csv" / "workers.csv"), "--format", "csv")
    assert code == 1 and "workers.csv!C2" in out


def test_validate_an_unreadable_sheet_exits_2(tmp_path: Path) -> None:
    (tmp_path / "x.xlsx").write_bytes(b"nope")
    code, out = run("validate", str(tmp_path / "x.xlsx"))
    assert code == 2 and "is not an Excel workbook" in out


def test_cli_report_equals_library_report(template_path: Path) -> None:
    source = filled(template_path, [TYPED_WORKER | {"Cases30": "lots"}])
    _code, out = run("validate", str(source), "--format", "json")
    data = json.loads(out)
    library = validate_sheet(source)
    assert [(i["rule"], i["cell"]) for i in data["issues"]] == [
        (i.rule, i.cell) for i in library.issues
    ]


def test_spreadsheet_rules_are_listed_by_csww_rules() -> None:
    code, out = run("rules", "--format", "csv")
    assert code == 0
    assert "\n950,error," in out and "\n960Q,query," in out


def test_generate_and_validate_place_an_empty_workers_sheet_at_the_same_cell(
    tmp_path: Path,
) -> None:
    """Rule 801 (no worker records) points at the Workers sheet, by either command."""
    template = tmp_path / "t.xlsx"
    assert run("template", "--year", "2018", "-o", str(template))[0] == 0
    said = {}
    for command in ("generate", "validate"):
        extra = ["-o", str(tmp_path / "t.xml")] if command == "generate" else []
        code, out = run(command, str(template), *extra)
        assert code == 1
        block = out[out.index("ERROR 801") :]
        said[command] = block.splitlines()[2].strip()
    assert said["generate"] == said["validate"] == "- Worker records (CSWWWorker), Workers!A4"
