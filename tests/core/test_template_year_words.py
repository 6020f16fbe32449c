"""A workbook made for another collection year: the core's message (shared by the command
line and the portal) names no command-line option, and says what to do next in words that
fit both."""

from __future__ import annotations

from pathlib import Path

import pytest

from csww.sheets.rows import SheetError
from csww.sheets.template import build_workbook
from csww.sheets.validate import read_sheet
from csww.spec import load_spec


@pytest.mark.parametrize("portal", [False, True])
def test_a_template_for_another_year_names_no_option(tmp_path: Path, portal: bool) -> None:
    path = tmp_path / "return2017.xlsx"
    build_workbook(load_spec(2017))[0].save(path)
    with pytest.raises(SheetError) as refused:
        read_sheet(path, year=2018, portal=portal)
    message = str(refused.value)
    assert "return2017.xlsx is a template for the 2017 collection" in message
    assert "this return is for 2018" in message
    assert "if the data is for 2017, use the file for the 2017 collection instead" in message
    assert "(--year)" not in message and "year asked for" not in message
    if portal:
        assert "--" not in message and "csww " not in message
        assert "download it from the upload page" in message
