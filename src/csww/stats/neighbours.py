"""Statistical neighbours, and where an LA stands among all LAs.

DfE benchmarks an LA against "geographical and statistical neighbours" (the 2017 guide's
rationale for the census), and its own "Children's social care outcomes and enablers"
dashboard compares an LA with the **median of its ten statistical neighbours**, beside its
region and England. The groupings are DfE's, copied byte for byte with their MIT licence
into ``data/neighbours/`` (see its SOURCES.md):

* the April 2021 groupings, used for the collection years up to 2024 (and, as the earliest
  grouping held, for 2017–2020: the report says so);
* the 2025 model, used from 2025.

The rank and quartile place an LA among every LA with a figure for the indicator that
year: rank 1 is the **lowest** value, and quartile 1 the lowest quarter, whatever the
indicator means (a low vacancy rate and a low caseload read differently; the report says
"lowest", never "best").
"""

from __future__ import annotations

import csv
import io
import re
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from csww.stats.indicators import parse_published

DATA = "neighbours"
GROUPINGS = (
    # (first collection year it is used for, file, how the report names it)
    (2025, "sn_model_2025_wide.csv", "DfE's 2025 statistical neighbour model"),
    (
        0,
        "statistical_neighbour_groupings_april_2021.csv",
        "DfE's April 2021 statistical neighbours",
    ),
)
COUNT = 10


@dataclass(frozen=True, slots=True)
class Grouping:
    name: str
    neighbours: dict[str, tuple[str, ...]]  # LA code → neighbour LA codes, nearest first


def _text(name: str) -> str:
    files = resources.files(__package__).joinpath("data", DATA, name)
    return files.read_text(encoding="utf-8-sig")


@cache
def grouping(year: int) -> Grouping:
    """The grouping in force for collection ``year``."""
    _first, name, title = next(g for g in GROUPINGS if year >= g[0])
    rows = list(csv.reader(io.StringIO(_text(name))))
    head = [h.strip() for h in rows[0]]
    code_at = head.index("old_la_code") if "old_la_code" in head else head.index("LA number")
    columns = [n for n, h in enumerate(head) if re.fullmatch(r"SN_?\d+", h)]
    table = {}
    for row in rows[1:]:
        if len(row) <= code_at or not row[code_at].strip().isdigit():
            continue
        found = tuple(row[n].strip() for n in columns if n < len(row) and row[n].strip())
        table[row[code_at].strip()] = found[:COUNT]
    return Grouping(title, table)


def neighbours_of(code: str, year: int) -> tuple[str, ...]:
    """The LA's statistical neighbours' codes (both codes for a joint return's LAs)."""
    table = grouping(year).neighbours
    found: list[str] = []
    for part in code.split(" / "):
        for other in table.get(part.strip(), ()):
            if other not in found and other not in code.split(" / "):
                found.append(other)
    return tuple(found)


def median(values: Iterable[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def neighbour_cells(
    code: str, year: int, rows: Mapping[str, Mapping[str, str]], columns: Iterable[str]
) -> tuple[dict[str, str], int]:
    """Each indicator's median over the LA's neighbours' rows (``rows`` by unit code, joint
    units under ``314 / 318``), as published text to one decimal place, and how many
    neighbours had a row."""
    units: dict[str, Mapping[str, str]] = {}
    for other in neighbours_of(code, year):
        unit = next((u for u in rows if other in u.split(" / ")), None)
        if unit is not None and unit != code:
            units[unit] = rows[unit]
    cells = {}
    for column in columns:
        value = median(parse_published(r.get(column)) for r in units.values())
        cells[column] = "" if value is None else f"{value:.1f}".removesuffix(".0")
    return cells, len(units)


@dataclass(frozen=True, slots=True)
class Standing:
    rank: int  # 1 = the lowest value
    of: int
    quartile: int  # 1 = the lowest quarter

    def __str__(self) -> str:
        return f"{self.rank} of {self.of} (quartile {self.quartile})"


def standing(value: float | None, everyone: Iterable[float | None]) -> Standing | None:
    """Where ``value`` stands among every LA's value (ties share the lower rank)."""
    known = sorted(v for v in everyone if v is not None)
    if value is None or not known:
        return None
    rank = 1 + sum(1 for v in known if v < value)
    quartile = min(4, 1 + (4 * (rank - 1)) // len(known))
    return Standing(rank, len(known), quartile)


def standings(
    code: str,
    cells: Mapping[str, str],
    rows: Mapping[str, Mapping[str, str]],
    columns: Iterable[str],
) -> dict[str, Standing]:
    """The LA's rank and quartile per indicator among every LA in ``rows`` (its own row
    replaced by ``cells``, the figures the report shows)."""
    everyone = {unit: row for unit, row in rows.items() if unit != code}
    out = {}
    for column in columns:
        mine = parse_published(cells.get(column))
        place = standing(mine, [mine, *(parse_published(r.get(column)) for r in everyone.values())])
        if place is not None:
            out[column] = place
    return out
