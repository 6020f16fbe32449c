"""The 903 workbook template, and XML ↔ workbook ↔ CSV set round trips."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from csww.cla.read import read_return
from csww.cla.references.postcodes import PostcodeLookup
from csww.cla.sheets.convert import csv_set, write_csv_set
from csww.cla.sheets.template import GUIDANCE, LISTS, template, workbook
from csww.cla.spec import spec_for
from csww.cla.synth import synth_return
from csww.cla.write import write_xml
from tests.paths import SHARED

FAKE = SHARED / "reference" / "ssda903" / "d2i_903" / "fake_data"


@pytest.mark.parametrize("year", [2016, 2025, 2026, 2027])
def test_template_has_a_sheet_per_table_with_the_years_codes_as_dropdowns(year: int) -> None:
    spec = spec_for(year)
    wb = load_workbook(io.BytesIO(template(year)))
    assert wb.sheetnames == [GUIDANCE, LISTS, *spec.tables]
    episodes = wb["Episodes"]
    assert [c.value for c in episodes[1]] == list(spec.table("Episodes").columns)
    lists = wb[LISTS]
    place_col = next(c.column_letter for c in lists[1] if c.value == "PLACE")
    place_codes = {c.value for c in lists[place_col][1:] if c.value}
    assert place_codes == spec.codes("PLACE")
    formulas = {dv.formula1 for dv in episodes.data_validations.dataValidation}
    assert f"={LISTS}!${place_col}$2:${place_col}${len(place_codes) + 1}" in formulas
    # K3 is a choice from 2025, Z11 from 2026; H5 no longer from 2026.
    assert ("K3" in place_codes) == (year >= 2025)
    assert ("H5" in place_codes) == (year < 2026)


def test_an_empty_template_reads_as_an_empty_return() -> None:
    result = read_return(template(2025))
    assert result.ok and result.notes == [] and result.format == "workbook"
    assert result.tables is not None and result.tables.rows() == 0


def test_dates_and_numbers_excel_made_are_read_back_as_text(tmp_path: Path) -> None:
    import datetime as dt

    wb = load_workbook(io.BytesIO(template(2025)))
    ws = wb["Header"]
    ws.append([12345, "M", dt.datetime(2010, 2, 1), "WBRI", "A123456789012", None, None])
    buf = io.BytesIO()
    wb.save(buf)
    result = read_return(buf.getvalue())
    assert result.tables is not None
    assert result.tables["Header"].select("CHILD", "DOB").rows() == [("12345", "01/02/2010")]
    assert result.tables["Header"]["_cell"].to_list() == ["Header!A2"]


def test_round_trip_xml_workbook_csv_xml_is_exact(tmp_path: Path) -> None:
    ons = PostcodeLookup.from_package()
    tables = synth_return("942", 2025, seed=5, postcodes=ons, children=120).tables
    xml = write_xml(tables)
    from_xml = read_return(xml).tables
    assert from_xml is not None
    from_book = read_return(workbook(from_xml, 2025)).tables
    assert from_book is not None
    write_csv_set(from_book, tmp_path / "set", spec_for(2025))
    from_csv = read_return(tmp_path / "set").tables
    assert from_csv is not None
    for name, frame in tables.items():
        for other in (from_xml, from_book, from_csv):
            assert other[name].drop("_line", "_cell").equals(frame.drop("_line", "_cell")), name
    assert write_xml(from_csv) == xml


def test_dfes_fake_csv_set_round_trips_through_workbook_and_csv(tmp_path: Path) -> None:
    original = read_return(FAKE).tables
    assert original is not None
    book = read_return(workbook(original, 2024)).tables
    assert book is not None
    write_csv_set(book, tmp_path)
    again = read_return(tmp_path).tables
    assert again is not None
    for name in ("Header", "Episodes", "Reviews", "OC3", "SWEpisodes"):
        assert again[name].drop("_line", "_cell").equals(original[name].drop("_line", "_cell")), (
            name
        )


def test_csv_set_names_and_columns() -> None:
    files = csv_set({}, spec_for(2016))
    assert sorted(files) == sorted(
        [
            "header.csv",
            "episodes.csv",
            "uasc.csv",
            "reviews.csv",
            "oc2.csv",
            "oc3.csv",
            "ad1.csv",
            "placed_for_adoption.csv",
            "previous_permanence.csv",
            "missing.csv",
        ]
    )
    assert files["episodes.csv"].startswith(b"CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,")
