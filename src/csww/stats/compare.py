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


def compare_files(
    computed: str | Path, published: str | Path, tolerance: float = 0.0
) -> list[Cell]:
    return compare_rows(read_rows(computed), read_rows(published), tolerance)


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
    """A readable summary: counts, the indicators that differ most often, the first differences."""
    counts = summary(cells)
    lines = [
        f"Compared {len(cells)} indicator values (tolerance {tolerance:g}): "
        f"{counts['same']} same, {counts['differs']} differ, "
        f"{counts['not comparable']} not comparable (c, x or u), {counts['missing']} in one file only."
    ]
    table = by_indicator(cells)
    worst = sorted(((v.get("differs", 0), k) for k, v in table.items()), reverse=True)
    if worst and worst[0][0]:
        lines.append("Differences by indicator: " + ", ".join(f"{k} {n}" for n, k in worst if n))
    shown = 0
    for c in cells:
        if c.status not in ("differs", "missing"):
            continue
        if shown == limit:
            lines.append("…")
            break
        lines.append(
            f"  {c.year} {c.level} {c.code} {c.name}: {c.column} computed "
            f"{c.computed or '(no row)'}, published {c.published or '(no row)'}"
        )
        shown += 1
    return "\n".join(lines) + "\n"
