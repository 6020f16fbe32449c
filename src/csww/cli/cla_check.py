"""``csww cla validate`` and ``csww cla rules``: check a 903 return; list the rulebook."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path
from typing import Any

import click

from csww.cli.cla import cla_group

FORMATS = ("text", "json", "csv", "html", "xlsx")


class ClaYear(click.ParamType):  # type: ignore[type-arg, unused-ignore]
    """A year (its 31 March) csww has a 903 specification for."""

    name = "YEAR"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        from csww.cla.spec import available_years

        text = str(value).strip()
        if not (text.isascii() and text.isdigit() and len(text) == 4):
            self.fail(f"{value!r} is not a year: give four digits, for example 2025.", param, ctx)
        year = int(text)
        years = available_years()
        if year not in years:
            self.fail(
                f"csww has no SSDA903 specification for {year}: it knows {years[0]} to "
                f"{years[-1]} (each year named by its 31 March).",
                param,
                ctx,
            )
        return year


def _la(ctx: click.Context, param: click.Parameter, value: str) -> str:
    from csww.cla.references.areas import dfe_names

    code = value.strip()
    if code not in dfe_names():
        raise click.BadParameter(f"{value!r} is not a DfE LA code (3 digits, e.g. 202).")
    return code


@cla_group.command("validate")
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--la", "la", required=True, callback=_la, help="The LA's DfE code (3 digits).")
@click.option("--year", type=ClaYear(), help="Year ending 31 March (default: from the episodes).")
@click.option(
    "--previous",
    type=click.Path(path_type=Path),
    help="Last year's return (adds the continuity rules 502, 503A–J, 562, 452, 453...).",
)
@click.option(
    "--urn-list",
    "urn_lists",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Ofsted URN list (workbook or CSV); may be given more than once.",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option(
    "--output", "-o", type=click.Path(path_type=Path, dir_okay=False), help="Write the report here."
)
def validate_command(
    source: Path,
    la: str,
    year: int | None,
    previous: Path | None,
    urn_lists: tuple[Path, ...],
    fmt: str,
    output: Path | None,
) -> None:
    """Check an SSDA903 return SOURCE: DfE's XML, a folder or zip of the CSV files, or a
    workbook.

    Exit status: 0 no errors (queries allowed), 1 errors found, 2 the return cannot be read.
    """
    from csww.cla import report as render
    from csww.cla.read import read_return
    from csww.cla.references.urn_list import UrnListError, read_urn_list
    from csww.cla.validate import postcodes_for, validate
    from csww.report.model import ReadFailure, Report

    if fmt == "xlsx" and output is None:
        raise click.UsageError("--format xlsx needs --output FILE.xlsx")
    read = read_return(source)
    last = read_return(previous) if previous is not None else None
    if read.tables is None:
        failure = read.failure
        report = Report(collection="cla", la=la, source=source.name)
        report.fatal = ReadFailure(str(failure) if failure else "The return cannot be read.")
    else:
        given = [read.tables] + ([last.tables] if last is not None and last.tables else [])
        lookup = postcodes_for(given)
        urns = None
        if urn_lists:
            try:
                urns = read_urn_list(list(urn_lists), postcodes=lookup)
            except UrnListError as exc:
                raise click.UsageError(str(exc)) from None
        report = validate(
            read.tables,
            la=la,
            year=year,
            previous=last.tables if last is not None and last.tables is not None else None,
            urn_list=urns,
            postcodes=lookup,
        )
        report.source = source.name
        if read.notes:
            from csww.cla.validate import structure_issues

            report.issues = structure_issues(read.notes) + report.issues
        if last is not None and last.tables is None:
            report.notes.append(f"Last year's return was not used: {last.failure}")
    if fmt == "xlsx":
        assert output is not None
        render.write_xlsx(report, output)
    else:
        text = render.render(report, fmt)
        if output is not None:
            output.write_text(text, encoding="utf-8")
        else:
            click.echo(text, nl=False)
    if output is not None:
        summary = (
            "cannot be read"
            if report.fatal is not None
            else f"{report.errors} errors, {report.queries} queries"
        )
        click.echo(f"Report written to {output} ({summary}).", err=True)
    if report.fatal is not None and (fmt != "text" or output is not None):
        click.echo(f"{source}: cannot be read: {report.fatal}", err=True)
    sys.exit(2 if report.fatal is not None else (0 if report.valid else 1))


@cla_group.command("rules")
@click.option("--year", type=ClaYear(), help="Only the rules of this year (its 31 March).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "markdown"]),
    default="table",
    show_default=True,
)
def rules_command(year: int | None, fmt: str) -> None:
    """List the 903 rules: id, severity, years, table, items, inputs needed and message."""
    from csww.cla.rules import CLA_RULES
    from csww.cla.rules.listing import markdown, rows

    listed = rows(CLA_RULES, year)
    if fmt == "markdown":
        click.echo(markdown(CLA_RULES), nl=False)
        return
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(list(listed[0].keys()) if listed else [])
        for entry in listed:
            writer.writerow(entry.values())
        click.echo(out.getvalue(), nl=False)
        return
    for entry in listed:
        needs = f" [needs {entry['needs']}]" if entry["needs"] else ""
        click.echo(
            f"{entry['rule']:<9} {entry['severity']:<5} {entry['years']:<14} "
            f"{entry['table']:<8} {entry['message']}{needs}"
        )
