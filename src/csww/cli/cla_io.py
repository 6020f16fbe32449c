"""``csww cla template|generate|convert|synth|pseudonymise|urns``: the 903's files.

Messages never show a child's id, date of birth or postcode.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from csww.cli.cla import cla_group

if TYPE_CHECKING:
    import polars as pl

    from csww.core import Tables

FORMATS = ("xml", "xlsx", "csv")


def _fail(message: str, code: int = 2) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


YEAR = click.option(
    "--year",
    type=int,
    default=None,
    help="The return's year, named by its 31 March (default: the latest).",
)


def _year(year: int | None) -> int:
    from csww.cla.spec import UnknownYear, available_years, latest_year, spec_for

    chosen = year or latest_year()
    try:
        spec_for(chosen)
    except UnknownYear:
        years = available_years()
        _fail(f"there is no 903 specification for {chosen}; years {years[0]}–{years[-1]}.")
    return chosen


def _read(sources: tuple[Path, ...]) -> tuple[Tables, str | None]:
    from csww.cla.read import read_return

    source = sources[0] if len(sources) == 1 else list(sources)
    result = read_return(source)
    if result.tables is None:
        _fail(f"the return cannot be read: {result.failure}")
    for note in result.notes:
        click.echo(f"Note: {note.describe()}", err=True)
    return result.tables, result.format


def _write(tables: Mapping[str, pl.DataFrame], fmt: str, year: int, output: Path) -> None:
    from csww.cla.sheets.convert import to_format
    from csww.cla.write import unwritten

    if fmt == "xml":
        lost = unwritten(tables)
        if lost:
            click.echo(
                f"Note: DfE's XML has no place for {', '.join(lost)}; send those as CSV files "
                "beside the XML.",
                err=True,
            )
    data = to_format(tables, fmt, year)
    if isinstance(data, dict):
        output.mkdir(parents=True, exist_ok=True)
        for name, content in data.items():
            (output / name).write_bytes(content)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(data)


def _fmt_of(output: Path, given: str | None) -> str:
    if given:
        return given
    suffix = output.suffix.lower().lstrip(".")
    if suffix in ("xml", "xlsx"):
        return suffix
    return "csv"


@click.command("template")
@YEAR
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), required=True)
def template_command(year: int | None, output: Path) -> None:
    """Write the year's 903 workbook: a sheet per table, code lists as dropdowns, guidance."""
    from csww.cla.sheets.template import template

    chosen = _year(year)
    output.write_bytes(template(chosen))
    click.echo(f"903 workbook for {chosen} written to {output}.", err=True)


@click.command("generate")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), required=True)
def generate_command(sources: tuple[Path, ...], output: Path) -> None:
    """Turn a filled 903 workbook (or a CSV set) into DfE's XML."""
    tables, _ = _read(sources)
    _write(tables, "xml", 0, output)
    click.echo(f"XML of {tables['Header'].height:,} children written to {output}.", err=True)


@click.command("convert")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True))
@click.option(
    "--to",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="Default: from -o's extension (a folder: csv).",
)
@YEAR
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="A file (xml, xlsx) or a folder (csv).",
)
def convert_command(
    sources: tuple[Path, ...], fmt: str | None, year: int | None, output: Path
) -> None:
    """Convert a 903 return between DfE's XML, a workbook and the CSV set, keeping every item."""
    tables, source_format = _read(sources)
    chosen = _year(year)
    _write(tables, _fmt_of(output, fmt), chosen, output)
    click.echo(f"{source_format} return written as {_fmt_of(output, fmt)} to {output}.", err=True)


@click.command("synth")
@click.option("--la", required=True, help="DfE 3-digit LA code, or 'all' for every LA.")
@YEAR
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--children",
    type=int,
    default=None,
    help="Children in the return (default: the LA's size from DfE's figures).",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="xml", show_default=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="File, or folder for csv or --la all.",
)
@click.option(
    "--previous",
    type=click.Path(path_type=Path),
    default=None,
    help="Also write last year's return here.",
)
@click.option(
    "--urn-list",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Also write the synthetic URN list (CSV) here.",
)
def synth_command(
    la: str,
    year: int | None,
    seed: int,
    children: int | None,
    fmt: str,
    output: Path,
    previous: Path | None,
    urn_list: Path | None,
) -> None:
    """Write a clean synthetic 903 return (and last year's, and a URN list) for an LA."""
    from csww.cla.references.areas import dfe_names
    from csww.cla.references.postcodes import PostcodeLookup, PostcodesMissing
    from csww.cla.synth.places import NoPostcodes
    from csww.cla.synth.returns import summary, synth_return

    chosen = _year(year)
    names = dfe_names()
    codes = sorted(names) if la == "all" else [la]
    if la != "all" and la not in names:
        _fail(f"{la} is not a DfE LA code (for example 213 is Westminster).")
    try:
        lookup = PostcodeLookup.from_package()
    except PostcodesMissing as exc:
        _fail(str(exc))
    made = 0
    for code in codes:
        try:
            result = synth_return(code, chosen, seed=seed, children=children, postcodes=lookup)
        except NoPostcodes:
            click.echo(
                f"{code} {names[code]}: no current postcodes (an LA since abolished); skipped.",
                err=True,
            )
            continue
        suffix = "" if fmt == "csv" else f".{fmt}"
        target = output / f"{code}_{chosen}{suffix}" if la == "all" else output
        _write(result.tables, fmt, chosen, target)
        if previous is not None:
            prev_target = previous / f"{code}_{chosen - 1}{suffix}" if la == "all" else previous
            _write(result.previous, fmt, chosen - 1, prev_target)
        if urn_list is not None:
            urn_target = urn_list.with_name(f"{code}_{urn_list.name}") if la == "all" else urn_list
            result.urn_list.write_csv(urn_target)
        facts = summary(result)
        click.echo(
            f"{code} {names[code]}: {facts['children']:,} children, {facts['episodes']:,} episodes, "
            f"{facts['urns']:,} URNs (last year {facts['previous_children']:,} children).",
            err=True,
        )
        made += 1
    click.echo(f"{made} synthetic return(s) for {chosen} written to {output}.", err=True)


@click.command("pseudonymise")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True)
@click.option("--to", "fmt", type=click.Choice(FORMATS), default=None)
@YEAR
@click.option(
    "--salt-file",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="File holding the secret salt (default: the CSWW_SALT environment variable).",
)
def pseudonymise_command(
    sources: tuple[Path, ...],
    output: Path,
    fmt: str | None,
    year: int | None,
    salt_file: Path | None,
) -> None:
    """Write a copy of a 903 return for sharing: child ids as keyed pseudonyms, dates of birth
    as their month, postcodes as their district, UPNs left out."""
    from csww.cla.privacy import PseudonymClash, SaltError, pseudonymise
    from csww.privacy import check_salt

    if any(output.exists() and output.resolve() == s.resolve() for s in sources):
        _fail(f"{output} is the return itself: the copy would overwrite the original.")
    raw = salt_file.read_bytes().strip() if salt_file else os.environ.get("CSWW_SALT", "").encode()
    try:
        salt = check_salt(raw)
    except SaltError as exc:
        _fail(f"no usable salt: {exc} Give it with --salt-file or CSWW_SALT.")
    tables, _ = _read(sources)
    try:
        copy = pseudonymise(tables, salt)
    except PseudonymClash as exc:
        _fail(str(exc))
    _write(copy, _fmt_of(output, fmt), _year(year), output)
    click.echo(
        f"Pseudonymised copy of {copy['Header'].height:,} children written to {output}.", err=True
    )


@click.command("urns")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True, dir_okay=False)
)
def urns_command(files: tuple[Path, ...]) -> None:
    """Read Ofsted URN lists (any layout csww knows) and say what they hold and allow."""
    from csww.cla.references.urn_list import UrnListError, layouts, read_urn_list

    try:
        urns = read_urn_list(list(files))
    except UrnListError as exc:
        _fail(str(exc))
    titles = {lay.name: lay.title for lay in layouts()}
    click.echo(f"{len(urns):,} settings from: {'; '.join(titles[n] for n in urns.layouts)}.")
    for note in urns.notes:
        click.echo(f"Note: {note}")


for _command in (
    template_command,
    generate_command,
    convert_command,
    synth_command,
    pseudonymise_command,
    urns_command,
):
    cla_group.add_command(_command)
