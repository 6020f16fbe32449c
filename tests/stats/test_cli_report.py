"""The commands are thin: their output is the library's, the report is self-contained, and
the lean statistics reader reads what the core reader reads."""

from __future__ import annotations

import csv
import io
import json
import re
from html import unescape
from pathlib import Path

import pytest
from click.testing import CliRunner

from csww import read, write
from csww.cli.main import cli
from csww.reader import ReadError
from csww.stats.aggregate import table
from csww.stats.collect import measure_paths
from csww.stats.fastread import records
from csww.stats.output import to_csv
from csww.synth import write_all
from tests.factories import make_return, make_worker
from tests.paths import SAMPLES, STATS


def run(*args: str) -> tuple[int, str]:
    """Exit code and everything printed (screen and error stream)."""
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def stdout(*args: str) -> str:
    """What a command prints on standard output alone (its data), after checking it succeeded."""
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def returns(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Synthetic returns: every LA of 2023, and Leeds for 2021 to 2023."""
    root = tmp_path_factory.mktemp("returns")
    write_all(2023, root / "all")
    for year in (2021, 2022, 2023):
        write_all(year, root / "leeds", las=["383"])
    return root


def test_stats_csv_is_the_library_table_in_the_published_layout(returns: Path) -> None:
    out = stdout("stats", str(returns / "all"))
    header = next(csv.reader(io.StringIO(out)))
    assert header == (STATS / "csww_indicators_2017_to_2025.csv").read_text().splitlines()[0].split(
        ","
    )
    assert out == to_csv(table(m.measures for m in measure_paths([returns / "all"])))
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 1 + 11 + 151
    assert rows[0]["geographic_level"] == "National"


def test_stats_json_and_breakdowns(returns: Path, tmp_path: Path) -> None:
    out_csv = tmp_path / "breakdowns.csv"
    out = stdout("stats", str(returns / "leeds"), "--format", "json", "--breakdowns", str(out_csv))
    payload = json.loads(out)
    assert [
        r["time_period"] for r in payload["rows"] if r["geographic_level"] == "Local authority"
    ] == ["2023", "2022", "2021"]
    assert any(b["breakdown"] == "Age group" for b in payload["breakdowns"])
    assert (
        payload["variables_2012_13"][0]["variables"][
            "Number of children's social workers (headcount)"
        ]
        > 0
    )
    assert "FTE recorded on the leaver records" in " ".join(payload["notes"])
    assert "breakdown" in out_csv.read_text().splitlines()[0]
    assert not re.search(r"SW\d{5,}", out_csv.read_text() + out)  # no registration numbers


def test_stats_compares_with_published_figures_through_compare(
    returns: Path, tmp_path: Path
) -> None:
    computed = tmp_path / "computed.csv"
    assert run("stats", str(returns / "all"), "-o", str(computed))[0] == 0
    published = STATS / "csww_indicators_2017_to_2025.csv"
    code, out = run(
        "compare",
        str(computed),
        str(published),
        "--tolerance",
        "0.1",
        "-o",
        str(tmp_path / "d.csv"),
    )
    assert code == 1  # regional and national rows include DfE's suppressed and estimated values
    same = int(re.search(r"(\d+) same", out).group(1))  # type: ignore[union-attr]
    assert same > 3400
    assert (tmp_path / "d.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # for Excel
    differing = list(csv.DictReader((tmp_path / "d.csv").open(encoding="utf-8-sig")))
    assert differing and all(r["status"] in ("differs", "missing") for r in differing)


def test_compare_exits_zero_when_all_match(tmp_path: Path) -> None:
    published = STATS / "csww_indicators_2017_to_2025.csv"
    assert run("compare", str(published), str(published))[0] == 0


def test_report_is_one_self_contained_page(returns: Path, tmp_path: Path) -> None:
    page = tmp_path / "leeds.html"
    code, _ = run("report", str(returns / "leeds"), "-o", str(page))
    assert code == 0
    html = unescape(page.read_text())
    assert "Leeds: children's social work workforce" in html
    assert "Trend, 2021 to 2023" in html and html.count("<svg") >= 10
    assert not re.search(r"https?://", html)
    assert not re.search(r"<script|<link|<img|<iframe|url\(|@import", html, re.I)
    assert "Yorkshire and The Humber" in html and "DfE's published figures" in html
    assert not re.search(r"SW\d{5,}", html)


def test_report_can_compare_with_a_folder_of_returns(returns: Path, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    code, _ = run(
        "report",
        str(returns / "leeds" / "csww_2023_383.xml"),
        "--compare-with",
        str(returns / "all"),
        "-o",
        str(page),
    )
    assert code == 0
    assert "computed from the returns in all" in page.read_text()
    assert run("report", str(returns / "all"), "-o", str(page))[0] == 2  # several LAs: choose one


def test_synth_command_writes_returns(tmp_path: Path) -> None:
    code, out = run("synth", "--year", "2024", "--la", "330", "--la", "420", "-o", str(tmp_path))
    assert code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["csww_2024_330.xml", "csww_2024_420.xml"]
    assert "imputed" in out  # Birmingham's 2024 u cells are explained
    assert run("synth", "--year", "2024")[0] == 2
    assert run("synth", "--year", "2017", "--la", "838", "-o", str(tmp_path))[0] == 2


def test_lean_reader_reads_what_the_core_reader_reads(returns: Path, tmp_path: Path) -> None:
    paths = [returns / "leeds" / "csww_2021_383.xml", *sorted(SAMPLES.glob("csww-20*-sample*.xml"))]
    hand = tmp_path / "hand.xml"
    write(make_return([make_worker("inpost"), make_worker("leaver", SWENo="SW2")]), hand)
    for path in [*paths, hand]:
        core = read(path)
        lean = list(records(path))
        assert [v.values for k, v in lean if k == "worker"] == [w.values for w in core.workers], (
            path
        )
        assert next(v.values for k, v in lean if k == "header") == core.header.values
        la = [v.values for k, v in lean if k == "la"]
        assert la == ([core.la.values] if core.la is not None else [])


def test_unreadable_files_are_reported_as_the_core_reader_would(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><Message>&a;</Message>')
    with pytest.raises(ReadError):
        list(records(bad))
    code, out = run("stats", str(bad))
    assert code == 2 and "csww validate" in out
