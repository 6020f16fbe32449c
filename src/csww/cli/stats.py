"""``csww stats``, ``csww report``, ``csww compare`` and ``csww synth``."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from csww import inputs
from csww.cli import progress
from csww.cli.years import YEAR
from csww.reader import ReadError
from csww.spec import available_years

if TYPE_CHECKING:
    from csww.stats.breakdowns import Breakdowns
    from csww.stats.collect import Measured
    from csww.stats.quality import QualityFlags

SPEC_YEARS = f"{available_years()[0]} to {available_years()[-1]}"


def _fail(message: str, code: int = 2) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


def _measure(
    paths: tuple[Path, ...], breakdowns: bool, year: int | None, pay: bool = False
) -> list[Measured]:
    from csww.stats.batch import ReturnRead, read_file
    from csww.stats.collect import find_returns, in_batches

    files = find_returns(paths)
    if not files:
        _fail("no XML returns found in the paths given.")
    sheets = [p for p in files if p.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".csv")]
    if sheets:
        _fail(
            f"{sheets[0]} is a spreadsheet; statistics are computed from XML returns. Turn it "
            f"into XML first: csww generate {sheets[0]} -o {sheets[0].with_suffix('.xml')}"
        )
    show = progress.files("Reading returns", len(files))

    def reads() -> Iterator[ReturnRead]:
        for done, path in enumerate(files, 1):
            show(done, path.name)
            try:
                # The front door decides each return's year (its header, or --year) or
                # refuses it.
                decided = inputs.open_input(path, year).year
                yield read_file(path, decided)
            except inputs.Refused as exc:
                progress.done()
                _fail(f"{path}: {exc.message} Run 'csww validate {path}' for details.")
            except ReadError as exc:
                progress.done()
                _fail(f"{path}: {exc} Run 'csww validate {path}' for details.")

    measured = list(in_batches(reads(), breakdowns, pay))
    progress.done()
    return measured


def _write(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {output}", err=True)


def load_flags(flags_path: str | None) -> QualityFlags | None:
    """DfE's quality flags from ``--quality-flags``: 'dfe' or a CSV file; a clear message
    (never a traceback) for anything else."""
    if flags_path is None:
        return None
    from csww.stats.quality import FlagsError, dfe_quality_flags, read

    if flags_path == "dfe":
        return dfe_quality_flags()
    if not Path(flags_path).is_file():
        _fail(f"{flags_path} is not a file: give a CSV of la_code,year,indicator, or 'dfe'.")
    try:
        return read(Path(flags_path))
    except FlagsError as exc:
        _fail(str(exc))


@click.command("stats")
@click.argument("returns", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json", "html"]), default="csv", show_default=True
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write here instead of the screen.",
)
@click.option(
    "--breakdowns-csv",
    "--breakdowns",
    "breakdowns_path",
    metavar="FILE.csv",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write the breakdowns (age, gender, ethnicity, role, ...) as CSV to this file.",
)
@click.option(
    "--pay-csv",
    "--pay",
    "pay_path",
    metavar="FILE.csv",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write pay statistics (from 2025: median base salary by role, as recorded and for "
    "full-time posts; recruitment and retention and other payments; incentives) as CSV to this file.",
)
@click.option("--year", type=YEAR, help="Collection year (default: each return's header).")
@click.option("--no-suppress", is_flag=True, help="Show figures DfE would suppress (c).")
@click.option(
    "--quality-flags",
    "flags_path",
    help="DfE's quality flags (u): 'dfe' for the flags in DfE's published file, or a CSV of "
    "la_code,year,indicator. Flagged figures show as u and stay out of regional and national "
    "rates built on them, as DfE does (docs/methodology.md).",
)
def stats_command(
    returns: tuple[Path, ...],
    fmt: str,
    output: Path | None,
    breakdowns_path: Path | None,
    pay_path: Path | None,
    year: int | None,
    no_suppress: bool,
    flags_path: str | None,
) -> None:
    """Workforce statistics from RETURNS (XML files or folders of them; one per LA, any years).

    Gives a row per LA per year plus regional and national rows, computed by DfE's published
    methodology, in the layout of DfE's indicators file (docs/methodology.md).
    """
    from csww.stats.aggregate import table
    from csww.stats.collect import unit_breakdowns
    from csww.stats.output import breakdowns_csv, notes_for, to_csv, to_json
    from csww.stats.page_html import SCRIPT, script, to_page

    flags = load_flags(flags_path)
    want_breakdowns = fmt == "json" or breakdowns_path is not None
    measured = _measure(returns, want_breakdowns, year, pay=pay_path is not None)
    units = table([m.measures for m in measured], flags)
    suppress = not no_suppress
    breakdowns = list(unit_breakdowns(measured).values())
    notes = notes_for(measured, units)
    if fmt == "csv":
        _write(to_csv(units, suppress), output)
    elif fmt == "json":
        _write(to_json(units, measured, breakdowns, suppress), output)
    else:
        _write(to_page(units, notes, suppress), output)
        if output is not None:  # sorting and filtering: a static script beside the page
            (output.parent / SCRIPT).write_text(script(), encoding="utf-8")
    if breakdowns_path is not None:
        _write(breakdowns_csv(breakdowns), breakdowns_path)
    if pay_path is not None:
        from csww.stats import pay

        tallies = [m.pay for m in measured if m.pay is not None]
        if not any(t.collects_pay for t in tallies):
            click.echo(
                "Note: none of these returns is of a year that collects pay (2025 on).", err=True
            )
        _write(pay.to_csv(tallies), pay_path)
    if fmt != "json":
        for note in notes:
            click.echo(f"Note: {note}", err=True)


@click.command("report")
@click.argument("returns", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--compare-with",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder of returns for the other LAs: region and England computed from them "
    "(default: DfE's published figures for the same years).",
)
@click.option("--la", "la_code", help="The LA to report on, when the returns cover several.")
@click.option("--output", "-o", required=True, type=click.Path(path_type=Path, dir_okay=False))
def report_command(
    returns: tuple[Path, ...], compare_with: Path | None, la_code: str | None, output: Path
) -> None:
    """A self-contained HTML benchmarking report for one LA from its RETURNS (one per year)."""
    from csww.stats import published as pub
    from csww.stats.aggregate import table
    from csww.stats.collect import unit_breakdowns
    from csww.stats.indicators import MEASURE_COLUMNS
    from csww.stats.neighbours import grouping, neighbour_cells, standings
    from csww.stats.output import notes_for
    from csww.stats.report_html import Comparator, Neighbours, render

    measured = _measure(returns, True, None)
    units = table([m.measures for m in measured])
    las = [u for u in units if u.level == "Local authority"]
    codes = sorted({u.code for u in las})
    if la_code:
        code = pub.unit_code(la_code, max(u.year for u in las))
        las = [u for u in las if u.code == code]
        if not las:
            _fail(f"the returns hold no return for LA {la_code} (they hold {', '.join(codes)}).")
    elif len(codes) > 1:
        _fail(f"the returns cover several LAs ({', '.join(codes)}): choose one with --la.")
    series = {u.year: u.row() for u in las}
    latest = max(las, key=lambda u: u.year)
    region_code, region_name = latest.geography["region_code"], latest.geography["region_name"]
    region = Comparator(region_name or "Region")
    england = Comparator("England")
    la_rows: dict[int, dict[str, dict[str, str]]] = {}  # year → unit code → cells
    england_breakdowns = None
    if compare_with is not None:
        others = _measure((compare_with,), True, None)
        mine = {(m.measures.year, m.unit[1]) for m in others}
        others += [m for m in measured if (m.measures.year, m.unit[1]) not in mine]
        for u in table([m.measures for m in others]):
            if u.level == "National":
                england.cells[u.year] = u.row()
            elif u.level == "Regional" and u.code == region_code:
                region.cells[u.year] = u.row()
            elif u.level == "Local authority":
                la_rows.setdefault(u.year, {})[u.code] = u.row()
        everyone = [m for m in others if m.measures.year == latest.year]
        england_breakdowns = national_breakdowns(everyone)
        source = f"computed from the returns in {compare_with.name}"
    else:
        for year in series:
            for target, level, c in (
                (region, "Regional", region_code),
                (england, "National", "E92000001"),
            ):
                row = pub.row_for(year, level, c)
                if row is not None:
                    target.cells[year] = row.cells
            la_rows[year] = {c: dict(r.cells) for c, r in pub.la_rows(year).items()}
        source = "DfE's published figures"
    group = grouping(latest.year)
    neighbours = Comparator("Statistical neighbours (median)", neighbours=True)
    counted = 0
    for year in series:
        cells, counted = neighbour_cells(latest.code, year, la_rows.get(year, {}), MEASURE_COLUMNS)
        if counted:
            neighbours.cells[year] = cells
    source += f"; statistical neighbours: {group.name}"
    comparators = [region, england] if region_code else [england]
    if neighbours.cells:
        comparators.insert(0, neighbours)
    places = standings(
        latest.code, series[latest.year], la_rows.get(latest.year, {}), MEASURE_COLUMNS
    )
    named = _named_neighbours(latest.code, latest.year, la_rows.get(latest.year, {}))
    near = Neighbours(group.name, *named)
    mine_measured = [m for m in measured if m.unit == (latest.year, latest.code)]
    breakdowns = unit_breakdowns(mine_measured).get((latest.year, latest.code))
    measures = mine_measured[0].measures if len(mine_measured) == 1 else None
    page = render(
        latest.name,
        region_name or "region not known",
        series,
        comparators,
        source,
        breakdowns,
        measures,
        notes_for(mine_measured, []),
        places or None,
        england_breakdowns,
        near,
        latest.code,
    )
    output.write_text(page, encoding="utf-8")
    click.echo(f"Wrote {output}", err=True)


def _named_neighbours(
    code: str, year: int, rows: dict[str, dict[str, str]]
) -> tuple[list[tuple[str, str, dict[str, str]]], list[str]]:
    """The LA's statistical neighbours, nearest first, each with its name and figures for
    ``year`` (``rows`` by unit code); and the neighbours with no figures that year."""
    from csww.stats import published as pub
    from csww.stats.neighbours import neighbours_of

    def name(other: str) -> str:
        area = pub.area_for(other, year)
        return area.la_name if area is not None else other

    found: list[tuple[str, str, dict[str, str]]] = []
    missing = []
    for other in neighbours_of(code, year):
        unit = next((u for u in rows if other in u.split(" / ")), None)
        if unit is None:
            missing.append(f"{name(other)} ({other})")
        elif unit != code and all(unit != u for _, u, _ in found):
            found.append((rows[unit].get("la_name") or name(other), unit, rows[unit]))
    return found, missing


def national_breakdowns(measured: list[Measured]) -> Breakdowns | None:
    """England's breakdowns: every return's merged (None when none was read with them)."""
    from csww.stats.breakdowns import Breakdowns

    found = [m.breakdowns for m in measured if m.breakdowns is not None]
    if not found:
        return None
    whole = Breakdowns(found[0].year, "E92000001")
    for b in found:
        whole.merge(b)
    return whole


@click.command("compare")
@click.argument("computed", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument(
    "published", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--tolerance",
    type=float,
    default=0.0,
    show_default=True,
    help="Largest difference between two numbers that still counts as the same.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write every difference as CSV here.",
)
@click.option(
    "--all", "every", is_flag=True, help="With --output, write every cell, not only differences."
)
def compare_command(
    computed: Path, published: Path | None, tolerance: float, output: Path | None, every: bool
) -> None:
    """Compare COMPUTED statistics with PUBLISHED ones (both in DfE's indicators layout, or a
    903 table written by ``csww cla stats -o`` and DfE's file of that table). Without
    PUBLISHED, a workforce file is compared with DfE's published file that csww carries
    (csww_indicators_2017_to_2025.csv, docs/methodology.md).

    Exit status: 0 when every value matches within the tolerance, 1 when some differ.
    """
    from importlib import resources

    from csww.cla.stats import compare as cla_compare  # 903 tables (csww cla stats -o)
    from csww.stats.compare import NotComparable, compare_files, summary, to_csv, to_text
    from csww.stats.published import DEFAULT_FILE

    if cla_compare.table_of(computed) is not None:
        if published is None:
            raise click.UsageError(
                "a 903 table is compared with DfE's file of that table: give PUBLISHED"
            )
        sys.exit(cla_compare.run(computed, published, output, every))
    try:
        if published is None:
            shipped = resources.files("csww.stats").joinpath("data", DEFAULT_FILE)
            with resources.as_file(shipped) as path:
                cells = compare_files(computed, path, tolerance)
        else:
            cells = compare_files(computed, published, tolerance)
    except NotComparable as exc:
        _fail(str(exc))
    click.echo(to_text(cells, tolerance), nl=False)
    if output is not None:
        from csww.report.render import for_excel  # read by people, in Excel

        output.write_text(for_excel(to_csv(cells, only_differences=not every)), encoding="utf-8")
    sys.exit(1 if summary(cells)["differs"] else 0)


@click.command("synth")
@click.option(
    "--year",
    type=YEAR,
    required=True,
    help=f"Collection year, {SPEC_YEARS}: the LA's published figures for that year, or the "
    "latest published ones for a year DfE has not published yet.",
)
@click.option(
    "--la",
    "las",
    multiple=True,
    help="LA code (repeat for several; 314 for Kingston and Richmond).",
)
@click.option("--all-las", is_flag=True, help="Every LA DfE published for the year.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--scale",
    type=float,
    default=1.0,
    show_default=True,
    help="Multiply the workforce (benchmarks).",
)
@click.option(
    "--output",
    "-o",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("."),
    show_default=True,
    help="Folder for the returns; with one --la, a FILE.xml names the return itself.",
)
@click.option(
    "--linked-years",
    type=click.IntRange(0, 20),
    default=0,
    show_default=True,
    help="Also write this many later years in which the same people stay, move between "
    "LAs, go into agency work or leave (rates in docs/flows.md).",
)
def synth_command(
    year: int,
    las: tuple[str, ...],
    all_las: bool,
    seed: int,
    scale: float,
    out_dir: Path,
    linked_years: int,
) -> None:
    """Write synthetic returns whose statistics reproduce DfE's published LA figures."""
    from csww.synth import UnknownLA, generate, la_codes, targets, write_all

    if bool(las) == all_las:
        raise click.UsageError("give --la CODE (one or more) or --all-las.")
    codes = la_codes(year) if all_las else list(las)
    if not codes:
        _fail(f"DfE published no LA figures for {year}.")
    one_file = out_dir.suffix.lower() == ".xml"
    if one_file and len(codes) != 1:
        _fail(
            f"{out_dir} names one file, but {len(codes)} returns were asked for: give a folder "
            "with -o, or one --la."
        )
    if out_dir.exists() and out_dir.is_dir() == one_file:
        kind = "a folder" if one_file else "a file"
        _fail(f"{out_dir} is {kind}: give -o a folder, or with one --la a FILE.xml.")
    try:
        if one_file:
            from csww.writer import write

            out_dir.parent.mkdir(parents=True, exist_ok=True)
            write(generate(year, codes[0], seed=seed, scale=scale), out_dir)
            paths = [out_dir]
        else:
            show = progress.files("Writing synthetic returns", len(codes))
            paths = write_all(year, out_dir, seed=seed, las=codes, scale=scale, progress=show)
            progress.done()
    except UnknownLA as exc:
        _fail(str(exc))
    click.echo(f"Wrote {len(paths)} synthetic return(s) for {year} to {out_dir}", err=True)
    if linked_years:
        _linked(paths, linked_years, seed, out_dir)
    if scale == 1.0:
        for code in codes:
            t = targets(year, code)
            for column, why in {**t.imputed, **t.deviations}.items():
                click.echo(f"  {t.area.la_name} ({t.unit}) {column}: {why}", err=True)


def _linked(paths: list[Path], years: int, seed: int, out_dir: Path) -> None:
    """Write ``years`` linked years after the returns at ``paths`` (csww.synth.linked)."""
    from csww.reader import read
    from csww.synth.linked import next_year
    from csww.writer import write

    returns = [read(p) for p in paths]
    for _ in range(years):
        returns = next_year(returns, seed=seed)
        for ret in returns:
            write(ret, out_dir / f"csww_{ret.year}_{ret.lea}.xml")
        click.echo(
            f"Wrote {len(returns)} linked return(s) for {returns[0].year} to {out_dir}", err=True
        )
