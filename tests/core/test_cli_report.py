"""`csww report` says who the LA is compared with: each statistical neighbour by name, with
its own figures beside the LA's and their median."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

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


def test_the_report_names_each_neighbour_with_its_figures(tmp_path: Path) -> None:
    year, code = 2024, "383"  # Leeds
    written = write_all(year, tmp_path, las=[code])
    out = tmp_path / "leeds.html"
    done = CliRunner().invoke(cli, ["report", str(written[0]), "-o", str(out)])
    assert done.exit_code == 0, done.output
    html = out.read_text(encoding="utf-8")
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
