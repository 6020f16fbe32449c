"""``csww cla stats`` on returns made by csww's 903 synthetic generator (csww.cla.synth) and written by its
writer as DfE's XML: read back, distance derived from the postcodes, and counted. Two
figures are checked against a plain count of the same XML's episodes."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import polars as pl
from click.testing import CliRunner

from csww.cla.read import read_return
from csww.cla.synth import synth_return
from csww.cla.write import write_xml
from csww.cli.main import cli


def _day(text: str | None) -> date | None:
    return datetime.strptime(text, "%d/%m/%Y").date() if text else None


def test_stats_from_cla_io_xml(tmp_path: Path) -> None:
    made = synth_return("202", 2025, seed=3, children=250)
    this, last = tmp_path / "202_2025.xml", tmp_path / "202_2024.xml"
    this.write_bytes(write_xml(made.tables))
    last.write_bytes(write_xml(made.previous))
    out = tmp_path / "out"
    args = [
        "cla",
        "stats",
        f"202:2025:{this}",
        "--previous-years",
        f"202:2024:{last}",
        "-o",
        str(out),
    ]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output

    episodes = read_return(this).tables["Episodes"]  # type: ignore[index]
    a, b = date(2024, 4, 1), date(2025, 3, 31)
    rows = [r for r in episodes.iter_rows(named=True) if r["LS"] not in ("V3", "V4")]
    at_end = {
        r["CHILD"]
        for r in rows
        if _day(r["DECOM"]) <= b and (r["DEC"] is None or _day(r["DEC"]) > b)  # type: ignore[operator]
    }
    starts = [
        r for r in rows if a <= _day(r["DECOM"]) <= b and r["RNE"] in ("S", "P", "B", "T", "U")
    ]  # type: ignore[operator]

    stability = pl.read_csv(out / "la_cla_placement_stability.csv", infer_schema_length=0)
    la = stability.filter(
        (pl.col("geographic_level") == "Local authority")
        & (pl.col("cla_group") == "CLA on 31 March")
        & (pl.col("placement_stability") == "Total children")
    )
    assert la["children_count"].to_list() == [str(len(at_end))]
    placements = pl.read_csv(out / "la_cla_during_year_new_placements.csv", infer_schema_length=0)
    total = placements.filter(
        (pl.col("geographic_level") == "Local authority")
        & (pl.col("breakdown") == "Total new placements")
    )
    assert total["children_count"].to_list() == [str(len(starts))]
    assert len(starts) > 5 and len(at_end) > 5  # both above DfE's suppression
