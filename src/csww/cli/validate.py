"""``csww validate`` and ``csww rules``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from csww.cli.progress import done, reporter
from csww.engine import validate
from csww.report import Report
from csww.report.render import to_csv, to_json, to_text

RENDERERS = {"text": to_text, "json": to_json, "csv": to_csv}


def _html(report: Report) -> str:
    from csww.report.html import to_html

    return to_html(report)


def validate_path(path: Path, year: int | None, previous: Path | None = None) -> Report:
    """Validate by the file's kind: spreadsheets go through the sheet reader when present."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".csv", ".xls"):
        try:
            from csww.sheets.validate import validate_sheet
        except ImportError:
            from csww.report.model import ReadFailure

            return Report(
                source=str(path),
                fatal=ReadFailure("Spreadsheet input is not available in this installation."),
            )
        return validate_sheet(path, year=year)
    show = reporter(f"Checking {path.name}")
    try:
        return validate(path, year=year, progress=show, previous=previous)
    finally:
        done()


@click.command("validate")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--year", type=int, help="Collection year to check against (default: the header's Year)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "csv", "html", "xlsx"]),
    default="text",
    show_default=True,
)
@click.option(
    "--previous",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The LA's return for the year before: adds the continuity queries (72x).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the report here instead of the screen.",
)
def validate_command(
    file: Path, year: int | None, previous: Path | None, fmt: str, output: Path | None
) -> None:
    """Check a return FILE (XML, or a filled .xlsx/.csv template) against the rulebook.

    Exit status: 0 no errors (queries allowed), 1 errors found, 2 the file cannot be read.
    """
    report = validate_path(file, year, previous)
    if fmt == "xlsx":
        if output is None:
            raise click.UsageError("--format xlsx needs --output FILE.xlsx")
        try:
            from csww.sheets.highlight import write_highlighted
        except ImportError as exc:
            raise click.UsageError(
                "The highlighted workbook needs the spreadsheet module."
            ) from exc
        write_highlighted(file, report, output)
    else:
        text = _html(report) if fmt == "html" else RENDERERS[fmt](report)
        if output:
            output.write_text(text, encoding="utf-8")
        else:
            click.echo(text, nl=False)
    if output:
        summary = (
            f"{report.errors} errors, {report.queries} queries"
            if report.fatal is None
            else "cannot be read"
        )
        click.echo(f"Report written to {output} ({summary}).", err=True)
    if report.fatal is not None:
        if fmt != "text" or output:
            click.echo(f"{file}: cannot be read: {report.fatal}", err=True)
        sys.exit(2)
    sys.exit(0 if report.valid else 1)


@click.command("rules")
@click.option("--year", type=int, help="Only the rules that apply in this collection year.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "markdown"]),
    default="table",
    show_default=True,
)
def rules_command(year: int | None, fmt: str) -> None:
    """Print the rulebook: every rule's id, severity, message, fields and guide section."""
    from csww.rules.catalogue import render

    click.echo(render(fmt, year), nl=False)
