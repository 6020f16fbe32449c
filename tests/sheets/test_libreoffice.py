"""What real office software writes: workbooks re-saved by LibreOffice read the same, and the
highlighted workbook, printed by LibreOffice, shows its red and amber cells where they belong.

These tests need LibreOffice (``make system`` installs it); without it they fail with a clear
message rather than being skipped.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from csww.reader import read
from csww.sheets.convert import write_workbook
from csww.sheets.highlight import write_highlighted
from csww.sheets.workbook_reader import read_workbook, read_workbook_with_issues
from csww.spec import load_spec
from tests.factories import make_return
from tests.sheets.conftest import libreoffice_convert
from tests.sheets.test_filled import TYPED_WORKER, filled
from tests.sheets.test_highlight import flawed

pytestmark = pytest.mark.libreoffice
Resave = Callable[..., Path]
REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "csww"


def test_a_filled_template_saved_by_libreoffice_reads_the_same(
    template_path: Path, resave: Resave
) -> None:
    workers = [
        TYPED_WORKER,
        TYPED_WORKER
        | {
            "SWENo": "SW223344",
            "FTE": 0.5,
            "RoleEndDate": datetime(2018, 3, 31),
            "LeaverDestination": "Not known",
            "FTE30": None,
            "Cases30": None,
            "RoleStartDate": "31 March 2017",
        },
        {},
        TYPED_WORKER
        | {"SWENo": "SW998877", "AgencyWorker": 1, "ContractWeeks": 26.5, "Cases30": 0},
    ]
    source = filled(template_path, workers)
    ours = read_workbook_with_issues(source)
    theirs = read_workbook_with_issues(resave(source))
    assert theirs.ret == ours.ret
    assert [w.cells for w in theirs.ret.workers] == [w.cells for w in ours.ret.workers]
    assert theirs.issues == ours.issues
    assert theirs.template_year == 2018
    leaver = theirs.ret.workers[1].values
    assert (leaver["RoleEndDate"], leaver["RoleStartDate"], leaver["LeaverDestination"]) == (
        "2018-03-31",
        "2017-03-31",
        "8",
    )
    assert theirs.ret.workers[2].values["Cases30"] == "0"


def test_the_template_keeps_its_dropdowns_hidden_rows_and_year_through_libreoffice(
    template_path: Path, resave: Resave
) -> None:
    wb = openpyxl.load_workbook(resave(template_path))
    ws = wb["Workers"]
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert len(lists) == sum(1 for item in load_spec(2018).worker.values() if item.type == "code")
    # LibreOffice keeps each check for the first thousand or so rows only (documented).
    assert all(str(dv.sqref).startswith(f"{str(dv.sqref)[0]}4:") for dv in lists)
    assert ws.row_dimensions[3].hidden
    assert wb["About"]["B1"].value == "2018" and wb["About"].sheet_state == "hidden"


@pytest.mark.parametrize(
    "sample",
    [None, *sorted(REFERENCE.glob("*sample.xml"))[:2]],
    ids=lambda p: p.name if p else "factory",
)
def test_xml_to_workbook_through_libreoffice_and_back_is_exact(
    sample: Path | None, tmp_path: Path, resave: Resave
) -> None:
    original = make_return() if sample is None else read(sample)
    write_workbook(original, tmp_path / "r.xlsx")
    assert read_workbook(resave(tmp_path / "r.xlsx")) == original


def ppm_pixels(path: Path) -> tuple[int, int, bytes]:
    data = path.read_bytes()
    magic, width, height, depth, rest = data.split(maxsplit=4)
    assert magic == b"P6" and depth == b"255"
    return int(width), int(height), rest


def where(
    colour: tuple[int, int, int], image: tuple[int, int, bytes], tolerance: int = 24
) -> list[tuple[int, int]]:
    width, _height, pixels = image
    found = []
    for n in range(0, len(pixels) - 2, 3):
        if all(abs(pixels[n + k] - colour[k]) <= tolerance for k in range(3)):
            found.append(((n // 3) % width, (n // 3) // width))
    return found


def render_highlighted(folder: Path, png: Path | None = None) -> tuple[Path, Path]:
    """The highlighted Workers sheet printed by LibreOffice: (PNG at 60 dpi, PPM for pixels)."""
    write_workbook(flawed(), folder / "r.xlsx")
    from csww.sheets.validate import validate_sheet

    write_highlighted(folder / "r.xlsx", validate_sheet(folder / "r.xlsx"), folder / "h.xlsx")
    wb = openpyxl.load_workbook(folder / "h.xlsx")
    for ws in list(wb.worksheets):
        if ws.title != "Workers":
            wb.remove(ws)
    wb["Workers"].print_area = "A1:H10"
    wb.save(folder / "workers.xlsx")
    pdf = libreoffice_convert(folder / "workers.xlsx", "pdf", folder / "pdf", folder / "lo-profile")
    stem = png.with_suffix("") if png else folder / "page"
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf), str(stem)], check=True)
    subprocess.run(
        ["pdftoppm", "-r", "60", "-singlefile", str(pdf), str(folder / "page")], check=True
    )
    return stem.with_suffix(".png"), folder / "page.ppm"


def test_the_printed_highlighted_workbook_shows_red_and_amber_cells_where_they_belong(
    tmp_path: Path,
) -> None:
    png, ppm = render_highlighted(tmp_path)
    assert png.read_bytes().startswith(b"\x89PNG")
    image = ppm_pixels(ppm)
    red = where((0xFF, 0x7C, 0x80), image)
    amber = where((0xFF, 0xC0, 0x00), image)
    assert len(red) > 100 and len(amber) > 30
    # FTE (column C, worker 2) is the first red cell; the amber birth date is in column D, below it.
    red_top = min(y for _x, y in red)
    first_red_row = [x for x, y in red if y == red_top]
    assert min(x for x, _y in amber) > min(first_red_row)
    assert min(y for _x, y in amber) > red_top
