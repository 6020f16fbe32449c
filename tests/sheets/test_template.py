"""The template, read back with openpyxl: sheets, headings, mandatory marks, dropdowns for
every code list, checks on dates and numbers, frozen headings, guidance and the year."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from csww.sheets.convert import write_csv_dir
from csww.sheets.guidance import choice
from csww.sheets.layout import ABOUT_YEAR, YEAR_NAME, status_text
from csww.sheets.template import build_workbook
from csww.sheets.workbook_reader import read_workbook_with_issues
from csww.spec import available_years, load_spec


@pytest.fixture(params=available_years())
def year(request: pytest.FixtureRequest) -> int:
    return int(request.param)


def _template(year: int, tmp_path: Path) -> openpyxl.Workbook:
    path = tmp_path / f"t{year}.xlsx"
    build_workbook(load_spec(year))[0].save(path)
    return openpyxl.load_workbook(path)


def _validations(ws: Worksheet) -> dict[str, object]:
    """Column letter → its data validation."""
    out = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            out[rng.coord.split(":")[0].rstrip("0123456789")] = dv
    return out


def test_sheets_and_their_order(year: int, tmp_path: Path) -> None:
    wb = _template(year, tmp_path)
    assert wb.sheetnames == ["Guidance", "Header", "LA level", "Workers", "About", "Lists"]
    assert [wb[s].sheet_state for s in wb.sheetnames[-2:]] == ["hidden", "hidden"]
    assert wb.active.title == "Guidance"


def test_one_column_per_item_named_as_in_the_guide_with_the_element_in_a_hidden_row(
    year: int, tmp_path: Path
) -> None:
    spec = load_spec(year)
    wb = _template(year, tmp_path)
    for sheet, items in (("Header", spec.header), ("LA level", spec.la), ("Workers", spec.worker)):
        ws = wb[sheet]
        names = [c.value for c in ws[1]]
        assert names == [item.name for item in items.values()]
        assert [c.value for c in ws[3]] == list(items)
        assert ws.row_dimensions[3].hidden
    assert wb["Workers"].freeze_panes == "C4"
    assert wb["Header"].freeze_panes == "A4"


def test_mandatory_columns_are_marked_per_category(year: int, tmp_path: Path) -> None:
    spec = load_spec(year)
    ws = _template(year, tmp_path)["Workers"]
    marks = {
        ws.cell(row=3, column=c).value: ws.cell(row=2, column=c).value
        for c in range(1, ws.max_column + 1)
    }
    assert marks["SWENo"] == "Mandatory for everyone"
    assert marks["RoleEndDate"] == "Mandatory for leavers; Leave blank for in post, agency"
    assert marks["PersonBirthDate"] == "Mandatory for in post, leavers; Voluntary for agency"
    expected_frontline = (
        "Voluntary for in post, leavers, agency"
        if year == 2017
        else "Mandatory for in post, leavers; Voluntary for agency"
    )
    assert marks["FrontlineGrad"] == expected_frontline
    for element, item in spec.worker.items():
        assert marks[element] == status_text(item, "workers")


def test_the_la_level_sheet_says_what_each_item_is_from_the_years_items(
    year: int, tmp_path: Path
) -> None:
    """2025 added eight 0/1/2 pay codes and a free-text item to the three vacancy figures:
    the sheet and the Guidance say so, and never ask for a code "recorded as 0"."""
    spec = load_spec(year)
    wb = _template(year, tmp_path)
    ws = wb["LA level"]
    row2 = {
        ws.cell(row=3, column=c).value: ws.cell(row=2, column=c).value
        for c in range(1, ws.max_column + 1)
    }
    assert row2["NumberOfVacancies"] == "Mandatory (record none as 0)"
    intro = " ".join(
        str(c.value) for row in wb["Guidance"].iter_rows(max_row=9) for c in row if c.value
    )
    codes = [e for e, i in spec.la.items() if i.type == "code"]
    for element in codes:
        assert row2[element] == "Mandatory (choose from the list)"
    if year >= 2025:
        assert len(codes) == 8 and row2["OtherAllowances"] == "Voluntary (leave blank if none)"
        assert "LA level sheet (one row of 12 items, 11 of them mandatory: 3 figures" in intro
        assert "8 codes chosen from a list" in intro
    else:
        assert not codes and "LA level sheet (3 figures, recording none as 0)" in intro
    assert "three vacancy figures" not in intro


def test_header_items_that_may_stay_blank_are_not_called_mandatory(
    year: int, tmp_path: Path
) -> None:
    """XVersion, Release and Serial No "can remain empty" (the guide): row 2 and the
    heading's colour say so."""
    spec = load_spec(year)
    ws = _template(year, tmp_path)["Header"]
    row2 = {
        ws.cell(row=3, column=c).value: ws.cell(row=2, column=c)
        for c in range(1, ws.max_column + 1)
    }
    optional = [e for e, i in spec.header.items() if not i.required]
    assert optional
    for element in optional:
        assert row2[element].value == "Voluntary (may stay blank)"
        assert ws.cell(row=1, column=row2[element].column).font.color.rgb.endswith("000000")
    assert row2["LEA"].value == "Mandatory"


def test_every_code_list_has_an_in_cell_dropdown_of_code_and_label(
    year: int, tmp_path: Path
) -> None:
    spec = load_spec(year)
    wb = _template(year, tmp_path)
    ws, lists = wb["Workers"], wb["Lists"]
    dvs = _validations(ws)
    for col, element in enumerate(spec.worker, start=1):
        item = spec.worker[element]
        if item.type != "code":
            continue
        letter = openpyxl.utils.get_column_letter(col)
        dv = dvs[letter]
        assert dv.type == "list"
        assert f"{letter}4:{letter}1048576" in str(dv.sqref)
        sheet, cells = dv.formula1.split("!")
        assert sheet.strip("'") == "Lists"
        shown = [c.value for row in lists[cells.replace("$", "")] for c in row]
        assert shown == [choice(code, label) for code, label in spec.codes(item).items()]
    lea = _validations(wb["Header"])["E"]
    shown = [c.value for row in lists[lea.formula1.split("!")[1].replace("$", "")] for c in row]
    assert "302 – Barnet" in shown and len(shown) == len(spec.la_codes)


def test_dates_decimals_and_ranges_are_checked_in_the_cell(year: int, tmp_path: Path) -> None:
    spec = load_spec(year)
    ws = _template(year, tmp_path)["Workers"]
    dvs = _validations(ws)
    letters = {e: openpyxl.utils.get_column_letter(n) for n, e in enumerate(spec.worker, start=1)}
    fte, cases, birth, swe = (
        dvs[letters[e]] for e in ("FTE", "Cases30", "PersonBirthDate", "SWENo")
    )
    assert (fte.type, fte.operator, fte.formula1, fte.formula2) == ("decimal", "between", "0", "1")
    assert (cases.type, cases.formula1, cases.formula2) == ("whole", "0", "9999")
    assert birth.type == "date" and birth.operator == "between"
    assert (swe.type, swe.operator, swe.formula1) == ("textLength", "lessThanOrEqual", "12")
    assert ws.column_dimensions[letters["PersonBirthDate"]].number_format == "yyyy-mm-dd"
    assert ws.column_dimensions[letters[spec.element_for("sex") or ""]].number_format == "@"
    assert all(dv.showErrorMessage and dv.prompt for dv in dvs.values())


def test_guidance_sheet_covers_every_item_from_the_spec(year: int, tmp_path: Path) -> None:
    spec = load_spec(year)
    ws = _template(year, tmp_path)["Guidance"]
    rows = {
        r[3]: r
        for r in ws.iter_rows(values_only=True)
        if r[3] and r[0] in ("Header", "LA level", "Workers")
    }
    assert set(rows) == set(spec.header) | set(spec.la) | set(spec.worker)
    sheet, column, name, _element, what, _fmt, _codes, inpost, leavers, agency = rows["RoleEndDate"]
    where = openpyxl.utils.get_column_letter(list(spec.worker).index("RoleEndDate") + 1)
    assert where == ("L" if year >= 2025 else "M")  # QualInst (column G) goes in 2025
    assert (sheet, column, name) == ("Workers", where, "Leaving date")
    assert "last day the leaver was employed" in what
    assert (inpost, leavers, agency) == ("Not applicable", "Mandatory", "Not applicable")
    sex = spec.element_for("sex") or ""
    assert ("F – Female" if year >= 2024 else "2 – Female") in rows[sex][6]
    assert "at most 6 decimal places" in rows["FTE"][5]
    assert all(r[4] for r in rows.values()), "every item says what to record"
    assert str(year) in ws["A1"].value


def test_the_collection_year_is_recorded_and_read_back(year: int, tmp_path: Path) -> None:
    wb = _template(year, tmp_path)
    assert wb["About"]["A1"].value == ABOUT_YEAR and wb["About"]["B1"].value == str(year)
    assert wb.defined_names[YEAR_NAME].attr_text == "About!$B$1"
    assert [c.value for c in wb["Header"][4]][:4] == ["CSWW", str(year), f"{year}-09-30", "L"]
    result = read_workbook_with_issues(tmp_path / f"t{year}.xlsx")
    assert result.template_year == year
    assert result.ret.workers == [] and result.issues == []


def test_csv_template(tmp_path: Path) -> None:
    write_csv_dir(None, tmp_path, load_spec(2018))
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["header.csv", "la_level.csv", "workers.csv"]
    raw = (tmp_path / "workers.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark, so Excel reads accents"
    with (tmp_path / "workers.csv").open(encoding="utf-8-sig", newline="") as fh:
        assert list(csv.reader(fh)) == [[i.name for i in load_spec(2018).worker.values()]]
    with (tmp_path / "header.csv").open(encoding="utf-8-sig", newline="") as fh:
        # LEA, Software Code, Xversion, Release, Serial No and Date Time left blank (the last
        # four "can remain empty" in the guide; csww generate fills Software Code and Date Time).
        assert list(csv.reader(fh))[1] == [
            "CSWW",
            "2018",
            "2018-09-30",
            "L",
            "",
            "",
            "",
            "",
            "",
            "",
        ]
