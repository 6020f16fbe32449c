"""The workbook as an HR officer fills it in: what the Guidance sheet promises is what the
reader accepts, the dropdowns speak of their own lists, and each problem is one issue at the
cell to change."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest

from csww.report.render import to_text
from csww.sheets.guidance import lines_needed, short_title
from csww.sheets.validate import validate_sheet
from csww.sheets.values import match_code
from csww.sheets.workbook_reader import read_workbook
from csww.spec import load_spec
from tests.sheets.test_filled import TYPED_WORKER, filled


@pytest.mark.parametrize("typed", ["Yes", "yes", "Y", "y", " YES "])
def test_yes_in_any_case_marks_an_agency_worker(template_path: Path, typed: str) -> None:
    worker = TYPED_WORKER | {"AgencyWorker": typed, "StepUpGrad": typed.lower()}
    ret = read_workbook(filled(template_path, [worker]))
    assert ret.workers[0].values["AgencyWorker"] == "1"
    assert ret.workers[0].values["StepUpGrad"] == "1"


@pytest.mark.parametrize("typed", ["No", "no", "N", "n"])
def test_no_in_any_case(typed: str) -> None:
    spec = load_spec(2018)
    for element in ("AgencyWorker", "StepUpGrad", "Absat30Sept"):
        assert match_code(typed, spec.codes(spec.worker[element])) == "0"


def test_a_yes_typed_agency_row_is_checked_as_an_agency_worker(template_path: Path) -> None:
    """One cell typed "Yes" used to give a conversion error and a dozen "missing" errors."""
    report = validate_sheet(filled(template_path, [TYPED_WORKER | {"AgencyWorker": "Yes"}]))
    at_row = [i.rule for i in report.issues if i.record == 1 and i.severity == "error"]
    assert at_row == []


def _guidance_text(path: Path) -> str:
    ws = openpyxl.load_workbook(path)["Guidance"]
    return "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)


def test_the_guidance_promises_only_spellings_the_reader_accepts(template_path: Path) -> None:
    text = _guidance_text(template_path)
    spec = load_spec(2018)
    agency = spec.codes(spec.worker["AgencyWorker"])
    line = re.search(
        r"= 1 – Yes \(agency worker\) \(or type ([^)]*)\) marks an agency worker", text
    )
    assert line is not None, "the Guidance says how to mark an agency worker, from the list"
    for typed in line[1].split(" or "):
        assert match_code(typed, agency) == "1", typed
    answers = re.search(r"Yes and No answers may also be typed ([^.]*), in any case", text)
    assert answers is not None
    yes_no = spec.codes(spec.worker["StepUpGrad"])
    for typed in answers[1].split(", "):
        for case in (typed, typed.lower(), typed.upper()):
            assert match_code(case, yes_no) in ("0", "1"), case
    assert "None" not in text


def test_dropdown_messages_give_an_example_from_their_own_list(template_path: Path) -> None:
    wb = openpyxl.load_workbook(template_path)
    by_title = {
        dv.promptTitle: dv
        for ws in wb.worksheets
        for dv in ws.data_validations.dataValidation
        if dv.type == "list"
    }
    assert "(for example WBRI)" in by_title["Ethnic origin"].error
    assert "(for example MAT)" in by_title["Reason for absence"].error
    lea = by_title["LEA"]
    example = re.search(r"for example (\d+)", lea.error)
    assert example and example[1] in load_spec(2018).la_codes


def test_input_message_titles_are_whole_words_and_the_name_is_never_cut(
    template_path: Path,
) -> None:
    spec = load_spec(2018)
    wb = openpyxl.load_workbook(template_path)
    names = {i.name for i in spec.worker.values()}
    checked = 0
    for dv in wb["Workers"].data_validations.dataValidation:
        assert len(dv.promptTitle) <= 32
        if dv.promptTitle not in names:
            full = dv.prompt.split(". ")[0]
            assert full in names and short_title(full) == dv.promptTitle
            assert dv.promptTitle.endswith("…")
            checked += 1
    assert checked >= 3


def test_guidance_rows_are_tall_enough_for_their_wrapped_text(template_path: Path) -> None:
    ws = openpyxl.load_workbook(template_path)["Guidance"]
    widths = {c: ws.column_dimensions[c].width for c in "ABCDEFGHIJ"}
    tall = 0
    for row in ws.iter_rows(min_row=11):
        cells = [c for c in row if c.value is not None and c.column_letter in widths]
        if not cells:
            continue
        needed = max(lines_needed(str(c.value), widths[c.column_letter]) for c in cells)
        height = ws.row_dimensions[row[0].row].height
        assert height is not None and height >= 15 * needed, row[0].row
        tall += needed > 1
    assert tall > 10


def test_combined_fte_points_at_the_fte_cells(template_path: Path) -> None:
    second = TYPED_WORKER | {"FTE": 0.8, "OrgRole": "1"}
    report = validate_sheet(filled(template_path, [TYPED_WORKER | {"FTE": 0.5}, second]))
    combined = [i.cell for i in report.issues if i.rule == "701Q"]
    assert combined == ["Workers!C4", "Workers!C5"]


def test_no_worker_records_points_at_the_workers_sheet(template_path: Path) -> None:
    report = validate_sheet(filled(template_path, []))
    assert [i.cell for i in report.issues if i.rule == "801"] == ["Workers!A4"]


def test_each_missing_vacancy_figure_is_named(template_path: Path) -> None:
    report = validate_sheet(filled(template_path, [TYPED_WORKER], la={}))
    missing = [i for i in report.issues if i.rule == "150"]
    assert len(missing) == 3
    text = to_text(report)
    for issue in missing:
        assert issue.item is not None and f"{issue.item} ({issue.field})" in text
        assert issue.message in text


def test_an_impossible_month_is_called_impossible(template_path: Path) -> None:
    worker = TYPED_WORKER | {"PersonBirthDate": "1999-13-01"}
    report = validate_sheet(filled(template_path, [worker]))
    found = [i for i in report.issues if i.cell == "Workers!D4"]
    assert len(found) == 1
    assert "there is no month 13" in found[0].message
    assert "Date of birth" in found[0].message
