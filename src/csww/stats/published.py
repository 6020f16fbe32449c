"""DfE's published indicators, and the geography derived from them.

The package carries a copy of DfE's "1. Indicators" file, reporting year 2025 release
(``data/csww_indicators_2017_to_2025.csv``, SHA-256 ``9e058bac…``; provenance in
``docs/methodology.md``). From it come:

* the LA → region lookup for every year (regions are the 9 English regions, with London's
  LAs in Inner or Outer London and a London row that adds the two);
* the LA code changes (Dorset 835 → 838, Bournemouth 837 and Poole 836 → 839 in 2019;
  Northamptonshire 928 → 940 / 941 in 2021; Cumbria 909 → 942 and 943 in 2023);
* the reporting units that cover two LA codes: Kingston upon Thames and Richmond upon Thames
  make one return, published as ``314 / 318``, and North and West Northamptonshire are
  published as one row ``940 / 941`` from 2021.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from csww.stats.indicators import COLUMNS, parse_published

DEFAULT_FILE = "csww_indicators_2017_to_2025.csv"
LONDON = ("E12000007", "London")
LONDON_PARTS = ("E13000001", "E13000002")


@dataclass(frozen=True, slots=True)
class Area:
    """Where a reporting unit sits: the published geography columns for one LA row."""

    old_la_code: str
    new_la_code: str
    la_name: str
    region_code: str
    region_name: str

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(self.old_la_code.split(" / "))


@dataclass(frozen=True, slots=True)
class Row:
    """One published row, cells kept as published text."""

    year: int
    level: str
    cells: dict[str, str]

    @property
    def code(self) -> str:
        """The LA code (``314 / 318`` for a joint row), region code or ``E92000001``."""
        if self.level == "Local authority":
            return self.cells["old_la_code"]
        if self.level == "Regional":
            return self.cells["region_code"]
        return self.cells["country_code"]

    def number(self, column: str) -> float | None:
        return parse_published(self.cells.get(column))

    def text(self, column: str) -> str:
        return self.cells.get(column, "")


def read_rows(source: str | Path | None = None) -> list[Row]:
    """Rows of a file in the published layout (the bundled DfE file by default)."""
    if source is None:
        text = resources.files(__package__).joinpath("data", DEFAULT_FILE).read_text("utf-8")
    else:
        text = Path(source).read_text(encoding="utf-8-sig")
    rows = []
    for cells in csv.DictReader(io.StringIO(text)):
        if not cells.get("time_period", "").strip().isdigit():
            continue
        clean = {k: (v or "").strip() for k, v in cells.items() if k}
        rows.append(Row(int(clean["time_period"]), clean.get("geographic_level", ""), clean))
    return rows


@cache
def published() -> tuple[Row, ...]:
    """The bundled DfE rows, read once."""
    return tuple(read_rows())


def years() -> list[int]:
    return sorted({r.year for r in published()})


def la_rows(year: int) -> dict[str, Row]:
    """The published LA rows of ``year`` by LA code (joint rows under ``314 / 318``)."""
    return {r.code: r for r in published() if r.year == year and r.level == "Local authority"}


def row_for(year: int, level: str, code: str) -> Row | None:
    for r in published():
        if r.year == year and r.level == level and r.code == code:
            return r
    return None


@cache
def _areas() -> dict[tuple[int, str], Area]:
    """Every (year, code) → area, with each part of a joint code pointing at the joint row."""
    out: dict[tuple[int, str], Area] = {}
    for r in published():
        if r.level != "Local authority":
            continue
        c = r.cells
        area = Area(
            c["old_la_code"], c["new_la_code"], c["la_name"], c["region_code"], c["region_name"]
        )
        out[(r.year, area.old_la_code)] = area
        for part in area.codes:
            out[(r.year, part)] = area
    return out


def area_for(code: str, year: int) -> Area | None:
    """The published area that ``code`` (an LA code, or a joint ``314 / 318``) reports in.

    For a year outside the published years the nearest published year is used, so a 2026
    return from Kingston still reports as ``314 / 318`` in Outer London.
    """
    areas = _areas()
    code = code.strip()
    found = areas.get((year, code))
    if found is not None:
        return found
    ys = sorted({y for (y, c) in areas if c == code}, key=lambda y: (abs(y - year), -y))
    return areas[(ys[0], code)] if ys else None


def unit_code(code: str, year: int) -> str:
    """The reporting unit a return with LA ``code`` counts in (``318`` → ``314 / 318``)."""
    area = area_for(code, year)
    return area.old_la_code if area is not None else code


def regions(year: int) -> list[tuple[str, str]]:
    """Region codes and names in published order (9 regions, then Inner and Outer London)."""
    found = [
        (r.cells["region_code"], r.cells["region_name"])
        for r in published()
        if r.level == "Regional"
    ]
    order = list(dict.fromkeys(found))
    return order


def region_members(region_code: str) -> tuple[str, ...]:
    """The region codes whose LAs make up ``region_code`` (London is Inner + Outer London)."""
    return LONDON_PARTS if region_code == LONDON[0] else (region_code,)


def layout_columns() -> tuple[str, ...]:
    """The published file's columns, in order."""
    return COLUMNS
