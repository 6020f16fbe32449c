"""Computed 903 tables against DfE's published files, value by value.

A cell's status:

* ``same``: the text is identical;
* ``within rounding``: both are numbers and differ by no more than DfE's rounding step (10 for
  a national or regional count, 1 for a percentage; LA counts are unrounded, so 0);
* ``not published``: DfE gives ``z`` or ``x`` (not applicable, not available);
* ``not available``: csww cannot count it from the returns given (e.g. staying put at 19
  and 20 needs the returns of the years the young people turned 18);
* ``suppressed``: one side is ``c`` (a figure hidden on one side is never compared as a
  number; both ``c`` is ``same``);
* ``differs``: anything else; ``missing``: the row is on one side only.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from csww.cla.stats import layout
from csww.cla.stats.published import Row

GEO_KEY = ("time_period", "geographic_level", "old_la_code", "region_code")


@dataclass(frozen=True)
class Cell:
    table: str
    key: tuple[str, ...]
    column: str
    computed: str
    published: str
    status: str


def _num(text: str) -> float | None:
    try:
        return float(text.replace(",", "").rstrip("%"))
    except ValueError:
        return None


def status(computed: str, published: str, column: str, level: str) -> str:
    c, p = computed.strip(), published.strip()
    if c == p:
        return "same"
    if p in ("z", "x"):
        return "not published"
    if c == "x":
        return "not available"
    if "c" in (c, p):
        return "suppressed"
    a, b = _num(c), _num(p)
    if c == "k" and b is not None and b < 0.5:
        return "within rounding"
    if a is None or b is None:
        if {c, p} <= {"k", "0"}:
            return "within rounding"
        return "differs"
    is_pct = "percent" in column
    step = 1.0 if is_pct else (0.0 if level == "Local authority" else 10.0)
    return "within rounding" if abs(a - b) <= step else "differs"


def _key(row: Row, labels: Sequence[str]) -> tuple[str, ...]:
    level = row.get("geographic_level", "")
    geo: tuple[str, ...] = (row.get("time_period", ""), level)
    if level == "Local authority":
        geo += (row.get("old_la_code", ""),)
    elif level == "Regional":
        geo += (row.get("region_code", ""),)
    # labels compared without case: DfE's files spell a few differently from year to year
    # ("In touch with Care Leaver" / "In touch with care leaver", "Gone Abroad" / "Gone abroad")
    return geo + tuple(row.get(c, "").strip().lower() for c in labels)


def compare(
    table: str,
    computed: Iterable[Row],
    published: Iterable[Row],
    *,
    published_columns: dict[str, str] | None = None,
    only: Iterable[tuple[str, ...]] | None = None,
) -> list[Cell]:
    """Compare one table over the rows the published file has (for the geographies and years
    computed). ``published_columns`` renames published columns to csww's (e.g. a release that
    calls ``number`` ``children_count``); ``only`` limits to the given geography keys."""
    labels, count_col, pct_col = layout.TABLES[table]
    rename = published_columns or {}
    mine = {_key(r, labels): r for r in computed}
    geos = {k[:3] if k[1] != "National" else k[:2] for k in mine}
    allowed = set(only) if only is not None else None
    cells: list[Cell] = []
    for raw in published:
        row = {rename.get(k, k): v for k, v in raw.items()}
        key = _key(row, labels)
        geo = key[:3] if key[1] != "National" else key[:2]
        if geo not in geos or (allowed is not None and geo not in allowed):
            continue
        other = mine.get(key)
        for column in (count_col, pct_col):
            if not column or column not in row:
                continue
            if other is None:
                gone = "not published" if row[column].strip() in ("z", "x") else "missing"
                cells.append(Cell(table, key, column, "", row[column], gone))
                continue
            cells.append(
                Cell(
                    table,
                    key,
                    column,
                    other[column],
                    row[column],
                    status(other[column], row[column], column, key[1]),
                )
            )
    return cells


def summary(cells: Iterable[Cell]) -> Counter[tuple[str, str, str]]:
    """Counts of cells by (table, level, status)."""
    return Counter((c.table, c.key[1], c.status) for c in cells)


def to_csv(cells: Iterable[Cell], only_differences: bool = True) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["table", "key", "column", "computed", "published", "status"])
    for c in cells:
        if only_differences and c.status in ("same", "within rounding"):
            continue
        writer.writerow([c.table, " | ".join(c.key), c.column, c.computed, c.published, c.status])
    return out.getvalue()


def table_of(path: str | Path) -> str | None:
    """The 903 table a CSV holds (by its headings), or None for any other file."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            head = next(csv.reader(handle), [])
    except (OSError, UnicodeDecodeError):
        return None
    columns = [h.strip().lstrip("\ufeff") for h in head]
    for table in layout.TABLES:
        if columns == layout.columns(table):
            return table
    return None


def compare_paths(computed: str | Path, published: str | Path) -> list[Cell]:
    """Compare a table ``csww cla stats`` wrote with DfE's published file of that table."""
    table = table_of(computed)
    if table is None:
        raise ValueError(f"{Path(computed).name} is not a table csww cla stats writes.")
    mine = read_rows(computed)
    theirs = read_rows(published)
    labels, count_col, _pct = layout.TABLES[table]
    if not theirs or not {*labels, count_col} <= set(theirs[0]):
        raise ValueError(
            f"{Path(published).name} is not DfE's {table} file (it lacks {', '.join(labels)} or {count_col})."
        )
    return compare(table, mine, theirs)


def read_rows(path: str | Path) -> list[Row]:
    from csww.cla.stats.published import read

    return read(path)


def to_text(cells: Sequence[Cell], limit: int = 40) -> str:
    counts = Counter((c.key[1], c.status) for c in cells)
    lines = [f"{len(cells)} values compared."]
    for (level, state), n in sorted(counts.items()):
        lines.append(f"  {level}: {state} {n}")
    shown = [c for c in cells if c.status in ("differs", "missing")][:limit]
    for c in shown:
        lines.append(
            f"  {' | '.join(c.key)} [{c.column}]: computed {c.computed or '-'}, published {c.published}"
        )
    return "\n".join(lines) + "\n"


def run(computed: str | Path, published: str | Path, output: Path | None, every: bool) -> int:
    """``csww compare`` for a 903 table: prints a summary, writes the cells, exit status 1
    when some value differs (beyond DfE's rounding)."""
    import click

    try:
        cells = compare_paths(computed, published)
    except ValueError as exc:
        click.echo(f"Error: {exc}", err=True)
        return 2
    click.echo(to_text(cells), nl=False)
    if output is not None:
        output.write_text(to_csv(cells, only_differences=not every), encoding="utf-8")
    return 1 if any(c.status in ("differs", "missing") for c in cells) else 0
