"""Regenerate the pictures in docs/images/ from what csww makes, rendered as its users see it:
workbooks printed by LibreOffice, pages in Chromium.

    .venv/bin/python scripts/screenshots.py

Writes template-guidance.png, highlighted-workbook.png, validation-report.png, la-report.png,
statistics-page.png and statistics-table.png. The tests render the same artefacts
(tests/sheets/test_libreoffice.py, tests/stats/test_page.py); this script keeps the docs'
copies current.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from click.testing import CliRunner  # noqa: E402
from tests.chromium import chromium  # noqa: E402
from tests.sheets.conftest import libreoffice_convert  # noqa: E402
from tests.sheets.test_highlight import flawed  # noqa: E402
from tests.sheets.test_libreoffice import render_highlighted  # noqa: E402

from csww.cli.main import cli  # noqa: E402
from csww.report.html import to_html  # noqa: E402
from csww.sheets.convert import write_workbook  # noqa: E402
from csww.sheets.template import build_workbook  # noqa: E402
from csww.sheets.validate import validate_sheet  # noqa: E402
from csww.spec import load_spec  # noqa: E402
from csww.synth import write_all  # noqa: E402

IMAGES = ROOT / "docs" / "images"


def run(*args: str) -> None:
    done = CliRunner().invoke(cli, list(args))
    if done.exit_code not in (0, 1):
        raise SystemExit(f"csww {' '.join(args)} failed: {done.output}")


def template(work: Path) -> None:
    wb = build_workbook(load_spec(2018))[0]
    for ws in list(wb.worksheets):
        if ws.title != "Guidance":
            wb.remove(ws)
    wb.save(work / "guidance.xlsx")  # the first page, as the template prints it
    pdf = libreoffice_convert(work / "guidance.xlsx", "pdf", work / "pdf", work / "lo-profile")
    stem = IMAGES / "template-guidance"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)],
        check=True,
    )


def pages(work: Path) -> None:
    write_workbook(flawed(), work / "flawed.xlsx")
    report = validate_sheet(work / "flawed.xlsx")
    report.source = "filled.xlsx"
    (work / "report.html").write_text(to_html(report), "utf-8")
    write_all(2024, work / "all")
    run(
        "report",
        str(work / "all" / "csww_2024_383.xml"),
        "--compare-with",
        str(work / "all"),
        "-o",
        str(work / "leeds.html"),
    )
    write_all(2023, work / "all23")
    (work / "site").mkdir()
    run(
        "stats",
        str(work / "all"),
        str(work / "all23"),
        "--format",
        "html",
        "-o",
        str(work / "site" / "stats.html"),
    )
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 1000})
        pg = context.new_page()
        pg.goto((work / "report.html").as_uri())
        pg.screenshot(path=str(IMAGES / "validation-report.png"), full_page=False)
        pg.set_viewport_size({"width": 1200, "height": 2300})
        pg.goto((work / "leeds.html").as_uri())
        pg.screenshot(path=str(IMAGES / "la-report.png"), full_page=False)
        pg.set_viewport_size({"width": 1400, "height": 1300})
        pg.goto((work / "site" / "stats.html").as_uri())
        pg.screenshot(path=str(IMAGES / "statistics-page.png"), full_page=False)
        pg.set_viewport_size({"width": 1400, "height": 900})
        pg.select_option("#filter-year", "2024")
        pg.select_option("#filter-level", "Local authority")
        pg.get_by_role("button", name="Vacancy rate (FTE, %)").click()
        pg.evaluate("document.querySelector('.scroll').scrollLeft = 0")
        pg.locator("#table-controls").scroll_into_view_if_needed()
        pg.evaluate("window.scrollBy(0, -60)")
        pg.screenshot(path=str(IMAGES / "statistics-table.png"), full_page=False)
        context.close()


def main() -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        template(work)
        (work / "hl").mkdir()
        render_highlighted(work / "hl", IMAGES / "highlighted-workbook.png")
        pages(work)
    for name in sorted(p.name for p in IMAGES.glob("*.png")):
        print(f"docs/images/{name}")


if __name__ == "__main__":
    main()
