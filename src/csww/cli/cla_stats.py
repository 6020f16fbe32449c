"""``csww cla stats``: DfE's published 903 tables from LAs' own returns."""

from __future__ import annotations

from pathlib import Path

import click

from csww.cla.stats.compute import Return, compute
from csww.cla.stats.load import StatsInputError, load, parse_given, write_tables
from csww.cli.cla import cla_group


@click.command(name="stats")
@click.argument("returns", nargs=-1, required=True)
@click.option(
    "--previous-years",
    "previous",
    multiple=True,
    help="An earlier return of the same LA (LA:YEAR:PATH), used to link children across "
    "years for the two-year and long-term measures; not counted itself. Repeatable.",
)
@click.option("--la", help="DfE 3-digit LA code for returns given as bare paths.")
@click.option("--year", type=int, help="Collection year (its 31 March) for bare paths.")
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="Folder for the tables (one CSV each)."
)
@click.option("--report", type=click.Path(path_type=Path), help="Write the LA's HTML report here.")
@click.option(
    "--published",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A folder of DfE's published LA files (e.g. ees_cla/release_2025): comparators for "
    "the report where the run has none.",
)
def stats_command(
    returns: tuple[str, ...],
    previous: tuple[str, ...],
    la: str | None,
    year: int | None,
    output: Path | None,
    report: Path | None,
    published: Path | None,
) -> None:
    """DfE's published tables (placement moves by reason, new placements and children at
    31 March by distance and locality, stability, previous permanence, care leavers) from
    903 RETURNS, each given as LA:YEAR:PATH (XML, CSV folder, zip or workbook).

    Tables are in DfE's layout with its rounding and suppression: LA figures unrounded,
    1 to 5 shown as c; regional and national figures rounded to the nearest 10.
    """
    given: list[Return] = []
    notes: list[str] = []
    try:
        for text in previous:
            r, n = load(parse_given(text, la, None if year is None else year - 1), counted=False)
            given.append(r)
            notes += n
        for text in returns:
            r, n = load(parse_given(text, la, year))
            given.append(r)
            notes += n
    except StatsInputError as exc:
        raise click.ClickException(str(exc)) from None
    result = compute(given)
    counted = sorted({(r.la, r.year) for r in given if r.counted})
    click.echo(f"Counted {len(counted)} return(s): " + ", ".join(f"{a} {y}" for a, y in counted))
    for (code, y), repairs in sorted(result.repairs.items()):
        done = {k: v for k, v in repairs.items() if v}
        if done:
            click.echo(
                f"  {code} {y}: linked episodes repaired: "
                + ", ".join(f"{k} {v}" for k, v in done.items())
            )
    for note in notes + result.notes():
        click.echo(f"  note: {note}")
    for name, rows in result.tables.items():
        click.echo(f"  {name}: {len(rows)} rows")
    if output is not None:
        written = write_tables(result.tables, output)
        click.echo(f"Wrote {len(written)} tables to {output}")
    if report is not None:
        from csww.cla.stats.published import read
        from csww.cla.stats.report import render

        code = la or counted[-1][0]
        files = {}
        if published is not None:
            for name in result.tables:
                if (published / f"{name}.csv").is_file():
                    files[name] = read(published / f"{name}.csv")
        report.write_text(render(result, code, files), encoding="utf-8")
        click.echo(f"Wrote the report for {code} to {report}")


cla_group.add_command(stats_command)
