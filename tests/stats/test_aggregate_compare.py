"""Regional and national rows, the joint Kingston and Richmond return, and comparison."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from csww.stats.aggregate import table
from csww.stats.collect import measure_return
from csww.stats.compare import compare_rows, status, summary, to_csv, to_text
from csww.stats.output import to_csv as stats_csv
from csww.stats.published import read_rows
from tests.factories import make_la, make_return, make_worker


def la_return(lea: str, n: int, cover: str | None = "1", year: int = 2018):
    workers = [make_worker("inpost", year, SWENo=f"SW{lea}{i}", FTE="1") for i in range(n)]
    workers.append(make_worker("leaver", year, SWENo=f"SW{lea}99", FTE="1"))
    workers.append(make_worker("agency", year, SWENo=f"SW{lea}98", FTE="1"))
    ret = make_return(workers, year=year, lea=lea)
    ret.la = make_la(
        NumberOfVacancies="2", NoAgencyFTE=cover, NoAgencyHeadcount="1" if cover else None
    )
    return measure_return(ret).measures


def test_regional_and_national_rows_add_las_and_rates_skip_las_without_the_figures() -> None:
    units = table([la_return("301", 9), la_return("302", 4, cover=None), la_return("841", 4)])
    levels = [(u.level, u.code) for u in units]
    assert levels[:4] == [
        ("National", "E92000001"),
        ("Regional", "E12000001"),
        ("Regional", "E12000007"),
        ("Regional", "E13000002"),
    ]
    england = units[0].row()
    assert england["inpost_headcount"] == "17"
    assert england["agency_cover_fte"] == "2"  # Barnet gave no cover figure
    # Cover rate over the two LAs with cover: 2 ÷ 2 agency FTE, not 2 ÷ 3.
    assert england["agency_cover_rate_fte"] == "100"
    assert england["vacancy_agency_cover_rate_fte"] == "50"  # 2 ÷ 4 vacancies of the same two LAs
    london = next(u for u in units if u.code == "E12000007").row()
    assert london["inpost_headcount"] == "13" and london["region_name"] == "London"
    barnet = next(u for u in units if u.code == "302").row()
    assert barnet["agency_cover_fte"] == "x" and barnet["la_name"] == "Barnet"


def test_kingston_and_richmond_make_one_joint_row() -> None:
    units = table([la_return("314", 5), la_return("318", 6)])
    las = [u for u in units if u.level == "Local authority"]
    assert len(las) == 1
    row = las[0].row()
    assert row["old_la_code"] == "314 / 318"
    assert row["la_name"] == "Kingston upon Thames / Richmond upon Thames"
    assert row["inpost_headcount"] == "11" and row["agency_headcount"] == "2"


def test_several_years_give_rows_per_year_newest_first() -> None:
    units = table([la_return("301", 3, year=2017), la_return("301", 4, year=2018)])
    assert [u.year for u in units if u.level == "Local authority"] == [2018, 2017]


def test_cell_status() -> None:
    assert status("12.3", "12.3", 0) == "same"
    assert status("12.3", "12.4", 0.1) == "same"
    assert status("12.3", "12.5", 0.1) == "differs"
    assert status("4", "c", 0) == "not comparable"
    assert status("low", "0", 0.1) == "same"
    assert status("z", "0", 0) == "differs"


def test_compare_finds_each_difference_by_indicator_and_la(tmp_path: Path) -> None:
    units = table([la_return("301", 9), la_return("841", 4)])
    computed = stats_csv(units)
    path = tmp_path / "computed.csv"
    path.write_text(computed)
    published = list(csv.DictReader(io.StringIO(computed)))
    darlington = next(r for r in published if r["old_la_code"] == "841")
    darlington["inpost_fte"] = "4.2"  # off by 0.2
    darlington["cases"] = "c"
    edited = tmp_path / "published.csv"
    with edited.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(published[0]))
        writer.writeheader()
        writer.writerows(published)
    cells = compare_rows(read_rows(path), read_rows(edited), tolerance=0.1)
    counts = summary(cells)
    assert counts["differs"] == 1 and counts["not comparable"] == 1
    differing = [c for c in cells if c.status == "differs"]
    assert (differing[0].code, differing[0].column, differing[0].difference) == (
        "841",
        "inpost_fte",
        -0.2,
    )
    assert "841" in to_text(cells, 0.1)
    assert to_csv(cells).count("\n") == 2  # the header and the one difference
    loose = summary(compare_rows(read_rows(path), read_rows(edited), tolerance=0.25))
    assert loose["differs"] == 0


def _indicators(path: Path, rows: list[dict[str, str]]) -> Path:
    from csww.stats.indicators import MEASURE_COLUMNS

    columns = ["time_period", "geographic_level", "new_la_code", "old_la_code", "la_name"]
    columns += list(MEASURE_COLUMNS)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, columns)
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
    return path


def test_compare_lists_every_differing_value_before_rows_in_one_file(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from csww.cli.main import cli

    base = {"time_period": "2018", "geographic_level": "Local authority", "old_la_code": "201"}
    computed = _indicators(tmp_path / "c.csv", [base | {"la_name": "City", "inpost_fte": "11.5"}])
    published = _indicators(
        tmp_path / "p.csv",
        [
            base | {"la_name": "City", "inpost_fte": "12.5"},
            base | {"old_la_code": "202", "la_name": "Camden", "inpost_fte": "1"},
        ],
    )
    result = CliRunner().invoke(cli, ["compare", str(computed), str(published)])
    assert result.exit_code == 1
    out = result.output
    line = "2018 Local authority 201 City: inpost_fte 11.5 vs 12.5 (difference -1)"
    assert line in out
    assert out.index(line) < out.index("Camden: in the published file only")


def test_compare_refuses_files_not_in_the_indicators_layout_or_swapped(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from csww import write
    from csww.cli.main import cli
    from tests.factories import make_return

    xml = tmp_path / "a.xml"
    write(make_return(), xml)
    result = CliRunner().invoke(cli, ["compare", str(xml), str(xml)])
    assert result.exit_code == 2 and "is an XML return" in result.output
    row = {"time_period": "2018", "geographic_level": "Local authority", "old_la_code": "201"}
    small = _indicators(tmp_path / "computed.csv", [row | {"inpost_fte": "1"}])
    wide = _indicators(
        tmp_path / "published.csv",
        [row | {"inpost_fte": "1"}, row | {"time_period": "2019", "inpost_fte": "2"}],
    )
    swapped = CliRunner().invoke(cli, ["compare", str(wide), str(small)])
    assert swapped.exit_code == 2 and "wrong way round" in swapped.output
    assert CliRunner().invoke(cli, ["compare", str(small), str(wide)]).exit_code == 0
