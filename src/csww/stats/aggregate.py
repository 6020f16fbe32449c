"""LA, regional and national rows in the published layout, rounded and with symbols.

* LA rows: one per reporting unit (returns for 314 and 318 make one ``314 / 318`` row).
* Regional rows: the 9 regions plus Inner and Outer London, each over the LAs given; London
  adds Inner and Outer London.
* National row: every LA given.

Totals add over LAs. A rate for a region or England is taken over the LAs whose numerator and
denominator are both available (DfE's 2017 agency cover rate, 74.2%, is the rate over LAs
with cover data, not 72.3% over all). Suppression (``c``) applies to LA rows only; the
figures still count in the regional and national rows, as in DfE's files. DfE's quality flags
(``u``), when given, apply as :mod:`csww.stats.quality` describes: shown on the LA row, left
out of regional and national rates built on a flagged total, kept in the totals.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from csww.spec import la_codes_for
from csww.stats import published as pub
from csww.stats.indicators import COLUMNS, RATES, TOTAL_BY_NAME, TOTALS, format_number
from csww.stats.measures import LAMeasures, combine
from csww.stats.quality import QualityFlags

Value = Fraction | int | None
SUPPRESS_BELOW = 3
NATIONAL = ("E92000001", "England")


@dataclass
class Unit:
    """A row's figures before rounding: one LA, a region or England."""

    year: int
    level: str
    geography: dict[str, str]
    totals: dict[str, Value]
    rates: dict[str, Fraction | str | None]
    members: int = 1
    not_applicable: frozenset[str] = frozenset()
    flagged: frozenset[str] = frozenset()  # DfE's quality flags: shown as u

    @property
    def code(self) -> str:
        g = self.geography
        if self.level == "Local authority":
            return g["old_la_code"]
        return g["region_code"] if self.level == "Regional" else g["country_code"]

    @property
    def name(self) -> str:
        g = self.geography
        if self.level == "Local authority":
            return g["la_name"] or g["old_la_code"]
        return g["region_name"] if self.level == "Regional" else g["country_name"]

    def cell(self, column: str) -> str:
        """The published text of one column."""
        if column in self.geography:
            return self.geography[column]
        if column in self.flagged:
            return "u"
        if column in self.not_applicable:
            return "z"
        if column in TOTAL_BY_NAME:
            value = self.totals.get(column)
            return "x" if value is None else format_number(value, TOTAL_BY_NAME[column].dp)
        rate = self.rates.get(column)
        if rate is None:
            return "x"
        return rate if isinstance(rate, str) else format_number(rate, 1)

    def row(self, suppress: bool = True) -> dict[str, str]:
        cells = {c: self.cell(c) for c in COLUMNS}
        if suppress and self.level == "Local authority":
            for column in suppressed(self):
                cells[column] = "c"
        return cells

    def number(self, column: str) -> float | None:
        """The unrounded figure as a float (for charts)."""
        value = self.totals.get(column) if column in TOTAL_BY_NAME else self.rates.get(column)
        return None if value is None or isinstance(value, str) else float(value)


def suppressed(unit: Unit) -> list[str]:
    """Cells DfE suppresses: working days lost and the absence rate where fewer than 3 social
    workers are in post and some days were lost (sickness of one or two identifiable people).

    Inferred from the published rows: Isles of Scilly, 2 in post, is ``c`` in 2017 and 2018;
    with 1 in post and no days lost (2019, 2020) it is shown as 0.
    """
    headcount = unit.totals.get("inpost_headcount")
    days = unit.totals.get("working_days_lost_fte")
    if isinstance(headcount, int) and 0 < headcount < SUPPRESS_BELOW and days:
        return ["working_days_lost_fte", "absence_rate_fte"]
    return []


def rates_of(totals: dict[str, Value], year: int) -> dict[str, Fraction | str | None]:
    return {r.name: r.value(totals, year) for r in RATES}  # type: ignore[arg-type]


def _base(year: int, level: str) -> dict[str, str]:
    return {
        "time_period": str(year),
        "time_identifier": "Reporting year",
        "geographic_level": level,
        "country_code": NATIONAL[0],
        "country_name": NATIONAL[1],
        "region_code": "",
        "region_name": "",
        "old_la_code": "",
        "new_la_code": "",
        "la_name": "",
    }


def la_geography(code: str, year: int) -> dict[str, str]:
    """Published geography columns for an LA (name and region from DfE's file)."""
    area = pub.area_for(code, year)
    base = _base(year, "Local authority")
    if area is None:
        return {**base, "old_la_code": code, "la_name": la_codes_for(year).get(code, "")}
    return {
        **base,
        "region_code": area.region_code,
        "region_name": area.region_name,
        "old_la_code": area.old_la_code,
        "new_la_code": area.new_la_code,
        "la_name": area.la_name,
    }


def la_units(measures: Iterable[LAMeasures], flags: QualityFlags | None = None) -> list[Unit]:
    """One unit per reporting unit and year; returns for the same unit are combined."""
    groups: dict[tuple[int, str], list[LAMeasures]] = defaultdict(list)
    for m in measures:
        groups[(m.year, pub.unit_code(m.lea, m.year))].append(m)
    units = []
    for (year, code), parts in groups.items():
        m = parts[0] if len(parts) == 1 else combine(parts, code)
        units.append(
            Unit(
                year,
                "Local authority",
                la_geography(code, year),
                m.totals,
                rates_of(m.totals, year),
                not_applicable=frozenset(m.not_applicable),
                flagged=flags.flagged(year, code) if flags else frozenset(),
            )
        )
    return units


def _sum(values: Iterable[Value]) -> Fraction:
    total = Fraction(0)
    for v in values:
        if v is not None:
            total += v
    return total


def aggregate(units: list[Unit], year: int, level: str, geography: dict[str, str]) -> Unit:
    """Totals summed over ``units``; each rate over the units with all its inputs, leaving out
    a unit whose input total for the rate DfE flagged ``u`` (the totals keep it)."""
    totals: dict[str, Value] = {}
    for t in TOTALS:
        given = [u.totals[t.name] for u in units if u.totals.get(t.name) is not None]
        total = _sum(given)
        totals[t.name] = None if not given else (int(total) if t.kind == "count" else total)
    rates: dict[str, Fraction | str | None] = {}
    for r in RATES:
        valid = [
            u
            for u in units
            if all(u.totals.get(i) is not None for i in r.inputs)
            and not u.flagged.intersection(r.inputs)
        ]
        sums: dict[str, Value] = {i: _sum(u.totals[i] for u in valid) for i in r.inputs}
        rates[r.name] = r.value(sums, year) if valid else None  # type: ignore[arg-type]
    return Unit(year, level, {**_base(year, level), **geography}, totals, rates, len(units))


def table(measures: Iterable[LAMeasures], flags: QualityFlags | None = None) -> list[Unit]:
    """National, regional and LA units for every year, in the published file's order."""
    units = la_units(measures, flags)
    out: list[Unit] = []
    for year in sorted({u.year for u in units}, reverse=True):
        las = [u for u in units if u.year == year]
        out.append(aggregate(las, year, "National", {}))
        for code, name in pub.regions(year):
            parts = pub.region_members(code)
            members = [u for u in las if u.geography["region_code"] in parts]
            if members:
                geography = {"region_code": code, "region_name": name}
                out.append(aggregate(members, year, "Regional", geography))
        published_order = pub.la_rows(year) or pub.la_rows(max(pub.years()))
        order = {c: i for i, c in enumerate(published_order)}
        regions = {code: i for i, (code, _) in enumerate(pub.regions(year))}
        las.sort(
            key=lambda u: (
                regions.get(u.geography["region_code"], 99),
                order.get(u.code, 9999),
                u.code,
            )
        )
        out.extend(las)
    return out


def rows(units: Iterable[Unit], suppress: bool = True) -> list[dict[str, str]]:
    """The units as rows of published text (``c`` applied to LA rows unless ``suppress`` is off)."""
    return [u.row(suppress) for u in units]
