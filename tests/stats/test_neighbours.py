"""The LA report benchmarks as DfE does: against the median of the LA's statistical
neighbours (DfE's groupings), its region and England, with its rank and quartile among all
LAs; the make-up of its workforce beside England's; small groups withheld."""

from __future__ import annotations

import re
import statistics
from html import unescape
from pathlib import Path

import pytest
from click.testing import CliRunner

from csww.cli.main import cli
from csww.stats import published as pub
from csww.stats.indicators import parse_published
from csww.stats.neighbours import grouping, neighbours_of, standing
from csww.synth import write_all

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "src" / "csww" / "stats" / "data" / "neighbours"


def test_the_groupings_ship_with_their_licence_and_sources() -> None:
    licence = (SHIPPED / "LICENSE.CSC_outcomes_and_enablers.MIT.txt").read_text()
    assert licence.startswith("MIT License")
    assert "CSC_outcomes_and_enablers" in (SHIPPED / "SOURCES.md").read_text()


def test_dfe_groupings_by_year() -> None:
    assert grouping(2021).name == "DfE's April 2021 statistical neighbours"
    assert grouping(2025).name == "DfE's 2025 statistical neighbour model"
    # Barnet's nearest neighbours, as DfE's files list them.
    assert neighbours_of("302", 2021)[:3] == ("315", "314", "870")
    assert neighbours_of("302", 2025)[:3] == ("320", "870", "310")
    assert all(len(n) == 10 for n in grouping(2025).neighbours.values())


def test_rank_and_quartile() -> None:
    assert str(standing(5.0, [1, 2, 3, 4, 5, 6, 7, 8])) == "5 of 8 (quartile 3)"
    assert standing(1.0, [1, 1, 2, 3]) == standing(1.0, [3, 2, 1, 1])
    assert standing(9.0, [1, 2, 3, 9]).quartile == 4  # type: ignore[union-attr]
    assert standing(None, [1, 2]) is None


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("leeds")
    write_all(2023, folder, las=["383"])
    page = folder / "leeds.html"
    done = CliRunner().invoke(cli, ["report", str(folder / "csww_2023_383.xml"), "-o", str(page)])
    assert done.exit_code == 0, done.output
    return unescape(page.read_text())


def test_the_report_shows_the_median_of_the_statistical_neighbours(report: str) -> None:
    rows = pub.la_rows(2023)
    values = [
        parse_published(rows[pub.unit_code(c, 2023)].cells["vacancy_rate_fte"])
        for c in neighbours_of("383", 2023)
    ]
    expected = statistics.median(v for v in values if v is not None)
    assert f"Statistical neighbours (median) {expected:.1f}%" in report
    assert "DfE's April 2021 statistical neighbours" in report
    # Each headline says how the LA compares with England and with its neighbours.
    assert len(re.findall(r"England; [^<]*its neighbours", report)) == 5


def test_the_report_gives_rank_and_quartile_among_all_las(report: str) -> None:
    assert "Rank among LAs (1 = lowest)" in report
    row = re.search(r"<tr><td>Vacancy rate \(FTE, %\)</td>(.*?)</tr>", report)
    assert row is not None
    cells = re.findall(r"<td>(.*?)</td>", row[1])
    rank, quartile = cells[-2], cells[-1]
    m = re.fullmatch(r"(\d+) of (\d+)", rank)
    assert m and 140 <= int(m[2]) <= 153 and 1 <= int(m[1]) <= int(m[2])
    assert quartile == str(1 + 4 * (int(m[1]) - 1) // int(m[2]))


def test_breakdowns_beside_england_and_small_groups_withheld(tmp_path: Path) -> None:
    write_all(2018, tmp_path / "all", las=["420", "383", "380", "381"])
    page = tmp_path / "scilly.html"
    done = CliRunner().invoke(
        cli,
        [
            "report",
            str(tmp_path / "all" / "csww_2018_420.xml"),
            "--compare-with",
            str(tmp_path / "all"),
            "-o",
            str(page),
        ],
    )
    assert done.exit_code == 0, done.output
    html = unescape(page.read_text())
    assert "Female 100" not in html and ">100.0%<" not in html.split("The workforce in")[1]
    assert "Not shown, as fewer than 3 people" in html
    leeds = tmp_path / "leeds.html"
    CliRunner().invoke(
        cli,
        [
            "report",
            str(tmp_path / "all" / "csww_2018_383.xml"),
            "--compare-with",
            str(tmp_path / "all"),
            "-o",
            str(leeds),
        ],
    )
    workforce = unescape(leeds.read_text()).split("The workforce in")[1]
    assert re.search(r"<title>England: [\d.]+%</title>", workforce)
