"""``csww validate`` and ``csww rules``."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import click

from csww import inputs
from csww.cli import progress
from csww.cli.years import YEAR
from csww.report import Report
from csww.report.html import to_html
from csww.report.render import CSV_COLUMNS, for_excel, safe_cell, to_csv, to_json, to_text

RENDERERS = {"text": to_text, "json": to_json, "csv": to_csv, "html": to_html}
RETURN_SUFFIXES = inputs.RETURN_SUFFIXES


def validate_path(path: Path, year: int | None, previous: Path | None = None) -> Report:
    """Validate through the core's front door, which decides the kind and the year once."""
    show = progress.reporter(f"Checking {path.name}")
    try:
        return inputs.validate_path(path, year, previous=previous, progress=show)
    finally:
        progress.done()


def csv_set(folder: Path) -> bool:
    """A folder holding the template's CSV files (header.csv, la_level.csv, workers.csv) is
    one return, not three."""
    from csww.sheets.layout import CSV_FILES

    return any((folder / name).is_file() for name in CSV_FILES.values())


def own_output(path: Path) -> str | None:
    """What ``path`` is when csww itself wrote it (an issue report, statistics in DfE's
    layout, a highlighted workbook), else None. A folder of returns often holds these beside
    the returns; they are not returns."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        try:
            with path.open(encoding="utf-8-sig", errors="replace", newline="") as f:
                first = next(csv.reader([f.readline(4096)]), [])
        except OSError:
            return None
        cells = [c.strip() for c in first]
        if cells in (list(CSV_COLUMNS), ["file", *CSV_COLUMNS]):
            return "a csww issue report"
        if cells[:1] == ["time_period"] or cells[:2] == ["area", "area_code"]:
            return "statistics"  # csww stats, --breakdowns, --pay-csv, compare, flows
        if cells[:2] == ["rule", "note"]:
            return "a csww continuity report"
    elif suffix in inputs.WORKBOOK_SUFFIXES:
        sheets = _sheet_names(path)
        if {"Summary", "Issues"} <= sheets:
            return "a highlighted workbook (csww validate --format xlsx)"
    return None


def _sheet_names(path: Path) -> set[str]:
    import re
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            text = zf.read("xl/workbook.xml")[:200_000].decode("utf-8", "replace")
    except (OSError, KeyError, zipfile.BadZipFile):
        return set()
    return set(re.findall(r"<(?:\w+:)?sheet\b[^>]*\bname=\"([^\"]*)\"", text))


def _returns_in(paths: tuple[Path, ...]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir() and csv_set(path):
            found.append(path)
        elif path.is_dir():
            sets = sorted({p.parent for p in path.rglob("*.csv") if csv_set(p.parent)})
            found.extend(sets)
            for p in sorted(path.rglob("*")):
                if p.suffix.lower() not in RETURN_SUFFIXES or p.parent in sets or not p.is_file():
                    continue
                what = own_output(p)
                if what is None:
                    found.append(p)
                else:
                    click.echo(f"Left out {p}: {what}, not a return.", err=True)
        else:
            found.append(path)
    return found


def _exit_code(reports: list[Report]) -> int:
    if any(r.fatal is not None for r in reports):
        return 2
    return 0 if all(r.valid for r in reports) else 1


@click.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--year", type=YEAR, help="Collection year to check against (default: the header's Year)."
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
    files: tuple[Path, ...],
    year: int | None,
    previous: Path | None,
    fmt: str,
    output: Path | None,
) -> None:
    """Check return FILES (XML, or filled .xlsx/.csv templates; folders are searched)
    against the rulebook.

    One file gets the full report; several get a line each (text), a list of reports (json)
    or every issue with its file (csv).

    Exit status: 0 no errors (queries allowed), 1 errors found, 2 a file cannot be read or
    cannot be checked as asked (the message says why).
    """
    paths = _returns_in(files)
    if not paths:
        raise click.UsageError("no returns (.xml, .xlsx, .csv) found in the folders given.")
    if len(paths) == 1 and (not files[0].is_dir() or paths[0] == files[0]):
        _one(paths[0], year, previous, fmt, output)
    if fmt in ("html", "xlsx") or previous is not None:
        raise click.UsageError("--format html and xlsx, and --previous, take one return at a time.")
    _many(paths, year, fmt, output)


def _one(
    path: Path, year: int | None, previous: Path | None, fmt: str, output: Path | None
) -> None:
    report = validate_path(path, year, previous)
    if fmt == "xlsx":
        if output is None:
            raise click.UsageError("--format xlsx needs --output FILE.xlsx")
        from csww.sheets.highlight import write_highlighted

        write_highlighted(path, report, output)
    else:
        _emit(RENDERERS[fmt](report), output, fmt)
    if output:
        summary = (
            f"{report.errors} errors, {report.queries} queries"
            if report.fatal is None
            else "not checked"
        )
        click.echo(f"Report written to {output} ({summary}).", err=True)
    if report.fatal is not None and (fmt != "text" or output):
        click.echo(f"{path}: not checked: {report.fatal}", err=True)
    sys.exit(_exit_code([report]))


def _many(paths: list[Path], year: int | None, fmt: str, output: Path | None) -> None:
    reports = []
    show = progress.files("Checking returns", len(paths))
    for done, path in enumerate(paths, 1):
        show(done, path.name)
        reports.append(validate_path(path, year))
    progress.done()
    if fmt == "json":
        text = json.dumps(
            {
                "valid": all(r.valid for r in reports),
                "errors": sum(r.errors for r in reports),
                "queries": sum(r.queries for r in reports),
                "returns": [r.as_dict() for r in reports],
            },
            indent=2,
            ensure_ascii=False,
            default=str,
        )
    elif fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(("file", *CSV_COLUMNS))
        for path, report in zip(paths, reports, strict=True):
            if report.fatal is not None:
                writer.writerow(
                    [safe_cell(str(path)), "", "error", "", safe_cell(str(report.fatal))]
                )
            for issue in report.issues:
                cells = [getattr(issue, c) for c in CSV_COLUMNS]
                writer.writerow(
                    [safe_cell(str(path))] + ["" if v is None else safe_cell(v) for v in cells]
                )
        text = out.getvalue()
    else:
        text = _summary(paths, reports)
    _emit(text, output, fmt)
    if output:
        click.echo(
            f"Report written to {output} ({len(reports)} returns: "
            f"{sum(r.errors for r in reports)} errors, {sum(r.queries for r in reports)} queries).",
            err=True,
        )
    sys.exit(_exit_code(reports))


def _summary(paths: list[Path], reports: list[Report]) -> str:
    width = max(len(p.name) for p in paths)
    lines = []
    for path, report in zip(paths, reports, strict=True):
        if report.fatal is not None:
            verdict = f"not checked: {report.fatal}"
        else:
            verdict = (
                f"LA {report.la or '?'}, {report.year}, {report.workers:,} "
                f"worker{'s' * (report.workers != 1)}: "
                f"{report.errors} errors, {report.queries} queries"
            )
        lines.append(f"{path.name:<{width}}  {verdict}")
    ready = sum(r.valid for r in reports)
    lines.append("")
    lines.append(
        f"{len(reports)} return{'s' * (len(reports) != 1)}: {ready} without errors, "
        f"{len(reports) - ready} to fix. "
        "Run 'csww validate FILE' on one for its full report."
    )
    return "\n".join(lines) + "\n"


def _emit(text: str, output: Path | None, fmt: str = "text") -> None:
    if output:
        output.write_text(for_excel(text) if fmt == "csv" else text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@click.command("rules")
@click.option("--year", type=YEAR, help="Only the rules that apply in this collection year.")
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


@click.command("years")
def years_command() -> None:
    """Print every collection year csww knows: census day, items added and removed, and the
    source and confidence of each fact (Markdown)."""
    from csww.spec.describe import render_markdown

    click.echo(render_markdown(), nl=False)
