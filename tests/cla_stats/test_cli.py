"""``csww cla stats`` from a CSV set on disk: postcodes give distance and locality."""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl
from click.testing import CliRunner

from csww.cla.stats import published as pub
from csww.cla.stats.compute import compute
from csww.cla.stats.load import Given, load
from csww.cli.main import cli

from .build import COLUMNS

HOME, NEAR_IN, NEAR_OUT = "N1 0AS", "N1 0AT", "N1 3GN"  # Camden, Camden, Islington (ONS)


def _write(folder: Path) -> None:
    folder.mkdir()
    rows = {
        "Header": [{"CHILD": "A", "SEX": "M", "DOB": "01/06/2015"}],
        "Episodes": [
            {
                "CHILD": "A",
                "DECOM": "01/01/2024",
                "RNE": "S",
                "LS": "C2",
                "CIN": "N1",
                "PLACE": "U4",
                "PLACE_PROVIDER": "PR1",
                "DEC": "01/06/2024",
                "REC": "X1",
                "REASON_PLACE_CHANGE": "CARPL",
                "HOME_POST": HOME,
                "PL_POST": NEAR_IN,
            },
            {
                "CHILD": "A",
                "DECOM": "01/06/2024",
                "RNE": "P",
                "LS": "C2",
                "CIN": "N1",
                "PLACE": "U4",
                "PLACE_PROVIDER": "PR2",
                "HOME_POST": HOME,
                "PL_POST": NEAR_OUT,
            },
        ],
    }
    for name, data in rows.items():
        with open(folder / f"{name}.csv", "w", newline="") as handle:
            w = csv.DictWriter(handle, fieldnames=COLUMNS[name])
            w.writeheader()
            w.writerows(data)


def test_distance_and_locality_come_from_postcodes(tmp_path: Path) -> None:
    _write(tmp_path / "r")
    r, notes = load(Given("202", 2025, tmp_path / "r"))
    assert notes == []
    eps = r.tables["Episodes"]
    assert eps["PL_LOCATION"].to_list() == ["IN", "OUT"]
    assert eps["PL_LA"].to_list() == ["202", "204"]
    c = compute([r]).counts[0].tables["new_placements_la"]
    loc = "Location of new placements during the year"
    assert c[(loc, "Placed outside LA boundary less than 20 miles from home")] == 1
    assert c[(loc, "Total new placements")] == 1  # the June move; January was last year


def test_command_writes_dfe_files(tmp_path: Path) -> None:
    _write(tmp_path / "r")
    out = tmp_path / "out"
    report = tmp_path / "camden.html"
    result = CliRunner().invoke(
        cli, ["cla", "stats", f"202:2025:{tmp_path / 'r'}", "-o", str(out), "--report", str(report)]
    )
    assert result.exit_code == 0, result.output
    assert "Counted 1 return(s): 202 2025" in result.output
    table = pl.read_csv(out / "la_cla_during_year_new_placements.csv", infer_schema_length=0)
    la = table.filter(pl.col("geographic_level") == "Local authority")
    assert set(la["la_name"]) == {"Camden"}
    assert la.filter(pl.col("breakdown") == "Total new placements")["children_count"].to_list() == [
        "c"
    ]
    assert (out / "national_reason_for_placement_change_during_year.csv").exists()
    assert "<svg" in report.read_text()


def test_report_takes_comparators_from_published_files(tmp_path: Path) -> None:
    folder = pub.reference_folder()
    assert folder is not None, "DfE's published 903 files: ../shared/reference/ssda903/ees_cla"
    release = folder / "release_2025"
    _write(tmp_path / "r")
    report = tmp_path / "camden.html"
    args = [
        "cla",
        "stats",
        f"202:2025:{tmp_path / 'r'}",
        "--report",
        str(report),
        "--published",
        str(release),
    ]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    page = report.read_text()
    # England's published 2025 figure: 10% with 3 or more placements in the year
    # Camden's own figure (one child, 0 with 3 placements), then DfE's: neighbours' median,
    # Inner London 10%, England 10% (2025)
    assert "<td>3 or more placements in the year</td><td>0%</td>" in page
    row = page.split("<td>3 or more placements in the year</td>")[1].split("</tr>")[0]
    assert row.endswith("<td>10%</td><td>10%</td>")


def test_bad_input_gets_a_message_not_a_traceback(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["cla", "stats", str(tmp_path / "nothing.xml")])
    assert result.exit_code != 0 and "LA:YEAR:PATH" in result.output
    result = runner.invoke(cli, ["cla", "stats", f"202:2025:{tmp_path / 'nothing.xml'}"])
    assert result.exit_code != 0 and "No such file" in result.output
    assert "Traceback" not in result.output


def test_compare_takes_a_903_table(tmp_path: Path) -> None:
    _write(tmp_path / "r")
    out = tmp_path / "out"
    runner = CliRunner()
    assert (
        runner.invoke(cli, ["cla", "stats", f"202:2025:{tmp_path / 'r'}", "-o", str(out)]).exit_code
        == 0
    )
    mine = out / "la_cla_placement_stability.csv"
    same = runner.invoke(cli, ["compare", str(mine), str(mine)])
    assert same.exit_code == 0, same.output
    assert "Local authority: same 12" in same.output  # 6 rows, number and percentage
    # DfE's file with one figure changed: compare finds it and exits 1
    text = mine.read_text().splitlines()
    changed = next(
        line for line in text if ",National," in line and "CLA on 31 March,Total children" in line
    )
    altered = tmp_path / "published.csv"
    altered.write_text(
        "\n".join(text).replace(changed, changed.replace(",0,100", ",20,100")) + "\n"
    )
    differs = runner.invoke(cli, ["compare", str(mine), str(altered)])
    assert differs.exit_code == 1
    assert "National: differs 1" in differs.output and "computed 0, published 20" in differs.output
    wrong = runner.invoke(
        cli, ["compare", str(mine), str(out / "national_care_leavers_staying_put.csv")]
    )
    assert wrong.exit_code == 2 and "is not DfE's la_cla_placement_stability file" in wrong.output
