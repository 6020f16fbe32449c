"""Compare computed indicators with a published file, indicator by indicator, row by row.

Rows are matched on year, geographic level and code (LA code, ``314 / 318`` for the joint
return, region code, or England). Each cell is:

* ``same``: the texts are equal, or both are numbers within the tolerance;
* ``differs``: numbers further apart than the tolerance, or a number against ``z``/``low``
  (``low`` counts as 0 and ``z`` as nothing);
* ``not comparable``: one side is ``c``, ``x``, ``u`` or ``:`` (suppressed or not available);
* ``missing``: the row is in one file only.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from csww.stats.indicators import MEASURE_COLUMNS, parse_published
from csww.stats.published import Row, read_rows

UNAVAILABLE = frozenset({"c", "x", "u", ":"})
LAYOUT_COLUMNS = ("time_period", "geographic_level")


class NotComparable(ValueError):
    """The two files cannot be compared as given; ``str()`` says why and what to do."""


Key = tuple[int, str, str]


@dataclass(frozen=True, slots=True)
class Cell:
    """One indicator of one row in both files."""

    year: int
    level: str
    code: str
    name: str
    column: str
    computed: str
    published: str
    status: str

    @property
    def difference(self) -> float | None:
        a, b = _number(self.computed), _number(self.published)
        return None if a is None or b is None else round(a - b, 6)


def _number(text: str) -> float | None:
    if text == "low":
        return 0.0
    return parse_published(text)


def status(computed: str, published: str, tolerance: float) -> str:
    if computed == published:
        return "same"
    if computed in UNAVAILABLE or published in UNAVAILABLE:
        return "not comparable"
    a, b = _number(computed), _number(published)
    if a is not None and b is not None and abs(a - b) <= tolerance + 1e-9:
        return "same"
    return "differs"


def _key(row: Row) -> Key:
    return (row.year, row.level, row.code)


def _name(row: Row) -> str:
    c = row.cells
    return c.get("la_name") or c.get("region_name") or c.get("country_name") or row.code


def compare_rows(
    computed: Iterable[Row],
    published: Iterable[Row],
    tolerance: float = 0.0,
    years: set[int] | None = None,
) -> list[Cell]:
    """Every indicator cell of the computed rows against the published ones.

    Only the years in the computed file are compared (unless ``years`` says otherwise); a
    published row with no computed row is ``missing`` when its year was computed.
    """
    mine = {_key(r): r for r in computed}
    theirs = {_key(r): r for r in published}
    years = years if years is not None else {k[0] for k in mine}
    cells = []
    for key in sorted(
        set(mine) | {k for k in theirs if k[0] in years}, key=lambda k: (-k[0], k[1], k[2])
    ):
        a, b = mine.get(key), theirs.get(key)
        row = a or b
        assert row is not None
        for column in MEASURE_COLUMNS:
            left = a.text(column) if a is not None else ""
            right = b.text(column) if b is not None else ""
            state = "missing" if a is None or b is None else status(left, right, tolerance)
            cells.append(Cell(key[0], key[1], key[2], _name(row), column, left, right, state))
    return cells


def _indicator_rows(path: str | Path, role: str) -> list[Row]:
    """The rows of a file in DfE's indicators layout; :class:`NotComparable` for any other."""
    path = Path(path)
    with path.open("rb") as fh:
        head = fh.read(4096)
    first = head.decode("utf-8-sig", errors="replace").splitlines()[:1]
    columns = next(csv.reader(first), []) if first else []
    columns = [c.strip() for c in columns]
    wanted = [c for c in LAYOUT_COLUMNS if c not in columns]
    if wanted or not set(MEASURE_COLUMNS) & set(columns):
        kind = "an XML return" if head.lstrip(b"\xef\xbb\xbf \r\n\t").startswith(b"<") else None
        what = (
            kind
            or f"a file whose first line is not that layout's headings ({', '.join(wanted or ['no indicator columns'])} missing)"
        )
        raise NotComparable(
            f"{path.name} ({role}) is {what}. compare takes two CSV files in DfE's indicators "
            "layout: the statistics csww computed ('csww stats RETURNS -o computed.csv') and "
            "DfE's published indicators file."
        )
    return read_rows(path)


def compare_files(
    computed: str | Path, published: str | Path, tolerance: float = 0.0
) -> list[Cell]:
    """Compare two files in the indicators layout; :class:`NotComparable` when they are not
    in that layout, or when the published file lacks years the computed one has (the two
    given the wrong way round)."""
    mine = _indicator_rows(computed, "the computed statistics")
    theirs = _indicator_rows(published, "the published statistics")
    missing = sorted({r.year for r in mine} - {r.year for r in theirs})
    if missing:
        years = ", ".join(str(y) for y in missing)
        raise NotComparable(
            f"{Path(published).name}, given as the published statistics, has no rows for {years}, "
            f"which {Path(computed).name} has. Are the files the wrong way round? Give the "
            "statistics csww computed first and DfE's published file second."
        )
    return compare_rows(mine, theirs, tolerance)


def summary(cells: Iterable[Cell]) -> dict[str, int]:
    counts = Counter(c.status for c in cells)
    return {s: counts.get(s, 0) for s in ("same", "differs", "not comparable", "missing")}


def by_indicator(cells: Iterable[Cell]) -> dict[str, dict[str, int]]:
    out: dict[str, Counter[str]] = {}
    for c in cells:
        out.setdefault(c.column, Counter())[c.status] += 1
    return {k: dict(v) for k, v in out.items()}


def to_csv(cells: Iterable[Cell], only_differences: bool = True) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            "time_period",
            "geographic_level",
            "code",
            "name",
            "indicator",
            "computed",
            "published",
            "difference",
            "status",
        ]
    )
    for c in cells:
        if only_differences and c.status in ("same", "not comparable"):
            continue
        diff = c.difference
        writer.writerow(
            [
                c.year,
                c.level,
                c.code,
                c.name,
                c.column,
                c.computed,
                c.published,
                "" if diff is None else f"{diff:g}",
                c.status,
            ]
        )
    return buffer.getvalue()


def to_text(cells: list[Cell], tolerance: float, limit: int = 40) -> str:
    """A readable summary: counts, then every value that differs (LA, indicator, both values),
    then the rows found in one file only."""
    counts = summary(cells)
    lines = [
        f"Compared {len(cells)} indicator values (tolerance {tolerance:g}): "
        f"{counts['same']} same, {counts['differs']} differ, "
        f"{counts['not comparable']} not comparable (c, x or u), {counts['missing']} in one file only."
    ]
    differs = [c for c in cells if c.status == "differs"]
    if differs:
        lines.append("")
        lines.append("Values that differ (computed, then published):")
        for c in differs[:limit]:
            diff = c.difference
            by = "" if diff is None else f" (difference {diff:+g})"
            lines.append(
                f"  {c.year} {c.level} {c.code} {c.name}: {c.column} {c.computed} "
                f"vs {c.published}{by}"
            )
        if len(differs) > limit:
            lines.append(f"  … and {len(differs) - limit} more (use -o FILE.csv for all)")
        table = by_indicator(cells)
        worst = sorted(((v.get("differs", 0), k) for k, v in table.items()), reverse=True)
        lines.append("Differences by indicator: " + ", ".join(f"{k} {n}" for n, k in worst if n))
    rows: dict[tuple[int, str, str, str], str] = {}
    for c in cells:
        if c.status == "missing":
            side = "published" if not c.computed and c.published else "computed"
            rows.setdefault((c.year, c.level, c.code, c.name), side)
    if rows:
        lines.append("")
        lines.append(f"Rows in one file only ({len(rows)}):")
        for n, ((year, level, code, name), side) in enumerate(rows.items()):
            if n == limit:
                lines.append(f"  … and {len(rows) - limit} more")
                break
            lines.append(f"  {year} {level} {code} {name}: in the {side} file only")
    return "\n".join(lines) + "\n"
