"""`csww report` says who the LA is compared with: each statistical neighbour by name, with
its own figures beside the LA's and their median."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from click.testing import CliRunner

from csww.cli.main import cli
from csww.stats import published as pub
from csww.stats.neighbours import grouping, neighbours_of
from csww.synth import write_all


def _rows(html: str, heading: str) -> list[list[str]]:
    """The cells of each row of the table that follows ``heading``."""
    start = html.index(heading)
    table = html[html.index("<table>", start) : html.index("</table>", start)]
    return [
        [
            unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<t[hd]>(.*?)</t[hd]>", row)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", table)
    ]


YEAR, CODE = 2024, "383"  # Leeds


@pytest.fixture(scope="module")
def leeds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Leeds's 2024 report, from its synthetic return."""
    folder = tmp_path_factory.mktemp("report")
    written = write_all(YEAR, folder, las=[CODE])
    out = folder / "leeds.html"
    done = CliRunner().invoke(cli, ["report", str(written[0]), "-o", str(out)])
    assert done.exit_code == 0, done.output
    return out


def test_the_report_names_each_neighbour_with_its_figures(leeds: Path) -> None:
    year, code = YEAR, CODE
    html = leeds.read_text(encoding="utf-8")
    rows = _rows(html, f"Leeds and its statistical neighbours, {year}")
    assert rows[0][:2] == [f"Local authority, {year}", "Code"]
    assert rows[1][:2] == ["Leeds", code]
    published = pub.la_rows(year)
    expected = neighbours_of(code, year)
    assert len(expected) == 10
    named = rows[2:-1]
    assert [r[1] for r in named] == list(expected)  # nearest first, as DfE's grouping lists them
    for name, unit, vacancy, agency, turnover, caseload, absence in named:
        cells = published[unit].cells
        assert name == cells["la_name"]
        assert vacancy == f"{float(cells['vacancy_rate_fte']):.1f}%"
        assert agency == f"{float(cells['agency_rate_fte']):.1f}%"
        assert turnover == f"{float(cells['turnover_rate_fte']):.1f}%"
        assert (
            caseload == cells["caseload_fte"]
            and absence == f"{float(cells['absence_rate_fte']):.1f}%"
        )
    assert rows[-1][0] == "Median of the 10 neighbours"
    turnovers = sorted(float(published[u].cells["turnover_rate_fte"]) for u in expected)
    assert rows[-1][4] == f"{(turnovers[4] + turnovers[5]) / 2:.1f}%"
    assert grouping(year).name in unescape(html)
    lede = unescape(re.sub(r"<[^>]+>", "", html[html.index("Its statistical neighbours") :]))
    assert lede.startswith("Its statistical neighbours: " + ", ".join(r[0] for r in named))


def test_the_report_prints_on_a4_with_nothing_cut_off(leeds: Path, tmp_path: Path) -> None:
    """Printed (Chromium, A4 portrait): no chart or table wider than the page, and the
    neighbours' heading on the same page as their table."""
    import subprocess

    from tests.chromium import chromium

    pdf = tmp_path / "leeds.pdf"
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 718, "height": 1000})  # A4 less margins
        page.goto(leeds.as_uri())
        page.emulate_media(media="print")
        overflow = page.evaluate(
            "() => [...document.querySelectorAll('svg, table, .tile')]"
            ".filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)"
            ".map(e => e.outerHTML.slice(0, 80))"
        )
        assert overflow == []
        page.pdf(path=str(pdf), format="A4", print_background=True)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = text.split("\f")
    near = next(p for p in pages if f"Leeds and its statistical neighbours, {YEAR}" in p)
    assert "Median of the" in near and "Sheffield" in near and "Wirral" in near
