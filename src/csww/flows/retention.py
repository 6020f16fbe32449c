"""Retention by start cohort: of the social workers who started in an LA in a year, the share
still in post there 1, 2, 3 … years later; an LA beside its statistical neighbours and England.

* **cohort** of year C in an LA: the people (pseudonyms) in post there on 30 September C
  whose starting date falls in collection year C (1 October C-1 to 30 September C); starters
  who left within their first year are not in post on 30 September and are not counted;
* **retained after k years**: in post (employed, not agency) in the same LA on
  30 September C+k, whatever happened in between; a value exists only where that LA's
  return for C+k is loaded;
* **all cohorts**: the cohorts pooled (retained over cohort size, summed);
* **statistical neighbours**: the median of the neighbours' rates (as DfE's dashboard
  compares an LA with the median of its ten neighbours), over the neighbours with a value;
* **England**: every loaded LA pooled.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections import defaultdict
from dataclasses import dataclass
from html import escape

from csww.flows.store import Store
from csww.stats import published as pub
from csww.stats.aggregate import la_geography
from csww.stats.neighbours import grouping, neighbours_of
from csww.stats.report_html import CSS, key
from csww.stats.svg import lines

ALL = "all"
COHORTS = """
WITH cohort AS (
    SELECT DISTINCT w.unit, w.year AS cohort, w.person FROM workers w
    JOIN periods p ON p.year = w.year
    WHERE w.category = 'inpost' AND w.person IS NOT NULL
        AND w.start_date BETWEEN p.first_day AND p.reference_date),
present AS (
    SELECT DISTINCT unit, year, person FROM workers WHERE category = 'inpost' AND person IS NOT NULL),
held AS (SELECT DISTINCT unit, year FROM returns)
SELECT c.unit, c.cohort, h.year - c.cohort, count(*), count(p.person)
FROM cohort c JOIN held h ON h.unit = c.unit AND h.year > c.cohort
LEFT JOIN present p ON p.unit = c.unit AND p.year = h.year AND p.person = c.person
GROUP BY ALL ORDER BY ALL
"""
COLUMNS = (
    "area",
    "area_code",
    "cohort",
    "years_after",
    "cohort_headcount",
    "retained_headcount",
    "retention_rate",
    "areas",
)
Cell = tuple[str, int]  # (cohort year or "all", years after)


@dataclass
class Curve:
    """One area's retention: (cohort, years after) → (cohort size, retained) or a rate."""

    name: str
    code: str
    counts: dict[Cell, tuple[int, int]]
    rates: dict[Cell, float]
    areas: dict[Cell, int]


def _pool(counts: dict[Cell, tuple[int, int]]) -> dict[Cell, tuple[int, int]]:
    out = dict(counts)
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for (cohort, k), (size, kept) in counts.items():
        if cohort != ALL:
            totals[k][0] += size
            totals[k][1] += kept
    out.update({(ALL, k): (s, r) for k, (s, r) in totals.items()})
    return out


def _curve(name: str, code: str, counts: dict[Cell, tuple[int, int]]) -> Curve:
    pooled = _pool(counts)
    rates = {cell: 100 * kept / size for cell, (size, kept) in pooled.items() if size}
    return Curve(name, code, pooled, rates, dict.fromkeys(pooled, 1))


def curves(store: Store, unit: str) -> tuple[list[Curve], list[str]]:
    """The LA's curve, its neighbours' median and England's, with notes on what was used."""
    by_unit: dict[str, dict[Cell, tuple[int, int]]] = defaultdict(dict)
    store.periods()
    for u, cohort, k, size, kept in store.query(COHORTS):
        by_unit[u][(str(cohort), k)] = (size, kept)
    years = store.years()
    latest = max(years) if years else 0
    england: dict[Cell, tuple[int, int]] = defaultdict(lambda: (0, 0))
    for counts in by_unit.values():
        for cell, (size, kept) in counts.items():
            s, r = england[cell]
            england[cell] = (s + size, r + kept)
    grouping_name, near = grouping(latest).name, neighbours_of(unit, latest)
    near_units = [pub.unit_code(code, latest) for code in near]
    present = [u for u in near_units if u in by_unit]
    pooled = {u: _curve(u, u, by_unit[u]) for u in present}
    cells = {cell for c in pooled.values() for cell in c.rates}
    median = Curve("Statistical neighbours (median)", "", {}, {}, {})
    for cell in cells:
        values = [c.rates[cell] for c in pooled.values() if cell in c.rates]
        median.rates[cell] = statistics.median(values)
        median.areas[cell] = len(values)
    name = la_geography(unit, latest)["la_name"] or unit
    mine = _curve(name, unit, by_unit.get(unit, {}))
    notes = [
        f"Statistical neighbours: {grouping_name} ({len(near)} listed for {unit}; "
        f"{len(present)} of them have returns loaded).",
        "Retained: in post in the same LA on 30 September each later year; starters who left "
        "within their first year are not in a cohort.",
    ]
    if unit not in by_unit:
        notes.append(
            f"No cohort for {unit}: its returns hold no starters in post, or only one year is loaded."
        )
    return [mine, median, _curve("England", "E92000001", dict(england))], notes


def _order(cell: Cell) -> tuple[int, int]:
    cohort, k = cell
    return (9999 if cohort == ALL else int(cohort)), k


def to_csv(found: list[Curve]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    for curve in found:
        for cell in sorted(curve.rates, key=_order):
            size, kept = curve.counts.get(cell, (None, None))
            writer.writerow(
                {
                    "area": curve.name,
                    "area_code": curve.code,
                    "cohort": cell[0],
                    "years_after": cell[1],
                    "cohort_headcount": "" if size is None else size,
                    "retained_headcount": "" if kept is None else kept,
                    "retention_rate": f"{curve.rates[cell]:.1f}",
                    "areas": curve.areas.get(cell, 1),
                }
            )
    return buffer.getvalue()


def to_html(found: list[Curve], notes: list[str]) -> str:
    """A page with the pooled curves as a line chart and every value as a table."""
    ks = sorted({k for c in found for (cohort, k) in c.rates if cohort == ALL})
    series = [(c.name, [c.rates.get((ALL, k)) for k in ks]) for c in found]
    title = f"Retention of starters: {found[0].name}, its statistical neighbours and England"
    chart = (
        lines(title, ks, series, unit="%") if ks else "<p>No cohort has a later year loaded.</p>"
    )
    head = "".join(f"<th>{k} year{'s' if k > 1 else ''} after</th>" for k in ks)
    body = "".join(
        f"<tr><td>{escape(name)}</td>"
        + "".join(f"<td>{'' if v is None else f'{v:.1f}%'}</td>" for v in values)
        + "</tr>"
        for name, values in series
    )
    items = "".join(f"<li>{escape(n)}</li>" for n in notes)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body><main>"
        f"<h1>{escape(title)}</h1><p>Share of each year's starters still in post in the same LA "
        "(all start cohorts pooled); the horizontal axis is years after starting.</p>"
        f"{key([c.name for c in found])}{chart}<p>Years after starting</p><h2>Values</h2><table><thead><tr><th>Area</th>{head}</tr></thead>"
        f'<tbody>{body}</tbody></table><ul class="note">{items}</ul></main></body></html>'
    )
