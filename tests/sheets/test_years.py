"""Every collection year through the spreadsheets: the template has the year's columns, and a
return in the year's format survives XML -> workbook -> CSV -> XML exactly."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from csww import to_bytes
from csww.engine import validate_return
from csww.reader import read
from csww.sheets.template import build_workbook
from csww.sheets.validate import validate_sheet
from csww.spec import available_years, load_spec
from tests.factories import make_return
from tests.sheets.test_roundtrip import through_everything


def year_return(year: int):  # type: ignore[no-untyped-def]
    ret = make_return(year=year)
    skills = load_spec(year).element_for("knowledge_and_skills")
    if skills:  # a repeatable item, given twice
        ret.workers[0].values[skills] = "1"
        ret.workers[0].extras.append((skills, "3"))
    return ret


@pytest.mark.parametrize("year", available_years())
def test_a_return_of_every_year_survives_xml_workbook_and_csv(year: int, tmp_path: Path) -> None:
    ret = year_return(year)
    assert validate_return(ret).issues == []
    assert through_everything(ret, tmp_path) == [ret, ret, ret]
    assert read(to_bytes(ret)) == ret
    report = validate_sheet(tmp_path / "r.xlsx")
    assert (report.year, report.errors, report.queries) == (year, 0, 0), report.issues


def headings(ws: openpyxl.worksheet.worksheet.Worksheet) -> set[str]:
    return {str(c.value) for row in ws.iter_rows(max_row=6) for c in row if c.value}


def test_the_2025_template_has_the_pay_items_and_salary_columns() -> None:
    book = build_workbook(load_spec(2025))[0]
    la, workers = headings(book["LA level"]), headings(book["Workers"])
    assert {"RecruitmentBonus", "CostSWE", "OtherAllowances"} <= la
    assert {"BaseSalary", "RRPayments", "OtherPayments", "Sex"} <= workers
    assert not {"QualInst", "CFKSSstatus", "GenderCurrent"} & workers
    older = build_workbook(load_spec(2022))[0]
    assert "RecruitmentBonus" not in headings(older["LA level"])
    assert {"GenderCurrent", "QualInst", "CFKSSstatus"} <= headings(older["Workers"])
