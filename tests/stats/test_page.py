"""`csww stats --format html` as a statistician uses it, in Chromium: headline figures and
charts first, then one table with sticky headings, thousands separators, sorting and
filtering (from a static script; the data is all there without it)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from csww.cli.main import cli
from csww.synth import write_all
from tests.chromium import chromium

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "stats"


@pytest.fixture(scope="module")
def page_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("stats-page")
    for year in (2023, 2024):
        write_all(year, root / "returns", las=["383", "380", "201", "420", "330"])
    out = root / "site" / "stats.html"
    out.parent.mkdir()
    done = CliRunner().invoke(
        cli, ["stats", str(root / "returns"), "--format", "html", "-o", str(out)]
    )
    assert done.exit_code == 0, done.output
    return out


def test_the_data_is_all_there_without_javascript(page_file: Path) -> None:
    html = page_file.read_text(encoding="utf-8")
    assert (page_file.parent / "csww-table.js").is_file()
    assert '<script src="csww-table.js" defer></script>' in html
    assert "<script>" not in html  # no inline script
    levels = re.findall(r'<tr class="level-(\w+)"', html)
    assert levels.count("Local") == 2 * 5 and levels.count("National") == 2
    assert levels.count("Regional") >= 2 * 4
    assert re.search(r">\d{1,3}(,\d{3})+(\.\d)?</td>", html), "thousands separators"
    assert 'id="table-controls" hidden' in html  # controls appear only with the script
    assert html.index("<svg") < html.index('<table id="indicators"')


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


@pytest.mark.browser
def test_sort_filter_and_sticky_headings_in_chromium(page_file: Path, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(page_file.as_uri())
    assert pg.locator("#table-controls").is_visible()
    pg.fill("#filter-area", "Leeds")
    visible = pg.locator("#indicators tbody tr:not([hidden]) th")
    assert visible.all_inner_texts() == ["Leeds", "Leeds"]
    pg.fill("#filter-area", "")
    pg.select_option("#filter-year", "2024")
    pg.select_option("#filter-level", "Local authority")
    assert pg.locator("#indicators tbody tr:not([hidden])").count() == 5
    pg.get_by_role("button", name="Vacancy rate (FTE, %)").click()
    column = pg.locator("#indicators thead th").all_inner_texts().index("Vacancy rate (FTE, %)")
    cells = pg.locator(f"#indicators tbody tr:not([hidden]) td:nth-child({column + 1})")
    values = [float(v) for v in cells.evaluate_all("cs => cs.map(c => c.dataset.value)") if v]
    assert values == sorted(values) and len(values) >= 4
    heading = pg.locator("#indicators thead th").first
    assert heading.evaluate("h => getComputedStyle(h).position") == "sticky"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / "statistics-page.png"), full_page=False)
    pg.locator(".scroll").scroll_into_view_if_needed()
    pg.screenshot(path=str(ARTIFACTS / "statistics-table.png"), full_page=False)
    assert errors == []
    context.close()
