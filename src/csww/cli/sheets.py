"""``csww template``, ``csww generate`` and ``csww convert``: the XML generator.

Exit status: 0 done with no errors, 1 errors remain (``generate`` still writes the XML
unless ``--strict``), 2 the input cannot be read or the output cannot be written.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click

import csww.sheets  # noqa: F401  (declares the spreadsheet rules, so 'csww rules' lists them)
from csww.cli.files import file_problem
from csww.cli.years import YEAR
from csww.inputs import Input, Refused, Unreadable, kind_of, open_input, read_input
from csww.report.render import to_text
from csww.spec import available_years, load_spec


def _fail(message: str) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(2)


def _spec_year(year: int | None) -> int:
    years = available_years()
    if year is None:
        return years[-1]
    if year not in years:
        _fail(
            f"There is no specification for {year}; templates can be made for {', '.join(map(str, years))}."
        )
    return year


@click.command("template")
@click.option(
    "--year", type=YEAR, help="Collection year (default: the latest with a specification)."
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Workbook to write (default: csww-template-YEAR.xlsx).",
)
@click.option(
    "--csv",
    "csv_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Write header.csv, la_level.csv and workers.csv into this folder instead.",
)
def template_command(year: int | None, output: Path | None, csv_dir: Path | None) -> None:
    """Make the template an HR team fills in: one column per data item, dropdowns for every
    code list, checks on dates and numbers, and a Guidance sheet, all from the year's spec."""
    from csww.sheets.convert import write_csv_dir
    from csww.sheets.template import build_workbook

    if output is not None and csv_dir is not None:
        raise click.UsageError("give either --output (a workbook) or --csv (a folder), not both")
    spec = load_spec(_spec_year(year))
    try:
        if csv_dir is not None:
            files = write_csv_dir(None, csv_dir, spec)
            click.echo(f"Wrote {', '.join(str(f) for f in files)} ({spec.year} collection).")
            return
        target = output or Path(f"csww-template-{spec.year}.xlsx")
        build_workbook(spec)[0].save(target)
    except OSError as exc:
        _fail(file_problem(exc))
    click.echo(f"Wrote {target} ({spec.year} collection).")


def _accepted(source: Path, year: int | None, failing: str, *, sheets_only: bool) -> Input:
    """The return at ``source``, its kind and year decided by the core's front door (as
    ``csww validate`` decides them), or exit 2 with the front door's message."""
    try:
        if sheets_only and source.exists() and kind_of(source) == "xml":
            _fail(
                f"{source}: {failing}: it is not a filled template. 'csww generate' takes an "
                ".xlsx workbook, a .csv file or a folder of CSV files; an XML return is checked "
                f"with 'csww validate {source}'."
            )
        return open_input(source, year)
    except Refused as exc:
        _fail(f"{source}: {'cannot be read' if isinstance(exc, Unreadable) else failing}: {exc}")


@click.command("generate")
@click.argument("source", type=click.Path(path_type=Path))
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    help="XML file to write (default: the input's name with .xml).",
)
@click.option("--strict", is_flag=True, help="Write nothing while errors remain.")
@click.option("--year", type=YEAR, help="Collection year the template must be for.")
def generate_command(source: Path, output: Path | None, strict: bool, year: int | None) -> None:
    """Turn a filled template (SOURCE: .xlsx, a .csv file or a folder of CSV files) into the
    COLLECT XML, after checking it against the rulebook."""
    from csww.sheets.rows import SheetError
    from csww.sheets.validate import check_sheet, read_sheet
    from csww.writer import write

    inp = _accepted(source, year, "no XML written", sheets_only=True)
    try:
        result = read_sheet(inp.path, year=inp.year)
    except SheetError as exc:
        _fail(f"{source}: no XML written: {exc.message}")
    report = check_sheet(result, inp.year, source=str(source))
    click.echo(to_text(report), nl=False)
    if strict and report.errors:
        click.echo(f"Not written: {report.errors} errors remain and --strict was given.", err=True)
        sys.exit(1)
    target = output or (
        source.parent / f"{source.name}.xml" if source.is_dir() else source.with_suffix(".xml")
    )
    try:
        write(result.ret, target)
    except OSError as exc:
        _fail(file_problem(exc))
    click.echo(f"Wrote {target} ({len(result.ret.workers):,} worker records).", err=True)
    sys.exit(0 if report.valid else 1)


@click.command("convert")
@click.argument("source", type=click.Path(path_type=Path))
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    required=True,
    help="A .xlsx workbook, or a folder for CSV files.",
)
@click.option("--year", type=YEAR, help="Collection year of a return whose header gives none.")
def convert_command(source: Path, output: Path, year: int | None) -> None:
    """Turn a return (SOURCE: XML, or a workbook or CSV files) into a filled template, so it
    can be corrected in a spreadsheet. Every value is kept exactly as the file holds it."""
    from csww.sheets.convert import split, write_csv_dir, write_workbook

    inp = _accepted(source, year, "not converted", sheets_only=False)
    try:
        ret = read_input(inp)
    except Refused as exc:
        _fail(f"{source}: cannot be read: {exc}")
    kept = sum(len(row.pairs) for row in [*split(ret, inp.spec).workers])
    try:
        if output.suffix.lower() == ".xlsx":
            write_workbook(ret, output, inp.spec)
        else:
            write_csv_dir(ret, output, inp.spec)
    except OSError as exc:
        _fail(file_problem(exc))
    note = f"; {kept} worker values kept in 'Other item' columns as written" if kept else ""
    empty = sum(1 for w in ret.workers if not w.values)
    click.echo(f"Wrote {output} ({len(ret.workers) - empty:,} worker records{note}).")
    if empty:
        click.echo(
            f"Left out {empty} worker records with no items at all (empty <CSWWWorker> "
            "elements): a blank row cannot hold them.",
            err=True,
        )
