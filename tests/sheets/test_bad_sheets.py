"""Every kind of bad spreadsheet gets one clear message: a report whose ``fatal`` says what
is wrong, where, and what to do; ``csww generate`` and ``csww convert`` exit with status 2
and the same message, never a traceback."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from csww.cli.main import cli
from csww.sheets.convert import write_csv_dir, write_workbook
from csww.sheets.template import build_workbook
from csww.sheets.validate import validate_sheet
from csww.spec import load_spec
from tests.factories import make_return
from tests.sheets.conftest import encrypted_workbook
from tests.xlsx_parts import replace_in_sheet

Maker = Callable[[Path], Path]


def _return_workbook(folder: Path, name: str = "return.xlsx") -> Path:
    path = folder / name
    write_workbook(make_return(), path)
    return path


def _edit(folder: Path, change: Callable[[openpyxl.Workbook], None]) -> Path:
    path = _return_workbook(folder)
    wb = openpyxl.load_workbook(path)
    change(wb)
    wb.save(path)
    return path


def renamed_sheet(folder: Path) -> Path:
    def change(wb: openpyxl.Workbook) -> None:
        wb["Workers"].title = "Staff"

    return _edit(folder, change)


def missing_column(folder: Path) -> Path:
    return _edit(folder, lambda wb: wb["Workers"].delete_cols(5))


def extra_column(folder: Path) -> Path:
    def change(wb: openpyxl.Workbook) -> None:
        wb["Workers"]["Z1"] = "Notes"

    return _edit(folder, change)


def renamed_column(folder: Path) -> Path:
    def change(wb: openpyxl.Workbook) -> None:
        wb["Workers"]["E1"] = "Sex"

    return _edit(folder, change)


def duplicate_column(folder: Path) -> Path:
    def change(wb: openpyxl.Workbook) -> None:
        wb["Workers"]["Z1"] = "Gender"

    return _edit(folder, change)


def value_without_heading(folder: Path) -> Path:
    def change(wb: openpyxl.Workbook) -> None:
        wb["Workers"]["AB6"] = "see note"

    return _edit(folder, change)


def merged_cells(folder: Path) -> Path:
    return _edit(folder, lambda wb: wb["Workers"].merge_cells("B5:C5"))


def uncalculated_formula(folder: Path) -> Path:
    def change(wb: openpyxl.Workbook) -> None:
        wb["Workers"]["Q4"] = "=SUM(1,2)"  # written by a program, never calculated

    return _edit(folder, change)


def password_protected(folder: Path) -> Path:
    path = folder / "locked.xlsx"
    encrypted_workbook(path)
    return path


def not_a_zip(folder: Path) -> Path:
    path = folder / "corrupt.xlsx"
    path.write_bytes(b"this is not a workbook at all\n" * 40)
    return path


def truncated(folder: Path) -> Path:
    whole = _return_workbook(folder, "whole.xlsx").read_bytes()
    path = folder / "truncated.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    return path


def empty_file(folder: Path) -> Path:
    path = folder / "empty.xlsx"
    path.write_bytes(b"")
    return path


def zip_not_workbook(folder: Path) -> Path:
    path = folder / "archive.xlsx"
    shutil.make_archive(str(folder / "archive"), "zip", root_dir=folder, base_dir=None)
    (folder / "archive.zip").rename(path)
    return path


def old_xls_ole(folder: Path) -> Path:
    path = folder / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))
    return path


def other_year_header(folder: Path) -> Path:
    path = folder / "t2017.xlsx"
    build_workbook(load_spec(2017))[0].save(path)
    wb = openpyxl.load_workbook(path)
    wb["Header"]["B4"] = "2018"
    wb.save(path)
    return path


def two_header_rows(folder: Path) -> Path:
    def change(wb: openpyxl.Workbook) -> None:
        wb["Header"]["E5"] = "301"

    return _edit(folder, change)


def heading_row_deleted(folder: Path) -> Path:
    return _edit(folder, lambda wb: wb["Workers"].delete_rows(3))


def lone_other_item(folder: Path) -> Path:
    def change(wb: openpyxl.Workbook) -> None:
        wb["Workers"]["Z1"] = "Other item 1"

    return _edit(folder, change)


def bad_element_name(folder: Path) -> Path:
    def change(wb: openpyxl.Workbook) -> None:
        ws = wb["Workers"]
        ws["Z1"], ws["AA1"], ws["Z4"], ws["AA4"] = (
            "Other item 1",
            "Other item 1 value",
            "my note",
            "x",
        )

    return _edit(folder, change)


def ods(folder: Path) -> Path:
    path = folder / "return.ods"
    path.write_bytes(b"PK\x03\x04")
    return path


def csv_semicolons(folder: Path) -> Path:
    path = folder / "workers.csv"
    path.write_text(
        "Whether the social worker is an agency worker;HCPC identifier\n0;SW1\n", encoding="utf-8"
    )
    return path


def csv_is_a_workbook(folder: Path) -> Path:
    path = folder / "workers.csv"
    path.write_bytes(_return_workbook(folder).read_bytes())
    return path


def csv_unknown_file(folder: Path) -> Path:
    path = folder / "export.csv"
    path.write_text("Name,Grade\nA,B\n", encoding="utf-8")
    return path


def csv_empty_folder(folder: Path) -> Path:
    path = folder / "nothing"
    path.mkdir()
    return path


def csv_missing_column(folder: Path) -> Path:
    write_csv_dir(make_return(), folder / "csv")
    path = folder / "csv" / "workers.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    path.write_text("\n".join(",".join(line.split(",")[1:]) for line in lines), encoding="utf-8")
    return folder / "csv"


def number_no_program_writes(folder: Path) -> Path:
    """A number cell holding INF, as a program other than a spreadsheet can write it."""
    path = _edit(folder, lambda wb: wb["Workers"].__setitem__("C4", 0.123456))
    replace_in_sheet(path, b"<v>0.123456</v>", b"<v>INF</v>")
    return path


def csv_control_character(folder: Path) -> Path:
    """A registration number with a control character pasted into it (invisible in most
    editors, and not writable in XML)."""
    write_csv_dir(make_return(), folder / "csv")
    path = folder / "csv" / "workers.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    cells = lines[1].split(",")
    cells[1] = cells[1][:2] + "\x01" + cells[1][2:]
    lines[1] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder / "csv"


def csv_control_character_in_heading(folder: Path) -> Path:
    write_csv_dir(make_return(), folder / "csv")
    path = folder / "csv" / "workers.csv"
    text = path.read_text(encoding="utf-8-sig")
    path.write_text(text.replace("Gender", "Gen\x02der", 1), encoding="utf-8")
    return folder / "csv"


CASES: list[tuple[str, Maker, str]] = [
    ("renamed sheet", renamed_sheet, "has no sheet named 'Workers' (its sheets are"),
    ("missing column", missing_column, "Sheet 'Workers' has no column for: Gender"),
    (
        "renamed column",
        renamed_column,
        "Columns it does not recognise: E ('Sex'); if one of them is a renamed column",
    ),
    ("duplicate column", duplicate_column, "has two columns headed 'Gender' (E and Z)"),
    (
        "value without heading",
        value_without_heading,
        "a value in column AB (at Workers!AB6) but that column has no heading",
    ),
    ("merged cells", merged_cells, "Sheet 'Workers' has merged cells at B5:C5"),
    (
        "formula never calculated",
        uncalculated_formula,
        "Workers!Q4 holds a formula (=SUM(1,2)) that has never been calculated",
    ),
    ("password protected", password_protected, "is protected with a password"),
    ("not a zip", not_a_zip, "is not an Excel workbook: it is not a zip file"),
    ("truncated", truncated, "is damaged"),
    ("empty file", empty_file, "is empty (0 bytes)"),
    ("zip of something else", zip_not_workbook, "is a zip file but not an Excel workbook"),
    ("old xls", old_xls_ole, "old Excel 97–2003 format (.xls)"),
    (
        "template from another year",
        other_year_header,
        "is a template for the 2017 collection, but the Year on its Header sheet is 2018",
    ),
    (
        "two header rows",
        two_header_rows,
        "Sheet 'Header' must hold one row of data, but rows 4 and 5",
    ),
    (
        "heading row deleted",
        heading_row_deleted,
        "Rows 1 to 3 of sheet 'Workers' are no longer the template's heading rows",
    ),
    ("lone pair column", lone_other_item, "'Other item 1' without its partner column"),
    (
        "bad element name",
        bad_element_name,
        "Workers!Z4 holds 'my note', which is not an XML element name",
    ),
    ("ods", ods, "is an OpenDocument spreadsheet"),
    ("csv with semicolons", csv_semicolons, "separates its columns with semicolons or tabs"),
    ("workbook named .csv", csv_is_a_workbook, "is an Excel workbook, not a CSV file"),
    ("unknown csv", csv_unknown_file, "export.csv is not one of the template's CSV files"),
    ("empty folder", csv_empty_folder, "holds none of header.csv, la_level.csv, workers.csv"),
    (
        "csv missing column",
        csv_missing_column,
        "workers.csv has no column for: Whether the social worker is an agency worker",
    ),
    (
        "number no program writes",
        number_no_program_writes,
        "Sheet 'Workers' holds a number that cannot be read (such as INF, NaN or a number "
        "thousands of digits long) in row 4 or the next row holding values",
    ),
    (
        "csv control character",
        csv_control_character,
        "(HCPC identifier) holds a control character (U+0001) that cannot be sent in a return",
    ),
    (
        "csv control character in a heading",
        csv_control_character_in_heading,
        "(heading) holds a control character (U+0002) that cannot be sent in a return",
    ),
]


@pytest.mark.parametrize(("case", "make", "phrase"), CASES, ids=[c[0] for c in CASES])
def test_one_clear_message(case: str, make: Maker, phrase: str, tmp_path: Path) -> None:
    path = make(tmp_path)
    report = validate_sheet(path)
    assert report.fatal is not None, case
    assert phrase in report.fatal.message
    assert report.issues == []


@pytest.mark.parametrize(("case", "make", "phrase"), CASES, ids=[c[0] for c in CASES])
def test_generate_and_convert_exit_2_with_the_message(
    case: str, make: Maker, phrase: str, tmp_path: Path
) -> None:
    path = make(tmp_path)
    runner = CliRunner()
    for args in (
        ["generate", str(path), "-o", str(tmp_path / "out.xml")],
        ["convert", str(path), "-o", str(tmp_path / "out.xlsx")],
    ):
        result = runner.invoke(cli, args)
        assert result.exit_code == 2, (case, args, result.output)
        assert phrase in " ".join(result.output.split()), result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not (tmp_path / "out.xml").exists()


def test_a_template_for_another_year_than_asked(tmp_path: Path) -> None:
    path = tmp_path / "t2017.xlsx"
    build_workbook(load_spec(2017))[0].save(path)
    report = validate_sheet(path, year=2018)
    assert report.fatal is not None
    assert "a template for the 2017 collection, but this return is for 2018" in report.fatal.message
    assert "csww template --year 2018" in report.fatal.message
    assert validate_sheet(path, year=2017).fatal is None


def test_an_old_xls_saved_by_office_software(
    tmp_path: Path, resave: Callable[[Path, str], Path]
) -> None:
    xls = resave(_return_workbook(tmp_path), "xls")
    report = validate_sheet(xls)
    assert report.fatal is not None and "old Excel 97–2003 format (.xls)" in report.fatal.message


def test_a_csv_that_is_not_utf8_is_read_as_windows_1252_and_says_so(tmp_path: Path) -> None:
    ret = make_return()
    ret.workers[0].values["QualInst"] = "Université de Genève"
    write_csv_dir(ret, tmp_path)
    path = tmp_path / "workers.csv"
    path.write_bytes(path.read_text(encoding="utf-8-sig").encode("cp1252"))
    report = validate_sheet(tmp_path)
    assert report.fatal is None
    assert [(i.rule, i.cell) for i in report.issues] == [("958Q", "workers.csv!A1")]
    from csww.sheets.csv_reader import read_csv

    assert read_csv(tmp_path).workers[0].values["QualInst"] == "Université de Genève"


def test_an_extra_column_is_ignored_with_a_note_naming_it(tmp_path: Path) -> None:
    """A column the HR officer added (names, notes) does not make the file unreadable: it is
    left out of the return, and one query names it at its heading."""
    path = extra_column(tmp_path)
    report = validate_sheet(path)
    assert report.fatal is None
    notes = [i for i in report.issues if i.rule == "960Q"]
    assert [(i.cell, i.value) for i in notes] == [("Workers!Z1", "Notes")]
    assert "'Notes'" in notes[0].message and "ignored" in notes[0].message
