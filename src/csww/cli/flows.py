"""``csww flows``: attrition, movement, retention and an LA's continuity report."""

from __future__ import annotations

import os
import secrets
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

import click

from csww import inputs
from csww.cli import progress
from csww.cli.stats import _fail, _write, load_flags

if TYPE_CHECKING:
    from csww.flows.store import Store
    from csww.stats.quality import QualityFlags


def _salt(salt_file: Path | None, store: Path | None) -> bytes:
    """The salt for pseudonyms: given, or (for a store that lives only for this run) random."""
    from csww.privacy import SaltError, check_salt

    raw = salt_file.read_bytes().strip() if salt_file else os.environ.get("CSWW_SALT", "").encode()
    if not raw and store is None:
        return secrets.token_bytes(32)
    try:
        return check_salt(raw)
    except SaltError as exc:
        _fail(
            f"no usable salt: {exc} Give it with --salt-file or CSWW_SALT (a kept --store needs the same salt every time)."
        )


@click.command("flows")
@click.argument("returns", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the attrition figures (CSV, DfE's layout) here instead of the screen.",
)
@click.option(
    "--year",
    "years",
    type=int,
    multiple=True,
    help="Attrition for this year (repeat; default: every year loaded).",
)
@click.option(
    "--movement",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the LA-to-LA movement of leavers and starters (CSV) here.",
)
@click.option(
    "--retention",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write --la's retention curves (CSV) here, and a picture beside it (.html).",
)
@click.option(
    "--continuity",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write --la's continuity report, its latest return against the year before (CSV), here.",
)
@click.option(
    "--matrix",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the leavers' LA-to-LA movement as a matrix (CSV: a row per LA left, a column per LA joined) here.",
)
@click.option("--la", "la_code", help="An LA's own view: only its rows, its flows and its reports.")
@click.option(
    "--store",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Keep the linked store in this DuckDB file (default: memory, for this run only).",
)
@click.option(
    "--salt-file",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="File holding the secret salt for pseudonyms (default: CSWW_SALT).",
)
@click.option(
    "--no-suppress",
    is_flag=True,
    help="Show figures of one or two people that published output suppresses (c).",
)
@click.option(
    "--quality-flags",
    "flags_path",
    help="DfE's quality flags (u), as for 'csww stats': 'dfe' or a CSV of la_code,year,indicator. "
    "An LA whose leavers are flagged shows u and is left out of regional and national rows.",
)
@click.option(
    "--national",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write England's attrition in the layout of DfE's national-only data set "
    "(total, agency and full attrition and movers between LAs, FTE and rate) here.",
)
def flows_command(
    returns: tuple[Path, ...],
    output: Path | None,
    years: tuple[int, ...],
    movement: Path | None,
    retention: Path | None,
    continuity: Path | None,
    matrix: Path | None,
    la_code: str | None,
    store: Path | None,
    salt_file: Path | None,
    no_suppress: bool,
    flags_path: str | None,
    national: Path | None,
) -> None:
    """Workforce flows from RETURNS (XML files or folders; every LA, one or more years).

    Attrition as DfE defines it: each year's leavers classed by where they are on
    30 September (in post in an LA, agency worker, or gone), with FTE rates over in-post
    FTE, nationally, by region and LA, and by age band, role and reason for leaving
    (docs/flows.md). Registration numbers are pseudonymised on loading.
    """
    from csww.flows.store import Store
    from csww.stats.collect import find_returns

    if not returns and store is None:
        raise click.UsageError("give RETURNS (files or folders), or a --store loaded before.")
    if (retention or continuity) and not la_code:
        raise click.UsageError("--retention and --continuity are for one LA: add --la CODE.")
    flags = load_flags(flags_path)
    files = find_returns(returns)
    if returns and not files:
        _fail("no XML returns found in the paths given.")
    _decide_years(files)
    try:
        linked = Store(_salt(salt_file, store), store)
    except OSError as exc:
        _fail(f"cannot open the store {store}: {exc}")
    with linked:
        paths = _load(linked, files)
        unit, wanted = _unit_and_years(linked, la_code, years)
        suppress = not no_suppress
        _attrition(linked, wanted, suppress, unit, output, flags, national)
        if movement is not None or matrix is not None:
            _movement(linked, wanted, suppress, unit, movement, matrix)
        if retention is not None and unit is not None:
            _retention(linked, unit, retention)
        if continuity is not None and unit is not None:
            _continuity(paths, unit, continuity)


def _decide_years(files: list[Path]) -> None:
    """Each return's kind and year, decided by the core's front door as 'csww validate' and
    'csww stats' decide them (its header's Year); a return it refuses stops the run, saying
    why, before anything is loaded."""
    show = progress.files("Reading headers", len(files))
    for done, path in enumerate(files, 1):
        show(done, path.name)
        try:
            if path.exists() and inputs.kind_of(path) != "xml":
                progress.done()
                _fail(
                    f"{path} is a spreadsheet; flows are computed from XML returns. Turn it "
                    f"into XML first: csww generate {path} -o {path.with_suffix('.xml')}"
                )
            inputs.open_input(path)
        except inputs.Refused as exc:
            progress.done()
            _fail(f"{path}: {exc.message} Run 'csww validate {path}' for details.")
    progress.done()


def _load(linked: Store, files: list[Path]) -> dict[tuple[str, int], list[Path]]:
    """Load the returns into the store; the files of each LA (reporting unit) and year."""
    from csww.flows.store import LoadError
    from csww.stats import published as pub

    paths: dict[tuple[str, int], list[Path]] = {}
    same: dict[tuple[str, int], list[str]] = defaultdict(list)
    show = progress.files("Loading returns", len(files))
    try:
        for loaded in linked.load_paths(files, show):
            unit_year = (pub.unit_code(loaded.la, loaded.year), loaded.year)
            paths.setdefault(unit_year, []).append(Path(loaded.source or ""))
            same[(loaded.la, loaded.year)].append(Path(loaded.source or "").name)
    except LoadError as exc:
        progress.done()
        _fail(f"{exc} Run 'csww validate' on it for details.")
    progress.done()
    for (code, year), names in sorted(same.items()):
        if len(names) > 1:
            click.echo(
                f"Note: {len(names)} returns for LA {code} in {year} were given; "
                f"the last read, {names[-1]}, is the one used.",
                err=True,
            )
    return paths


def _unit_and_years(
    linked: Store, la_code: str | None, years: tuple[int, ...]
) -> tuple[str | None, list[int]]:
    """The LA's reporting unit (when one LA's view is asked for) and the years to measure."""
    from csww.stats import published as pub

    held = linked.years()
    if not held:
        _fail("the store holds no returns.")
    unit = pub.unit_code(la_code, max(held)) if la_code else None
    if unit is not None and unit not in {u for _, _, u, _ in linked.returns()}:
        _fail(f"no return for LA {la_code} is loaded.")
    wanted = sorted(set(years) or set(held))
    missing = [y for y in wanted if y not in held]
    if missing:
        _fail(
            f"no returns for {', '.join(map(str, missing))} are loaded (held: {', '.join(map(str, held))})."
        )
    return unit, wanted


def _attrition(
    linked: Store,
    wanted: list[int],
    suppress: bool,
    unit: str | None,
    output: Path | None,
    flags: QualityFlags | None,
    national: Path | None,
) -> None:
    from csww.flows import attrition

    results = [attrition.measure(linked, y, flags) for y in wanted]
    _write(attrition.to_csv(results, suppress, unit), output)
    if national is not None:
        _write(attrition.national_csv(results), national)
    for result in results:
        for note in result.notes:
            click.echo(f"Note: {note}", err=True)


def _movement(
    linked: Store,
    wanted: list[int],
    suppress: bool,
    unit: str | None,
    movement: Path | None,
    matrix: Path | None,
) -> None:
    from csww.flows import movement as moves

    found = [f for y in wanted for f in moves.flows(linked, y)]
    if movement is not None:
        _write(moves.to_csv(found, suppress, unit), movement)
    if matrix is not None:
        mine = [f for f in found if unit is None or f.unit == unit]
        _write(moves.matrix_csv(mine, suppress and unit is None), matrix)
    for y in wanted:
        for note in moves.notes(linked, y):
            click.echo(f"Note: {note}", err=True)


def _retention(linked: Store, unit: str, output: Path) -> None:
    from csww.flows import retention as keep

    found, notes = keep.curves(linked, unit)
    _write(keep.to_csv(found), output)
    _write(keep.to_html(found, notes), output.with_suffix(".html"))
    for note in notes:
        click.echo(f"Note: {note}", err=True)


def _continuity(paths: dict[tuple[str, int], list[Path]], unit: str, output: Path) -> None:
    from csww.flows import continuity as cont

    mine = sorted(year for u, year in paths if u == unit)
    if not mine:
        _fail(f"the continuity report needs the LA's return files: none for {unit} was given.")
    year = mine[-1]
    if (unit, year - 1) not in paths:
        _fail(
            f"the continuity report compares {year} with {year - 1}: give the LA's {year - 1} return too."
        )
    current, previous = paths[(unit, year)], paths[(unit, year - 1)]
    if len(current) > 1 or len(previous) > 1:
        _fail(f"more than one return for {unit} in {year} or {year - 1}: give one of each.")
    found = cont.report(current[0], previous[0])
    if found.fatal is not None:
        _fail(f"{found.current}: {found.fatal.message}")
    _write(cont.to_csv(found), output)
    click.echo(f"Continuity of {current[0].name} against {previous[0].name}:", err=True)
    for line in cont.summary(found):
        click.echo(f"  {line}", err=True)
