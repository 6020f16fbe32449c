"""DfE's quality flags (``u``), applied as DfE applies them, against DfE's published file.

The evidence is independent of the synthetic returns: the LA rows of DfE's file are the
inputs, DfE's regional and national rows the expected output. A total DfE hid behind ``u``
is recovered where exactly one LA hid it: England's total less every other LA's figure
(2022 Gateshead's leavers: 5,796 − 5,795 = 1).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner

from csww.cli.main import cli
from csww.stats import published as pub
from csww.stats.aggregate import Unit, table
from csww.stats.indicators import TOTALS
from csww.stats.measures import LAMeasures
from csww.stats.quality import FlagsError, dfe_quality_flags, parse, read

BUNDLED = Path(pub.__file__).parent / "data" / "dfe_quality_flags_2017_to_2025.csv"
LOW = Fraction(1, 40)  # "low": positive but under 0.05; the middle of that range


def _number(text: str) -> Fraction | None:
    if text == "low":
        return LOW
    try:
        return Fraction(Decimal(text))
    except ArithmeticError:
        return None


def published_las(year: int) -> list[LAMeasures]:
    """DfE's LA rows of ``year`` as measures, each hidden total recovered where it can be."""
    rows = pub.la_rows(year)
    england = pub.row_for(year, "National", "E92000001")
    assert england is not None
    las = {code: {t.name: _number(row.text(t.name)) for t in TOTALS} for code, row in rows.items()}
    for t in TOTALS:
        hidden = [code for code, row in rows.items() if row.text(t.name) == "u"]
        national = _number(england.text(t.name))
        if len(hidden) == 1 and national is not None:
            others = sum((v[t.name] or 0 for c, v in las.items() if c != hidden[0]), Fraction(0))
            las[hidden[0]][t.name] = max(national - others, Fraction(0))
    return [LAMeasures(year, code.split(" / ")[0], totals) for code, totals in las.items()]


def row_of(units: list[Unit], level: str, code: str) -> Unit:
    return next(u for u in units if u.level == level and u.code == code)


# (year, level, code, column, DfE's published figure, what it would be without the flags)
FLAGGED_RATES = [
    (2022, "National", "E92000001", "turnover_rate_fte", "17.2", "17.1"),  # Gateshead
    (2022, "National", "E92000001", "turnover_rate_headcount", "17.3", "17.2"),
    (2022, "Regional", "E12000001", "turnover_rate_fte", "14.8", "13.7"),  # North East
    (2024, "National", "E92000001", "turnover_rate_fte", "13.9", "13.8"),  # Sunderland
    (2024, "Regional", "E12000001", "turnover_rate_fte", "14", "12.6"),
]
# Not in the table: 2023 England's agency rate (Sutton flagged) is 17.9 only if Kensington
# and Chelsea and Westminster, whose agency FTE is x, keep their in-post FTE in the
# denominator; csww takes a rate over the LAs that give all its inputs, which gives 18.0
# (docs/methodology.md, "Regional and national rates").


@pytest.mark.parametrize(
    ("year", "level", "code", "column", "published", "unflagged"),
    FLAGGED_RATES,
    ids=[f"{y}-{c}-{col}" for y, _, c, col, *_ in FLAGGED_RATES],
)
def test_dfe_leaves_an_la_flagged_u_out_of_the_rates_built_on_its_total(
    year: int, level: str, code: str, column: str, published: str, unflagged: str
) -> None:
    measures = published_las(year)
    assert pub.row_for(year, level, code).text(column) == published  # type: ignore[union-attr]
    with_flags = row_of(table(measures, dfe_quality_flags()), level, code)
    without = row_of(table(measures), level, code)
    assert with_flags.cell(column) == published
    assert without.cell(column) == unflagged != published


def test_the_flagged_las_figures_stay_in_the_totals() -> None:
    """England's 2022 leavers (5,796) include Gateshead's, though its turnover is left out."""
    units = table(published_las(2022), dfe_quality_flags())
    england = row_of(units, "National", "E92000001")
    assert england.cell("leavers_headcount") == "5796"
    assert row_of(units, "Local authority", "390").cell("leavers_headcount") == "u"
    assert row_of(units, "Local authority", "390").cell("turnover_rate_fte") == "u"
    assert row_of(units, "Local authority", "390").cell("inpost_fte") == "153.7"


@pytest.mark.parametrize(
    ("year", "column", "published"),
    [
        (2017, "vacancy_agency_cover_rate_fte", "67.5"),  # Sutton's rate flagged
        (2019, "vacancy_agency_cover_rate_fte", "73.1"),  # eight LAs' rates flagged
        (2020, "vacancy_agency_cover_rate_fte", "74.1"),  # seven
        (2021, "agency_cover_rate_fte", "76.4"),  # Surrey's
    ],
)
def test_an_la_whose_rate_alone_is_flagged_still_counts_in_englands_rate(
    year: int, column: str, published: str
) -> None:
    """Cover above vacancies is flagged u on the LA's rate, not its totals: England keeps it."""
    units = table(published_las(year), dfe_quality_flags())
    assert row_of(units, "National", "E92000001").cell(column) == published


def test_bundled_flags_file_is_every_u_cell_of_dfes_file() -> None:
    flags = read(BUNDLED)
    assert flags == dfe_quality_flags()
    assert len(flags) == 50
    assert flags.by_unit[(2022, "390")] == {
        "leavers_fte",
        "leavers_headcount",
        "turnover_rate_fte",
        "turnover_rate_headcount",
    }


def test_a_flag_on_a_joint_returns_code_applies_to_the_reporting_unit() -> None:
    flags = parse("la_code,year,indicator\n318,2020,cases\n")
    assert flags.flagged(2020, "314 / 318") == {"cases", "caseload_fte"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "first line must be the header"),
        ("la,year\n", "first line must be the header"),
        ("la_code,year,indicator\n390,22,leavers_fte\n", "line 2: year '22'"),
        ("la_code,year,indicator\n390,2022,turnover\n", "line 2: 'turnover' is not a column"),
        ("la_code,year,indicator\n,2022,leavers_fte\n", "line 2: the LA code is empty"),
    ],
)
def test_a_bad_flags_file_says_which_line_and_what_to_do(text: str, message: str) -> None:
    with pytest.raises(FlagsError, match=message) as caught:
        parse(text)
    assert "Correct the file" in str(caught.value) or "header" in str(caught.value)


def test_csww_stats_takes_the_flags_and_reports_a_bad_file_without_a_traceback(
    tmp_path: Path,
) -> None:
    from csww import to_bytes
    from tests.factories import make_return

    ret = make_return(year=2022, lea="390")
    (tmp_path / "390.xml").write_bytes(to_bytes(ret))
    runner = CliRunner()
    good = runner.invoke(cli, ["stats", str(tmp_path / "390.xml"), "--quality-flags", str(BUNDLED)])
    assert good.exit_code == 0, good.output
    gateshead = next(line for line in good.stdout.splitlines() if ",390," in line)
    assert gateshead.count(",u") == 4
    bad = tmp_path / "flags.csv"
    bad.write_text("la_code,year,indicator\n390,2022,nonsense\n")
    failed = runner.invoke(cli, ["stats", str(tmp_path / "390.xml"), "--quality-flags", str(bad)])
    assert failed.exit_code == 2
    assert "line 2: 'nonsense'" in failed.output and "Traceback" not in failed.output
