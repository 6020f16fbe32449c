"""A template filled in as an HR officer would: real dates, numbers, labels, dropdown choices,
UK dates typed as text, numbers stored as text, stray spaces and blank rows."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl

from csww.model import Return
from csww.sheets.validate import read_sheet, validate_sheet
from csww.sheets.workbook_reader import read_workbook, read_workbook_with_issues
from tests.factories import make_return

TYPED_WORKER: dict[str, Any] = {
    "AgencyWorker": "0 – No (not an agency worker)",
    "SWENo": " SW123456 ",
    "FTE": 0.1 + 0.2,
    "PersonBirthDate": datetime(1980, 5, 17),
    "GenderCurrent": "Female",
    "Ethnicity": "WBRI – White - British",
    "QualInst": "University of Leeds",
    "QualLevel": 1,
    "StepUpGrad": "No",
    "OrgRole": "case holder",
    "RoleStartDate": "01/03/2012",
    "StartOrigin": "2",
    "FTE30": "1",
    "Cases30": 18,
    "WorkingDaysLost": "4.50",
    "FrontlineGrad": 0,
    "Absat30Sept": "0",
}


def fill(
    path: Path,
    workers: list[dict[str, Any]],
    *,
    header: dict[str, Any] | None = None,
    la: dict[str, Any] | None = None,
    start: int = 4,
) -> None:
    """Type values into the template by item, as a person (or a macro) would."""
    wb = openpyxl.load_workbook(path)
    for sheet, rows, first in (
        ("Header", [header or {}], 4),
        ("LA level", [la or {}], 4),
        ("Workers", workers, start),
    ):
        ws = wb[sheet]
        columns = {ws.cell(row=3, column=c).value: c for c in range(1, ws.max_column + 1)}
        for offset, values in enumerate(rows):
            for element, value in values.items():
                ws.cell(row=first + offset, column=columns[element], value=value)
    wb.save(path)


def filled(template_path: Path, workers: list[dict[str, Any]], **kw: Any) -> Path:
    kw.setdefault("header", {"LEA": "302 – Barnet"})
    kw.setdefault("la", {"NumberOfVacancies": 0.9, "NoAgencyFTE": "0.5", "NoAgencyHeadcount": 1})
    fill(template_path, workers, **kw)
    return template_path


def test_typed_values_become_the_xml_text(template_path: Path) -> None:
    ret = read_workbook(filled(template_path, [TYPED_WORKER]))
    expected = make_return().workers[0].values | {
        "SWENo": "SW123456",
        "FTE": "0.3",
        "WorkingDaysLost": "4.50",
    }
    del expected["QualInst"]
    assert {k: v for k, v in ret.workers[0].values.items() if k != "QualInst"} == expected
    assert ret.header.values["LEA"] == "302"
    assert ret.la is not None and ret.la.values == {
        "NumberOfVacancies": "0.9",
        "NoAgencyFTE": "0.5",
        "NoAgencyHeadcount": "1",
    }


def test_the_filled_template_is_valid_and_issues_would_point_at_cells(template_path: Path) -> None:
    report = validate_sheet(
        filled(template_path, [TYPED_WORKER, TYPED_WORKER | {"SWENo": "SW2", "FTE": 1.5}])
    )
    assert report.fatal is None
    worker_issues = [
        (i.rule, i.cell, i.record, i.worker, i.field) for i in report.issues if i.record
    ]
    assert worker_issues == [("303", "Workers!C5", 2, "SW2", "FTE")]
    assert all(i.cell and i.cell.startswith("'LA level'!") for i in report.issues if not i.record)


def test_numeric_zeros_are_kept(template_path: Path) -> None:
    ret = read_workbook(
        filled(template_path, [TYPED_WORKER | {"Cases30": 0, "FTE30": 0.0, "WorkingDaysLost": 0}])
    )
    assert [ret.workers[0].values[e] for e in ("Cases30", "FTE30", "WorkingDaysLost")] == [
        "0",
        "0",
        "0",
    ]


def test_blank_rows_are_skipped_and_records_numbered_in_order(template_path: Path) -> None:
    rows = [TYPED_WORKER, {}, {"SWENo": "   "}, TYPED_WORKER | {"SWENo": "SW777"}]
    ret = read_workbook(filled(template_path, rows))
    assert [w.values["SWENo"] for w in ret.workers] == ["SW123456", "SW777"]
    assert ret.workers[1].cell == "Workers!A7"
    assert ret.workers[1].cells["FTE"] == "Workers!C7"


def test_every_conversion_that_could_not_be_made_is_an_issue_and_the_text_is_kept(
    template_path: Path,
) -> None:
    bad = TYPED_WORKER | {
        "GenderCurrent": "Woman",
        "PersonBirthDate": "17/05/80",
        "RoleStartDate": 40969,
        "StepUpGrad": True,
        "OrgRole": datetime(2017, 1, 5),
        "Cases30": "#N/A",
    }
    path = filled(template_path, [bad])
    wb = openpyxl.load_workbook(path)
    wb["Workers"]["Q4"].data_type = "e"  # Cases30 as a real error cell
    wb.save(path)
    result = read_workbook_with_issues(path)
    values = result.ret.workers[0].values
    assert values["GenderCurrent"] == "Woman"
    assert values["PersonBirthDate"] == "17/05/80"
    assert values["RoleStartDate"] == "40969"
    assert values["StepUpGrad"] == "TRUE"
    assert values["OrgRole"] == "2017-01-05"
    assert values["Cases30"] == "#N/A"
    found = {(i.rule, i.field, i.cell, i.value) for i in result.issues}
    assert found == {
        ("950", "GenderCurrent", "Workers!E4", "Woman"),
        ("951", "PersonBirthDate", "Workers!D4", "17/05/80"),
        ("952", "RoleStartDate", "Workers!K4", "40969"),
        ("953", "StepUpGrad", "Workers!I4", "TRUE"),
        ("954", "OrgRole", "Workers!J4", "2017-01-05"),
        ("959", "Cases30", "Workers!Q4", "#N/A"),
    }
    messages = {i.rule: i.message for i in result.issues}
    assert messages["950"].startswith("Gender: ")
    report = validate_sheet(path)
    fired = {i.rule for i in report.issues}
    # One problem, one issue: the items' own format rules do not repeat the conversion issues.
    assert not {"305", "304", "311", "309", "310", "317"} & fired
    converted = [i.cell for i in report.issues if i.rule.startswith("95")]
    assert len(converted) == 6
    assert all([i.cell for i in report.issues].count(cell) == 1 for cell in converted)


def test_formulas_use_their_cached_value_and_too_many_decimals_say_how_to_round(
    template_path: Path, resave: Any
) -> None:
    """A calculated formula is read as its value with no issue; =30/37 for an FTE gives more
    decimal places than the item allows, and the one issue says how to round it."""
    path = filled(
        template_path, [TYPED_WORKER | {"Cases30": "=10+8", "FTE": "=0.1+0.2", "FTE30": "=30/37"}]
    )
    calculated = resave(path)  # a workbook saved by office software holds the formulas' values
    result = read_workbook_with_issues(calculated)
    assert result.ret.workers[0].values["Cases30"] == "18"
    assert result.ret.workers[0].values["FTE"] == "0.3"
    assert [(i.rule, i.cell) for i in result.issues] == [("961", "Workers!P4")]
    assert "=ROUND(30/37,6)" in result.issues[0].message
    assert result.issues[0].message.startswith("FTE as at previous 30 September: ")
    report = validate_sheet(calculated)
    at_fte30 = [i.rule for i in report.issues if i.cell == "Workers!P4"]
    assert at_fte30 == ["961"], "the item's format rule does not repeat the same problem"


def test_header_lea_from_the_dropdown_and_blank_automatic_items_filled_in(
    template_path: Path,
) -> None:
    path = filled(template_path, [TYPED_WORKER])
    report = validate_sheet(path)
    assert report.valid and report.la == "302"
    result = read_sheet(path)
    assert "DateTime" not in result.ret.header.values, "the reader itself fills nothing in"


def test_a_plain_sheet_with_one_heading_row_is_read_from_row_two(tmp_path: Path) -> None:
    ret = make_return()
    from csww.sheets.convert import write_workbook

    path = tmp_path / "plain.xlsx"
    write_workbook(ret, path)
    wb = openpyxl.load_workbook(path)
    for name in ("Header", "LA level", "Workers"):
        wb[name].delete_rows(2, 2)
    wb.save(path)
    got = read_workbook(path)
    assert got == ret
    assert got.workers[0].cells["FTE"] == "Workers!C2"


def test_sheet_names_and_columns_may_move_but_not_change(tmp_path: Path) -> None:
    ret = make_return()
    from csww.sheets.convert import write_workbook

    path = tmp_path / "moved.xlsx"
    write_workbook(ret, path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Workers"]
    ws.move_range("A1:A20", cols=30)
    ws.title = "renaming"
    ws.title = "workers"  # a change of case only
    wb.move_sheet(ws, offset=-2)
    wb.save(path)
    assert read_workbook(path) == ret


def test_an_xml_return_converted_then_generated_is_unchanged(tmp_path: Path) -> None:
    from csww.reader import read
    from csww.sheets.convert import write_workbook
    from csww.writer import to_bytes

    ret = make_return()
    write_workbook(ret, tmp_path / "r.xlsx")
    assert read(to_bytes(read_workbook(tmp_path / "r.xlsx"))) == ret
    assert isinstance(ret, Return)


def test_a_wrong_dimension_record_loses_nothing(tmp_path: Path) -> None:
    """Some programs write a wrong <dimension> in each sheet; every cell is still read."""
    import re
    import zipfile

    from csww.sheets.convert import write_workbook

    ret = make_return()
    ret.la = None  # remembered on the About sheet's fourth row
    write_workbook(ret, tmp_path / "r.xlsx")
    with (
        zipfile.ZipFile(tmp_path / "r.xlsx") as zin,
        zipfile.ZipFile(tmp_path / "bad.xlsx", "w") as zout,
    ):
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:B2"', data)
            zout.writestr(info, data)
    assert read_workbook(tmp_path / "bad.xlsx") == ret
