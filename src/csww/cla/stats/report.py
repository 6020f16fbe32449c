"""An LA's 903 statistics beside its statistical neighbours, its region and England.

One HTML page, no script: for each measure the LA's figure, the median of its statistical
neighbours (DfE's groupings, as ``csww report`` uses for the workforce), its region and
England, as a table and as a bar chart where a reader compares them; then the LA's placement
changes by reason and new placements by locality and distance. Comparators come from the
same run (give every LA's returns, or the synthetic national set) and, where a figure is
missing there, from DfE's published LA files when ``published`` rows are given.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from csww.cla.stats import layout
from csww.cla.stats.compute import Result
from csww.cla.stats.measures import STABILITY_LONG, STABILITY_TWO, STABILITY_YEAR
from csww.stats.neighbours import median, neighbours_of
from csww.stats.svg import bars, grouped_bars, lines

Rows = Sequence[Mapping[str, str]]

# (label, table, label columns → values, percentage column)
MEASURES = (
    (
        "3 or more placements in the year",
        "la_cla_placement_stability",
        {
            "cla_group": STABILITY_YEAR,
            "placement_stability": "With 3 or more placements during the year",
        },
        "children_percent",
    ),
    (
        "3 or more placements in 2 years (looked after 2 years)",
        "la_cla_placement_stability",
        {
            "cla_group": STABILITY_TWO,
            "placement_stability": "With 3 or more placements during the previous 2 years",
        },
        "children_percent",
    ),
    (
        "Same carer for 2 years (under 16, looked after 2.5 years)",
        "la_cla_placement_stability",
        {
            "cla_group": STABILITY_LONG,
            "placement_stability": "Living with the same carer for at least 2 years",
        },
        "children_percent",
    ),
    (
        "New placements outside the LA, over 20 miles",
        "la_cla_during_year_new_placements",
        {
            "characteristic": "Location of new placements during the year",
            "breakdown": "Placed outside LA boundary more than 20 miles from home",
        },
        "children_percent",
    ),
    (
        "New placements inside the LA, within 20 miles",
        "la_cla_during_year_new_placements",
        {
            "characteristic": "Location of new placements during the year",
            "breakdown": "Placed inside LA boundary less than 20 miles from home",
        },
        "children_percent",
    ),
    (
        "Care leavers 17–18 in suitable accommodation",
        "la_care_leavers_accommodation_suitability",
        {"care_leaver_age": "17 to 18 years", "breakdown": "Accommodation considered suitable"},
        "care_leaver_percent",
    ),
    (
        "Care leavers 19–21 in suitable accommodation",
        "la_care_leavers_accommodation_suitability",
        {"care_leaver_age": "19 to 21 years", "breakdown": "Accommodation considered suitable"},
        "care_leaver_percent",
    ),
)
STYLE = (
    "body{font-family:Arial,Helvetica,sans-serif;max-width:960px;margin:2em auto;color:#0b0c0c}"
    "table{border-collapse:collapse;margin:1em 0}td,th{border-bottom:1px solid #b1b4b6;padding:4px 8px;text-align:right}"
    "th:first-child,td:first-child{text-align:left}.note{color:#505a5f}"
)


def _value(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        return None


def _find(
    rows: Rows, year: str, level: str, code: str, labels: Mapping[str, str]
) -> Mapping[str, str] | None:
    for r in rows:
        if r.get("time_period") != year or r.get("geographic_level") != level:
            continue
        if level == "Local authority" and r.get("old_la_code") != code:
            continue
        if level == "Regional" and r.get("region_code") != code:
            continue
        if all(r.get(k) == v for k, v in labels.items()):
            return r
    return None


def _figure(
    tables: Mapping[str, Rows],
    published: Mapping[str, Rows],
    comparator: bool,
    table: str,
    year: str,
    level: str,
    code: str,
    labels: Mapping[str, str],
    column: str,
) -> str | None:
    # the LA's own figure from the run; a comparator from DfE's files when they are given (a
    # run of one LA "has" England, but only as that LA)
    order = (published, tables) if comparator and published else (tables, published)
    for source in order:
        row = _find(source.get(table, ()), year, level, code, labels)
        if row is not None and row.get(column) not in (None, "", "x"):
            return row[column]
    return None


def render(result: Result, la: str, published: Mapping[str, Rows] | None = None) -> str:
    """The report for LA ``la`` (its latest counted year)."""
    pub = published or {}
    years = sorted({c.year for c in result.counts if c.la == la})
    if not years:
        raise ValueError(f"no return of LA {la} was counted")
    year = str(years[-1])
    area = layout.areas().get(la)
    name = area.la_name if area else la
    region = area.region_code if area else ""
    region_name = area.region_name if area else "region"
    neighbours = neighbours_of(la, int(year))
    series = [name, "Statistical neighbours (median)", region_name, "England"]
    table_rows = []
    chart = []
    for label, table, labels, column in MEASURES:
        mine = _figure(
            result.tables, pub, False, table, year, "Local authority", la, labels, column
        )
        others = [
            _value(
                _figure(result.tables, pub, True, table, year, "Local authority", n, labels, column)
            )
            for n in neighbours
        ]
        near = median(others)
        reg = _figure(result.tables, pub, True, table, year, "Regional", region, labels, column)
        eng = _figure(result.tables, pub, True, table, year, "National", "", labels, column)
        shown = [mine or "–", "–" if near is None else f"{near:.0f}", reg or "–", eng or "–"]
        table_rows.append(
            f"<tr><td>{escape(label)}</td>"
            + "".join(
                f"<td>{escape(s)}%</td>" if _value(s) is not None else f"<td>{escape(s)}</td>"
                for s in shown
            )
            + "</tr>"
        )
        chart.append((label, [_value(mine), near, _value(reg), _value(eng)]))
    parts = [
        f"<h1>{escape(name)}: children looked after, year ending 31 March {escape(year)}</h1>",
        f'<p class="lede">Figures from the LA\'s own SSDA903 return(s), counted as DfE publishes them, '
        f"beside the median of its {len(neighbours)} statistical neighbours, {escape(region_name)} and England.</p>",
        "<h2>How the LA compares</h2>",
        "<table><thead><tr><th>Measure</th>"
        + "".join(f"<th>{escape(s)}</th>" for s in series)
        + "</tr></thead><tbody>"
        + "".join(table_rows)
        + "</tbody></table>",
        grouped_bars(f"{name} compared, {year}", chart, series, unit="%"),
    ]
    if len(years) > 1:
        trend = []
        for label, table, labels, column in MEASURES[:3]:
            values = [
                _value(
                    _figure(
                        result.tables,
                        pub,
                        False,
                        table,
                        str(y),
                        "Local authority",
                        la,
                        labels,
                        column,
                    )
                )
                for y in years
            ]
            trend.append((label, values))
        parts += [
            f"<h2>Placement stability, {years[0]} to {years[-1]}</h2>",
            lines(f"{name}: placement stability by year", years, trend, unit="%"),
        ]
    reasons = [
        r
        for r in result.tables.get("la_cla_during_year_new_placements", [])
        if r["time_period"] == year
        and r["geographic_level"] == "Local authority"
        and r["old_la_code"] == la
        and r["characteristic"] == "Reason for placement change during the year"
        and not r["breakdown"].startswith("Total")
    ]
    items = [
        (r["breakdown"], v) for r in reasons if (v := _value(r["children_percent"])) is not None
    ]
    if items:
        parts += [
            "<h2>Why placements changed</h2>",
            bars(f"Placement changes by reason, {name} {year}", sorted(items, key=lambda i: -i[1])),
        ]
    notes = [n for c in result.counts if c.la == la for n in c.notes]
    if notes:
        parts.append(
            "<h2>Notes</h2><ul>"
            + "".join(f'<li class="note">{escape(n)}</li>' for n in notes)
            + "</ul>"
        )
    parts.append(
        '<p class="note">LA figures are unrounded; 1 to 5 are shown as c (DfE\'s suppression). '
        "Regional and national counts are rounded to the nearest 10; percentages are worked out from the unrounded counts. "
        "Statistical neighbours: DfE's groupings (see csww.stats.neighbours).</p>"
    )
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(name)} – children looked after</title>'
        f"<style>{STYLE}</style></head><body>{''.join(parts)}</body></html>"
    )
