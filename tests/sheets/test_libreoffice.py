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


def _pages(pdf: Path) -> list[str]:
    """The text of each printed page."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1]


def _by_sheet(pages: list[str]) -> dict[str, list[str]]:
    """Pages grouped by the sheet named in their footer ("Workers – page 3 of 18")."""
    import re

    out: dict[str, list[str]] = {}
    for page in pages:
        found = re.search(r"(\S[^\n]*?) – page \d+ of \d+", page)
        assert found, page[-300:]
        out.setdefault(found[1].strip(), []).append(page)
    return out


def _pdfinfo(pdf: Path) -> str:
    return subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout


def test_the_template_prints_legibly(tmp_path: Path) -> None:
    """The Guidance on a few landscape pages, its table's heading on each; the data sheets at
    a readable scale with their heading rows (and on Workers the registration number) on
    every page. Before: 28 portrait pages, the Guidance cut at the page edge, the Workers
    sheet shrunk to one page's width."""
    from csww.sheets.template import build_workbook

    path = tmp_path / "t2025.xlsx"
    build_workbook(load_spec(2025))[0].save(path)
    pdf = libreoffice_convert(path, "pdf", tmp_path / "pdf", tmp_path / "lo-profile")
    assert "841.89 x 595.304 pts (A4)" in _pdfinfo(pdf)  # landscape
    sheets = _by_sheet(_pages(pdf))
    assert list(sheets) == ["Guidance", "Header", "LA level", "Workers"]
    assert len(sheets["Guidance"]) <= 6, len(sheets["Guidance"])
    for page in sheets["Guidance"][1:]:
        assert "What to record" in page and "Workers in" in page  # the heading row repeats
    assert "how to fill in this workbook" in sheets["Guidance"][0]
    assert "Date of birth" in "".join(sheets["Guidance"])  # every row printed, none cut off
    spec = load_spec(2025)
    printed = "".join(sheets["Workers"])
    for item in spec.worker.values():  # every column on some page, its name whole
        assert item.name.split()[-1] in printed, item.name
    for page in sheets["Workers"]:
        assert "registration" in page and "Mandatory" in page  # columns A:B and row 2 repeat


def test_the_highlighted_workbook_prints_its_summary_whole(tmp_path: Path) -> None:
    source = REFERENCE / "csww-2022-sample.xml"
    from csww.engine import validate

    report = validate(source)
    out = tmp_path / "marked.xlsx"
    write_highlighted(source, report, out)
    pdf = libreoffice_convert(out, "pdf", tmp_path / "pdf", tmp_path / "lo-profile")
    sheets = _by_sheet(_pages(pdf))
    summary = sheets["Summary"][0]
    for label in ("Collection year", "Worker records", "Errors", "Queries"):
        assert label in summary, summary[:800]
    assert "Message" in summary and "Guide section" in summary  # on the same page as the rules
    assert len(sheets["Summary"]) <= 3
    assert all("Message" in page for page in sheets["Issues"])  # its heading on every page
