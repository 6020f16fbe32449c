"""``csww stats --format html``: a page a statistician would use.

First the headline national figures for the latest year (with the trend where several years
are given), then each headline rate by region beside England, as charts; then every row in
one table with sticky headings, thousands separators and each number's value kept in
``data-value``. The table is plain HTML and complete without JavaScript; sorting and
filtering come from a static script, ``csww-table.js``, written beside the page (never
inline, so a strict Content-Security-Policy can serve it).
"""

from __future__ import annotations

from html import escape
from importlib import resources

from csww.stats import svg
from csww.stats.aggregate import Unit
from csww.stats.indicators import LABELS, MEASURE_COLUMNS, parse_published
from csww.stats.report_html import CSS, thousands

SCRIPT = "csww-table.js"
HEADLINE_COUNTS = (("inpost_fte", "Social workers in post (FTE)"), ("inpost_headcount", "People"))
HEADLINE_RATES = (
    ("vacancy_rate_fte", "Vacancy rate", "%"),
    ("agency_rate_fte", "Agency rate", "%"),
    ("turnover_rate_fte", "Turnover rate", "%"),
    ("caseload_fte", "Average caseload", ""),
    ("absence_rate_fte", "Sickness absence", "%"),
)
PAGE_CSS = """
.scroll{max-height:80vh;overflow:auto;border:1px solid #b1b4b6}
.scroll table{font-size:13px}.scroll td{white-space:nowrap}.scroll thead th{position:sticky;top:0;z-index:2;
background:#f3f2f1;vertical-align:bottom;min-width:5.5em}
.scroll th:first-child,.scroll td:first-child{position:sticky;left:0;background:#fff;z-index:1;
min-width:14em}.scroll thead th:first-child{z-index:3;background:#f3f2f1}
.scroll th button{all:unset;cursor:pointer;display:block}
.scroll th[aria-sort=ascending] button::after{content:" ▲"}
.scroll th[aria-sort=descending] button::after{content:" ▼"}
.controls{display:flex;gap:16px;flex-wrap:wrap;margin:10px 0}.controls label{font-weight:bold}
.controls input,.controls select{font:inherit;padding:4px;margin-left:6px}
tr.level-National td,tr.level-Regional td{font-weight:bold}main{max-width:1400px}
"""


def _tiles(units: list[Unit], year: int) -> str:
    england = next((u for u in units if u.year == year and u.level == "National"), None)
    if england is None:
        return ""
    row = england.row()
    out = ['<div class="tiles">']
    count = " · ".join(
        f"{escape(thousands(row.get(c, '')) or '–')} {escape(t.split(' (')[0].lower())}"
        if c != "inpost_fte"
        else f"{escape(thousands(row.get(c, '')) or '–')} FTE"
        for c, t in HEADLINE_COUNTS
    )
    out.append(
        f'<div class="tile"><div class="c">Social workers in post, England</div>'
        f'<div class="v">{count.split(" · ")[0]}</div><div class="s">{count.split(" · ")[1]} '
        f"at 30 September {year}</div></div>"
    )
    for column, title, unit in HEADLINE_RATES:
        value = row.get(column, "")
        shown = f"{value}{unit}" if parse_published(value) is not None else (value or "–")
        out.append(
            f'<div class="tile"><div class="c">{escape(title)}, England</div>'
            f'<div class="v">{escape(shown)}</div><div class="s">{escape(LABELS[column])}</div></div>'
        )
    out.append("</div>")
    return "".join(out)


def _trend(units: list[Unit]) -> str:
    years = sorted({u.year for u in units if u.level == "National"})
    if len(years) < 2:
        return ""
    national = {u.year: u.row() for u in units if u.level == "National"}
    charts = []
    for column, title, unit in HEADLINE_RATES:
        values = [parse_published(national[y].get(column)) for y in years]
        charts.append(
            f"<div><h3>{escape(title)}</h3>{svg.lines(title, years, [('England', values)], unit)}</div>"
        )
    return f'<h2>England, {years[0]} to {years[-1]}</h2><div class="grid">{"".join(charts)}</div>'


def _regions(units: list[Unit], year: int) -> str:
    regional = [u for u in units if u.year == year and u.level == "Regional"]
    england = [u for u in units if u.year == year and u.level == "National"]
    if not regional:
        return ""
    charts = []
    for column, title, unit in HEADLINE_RATES:
        groups: list[tuple[str, list[float | None]]] = [
            (u.name, [parse_published(u.row().get(column))]) for u in [*regional, *england]
        ]
        chart = svg.grouped_bars(f"{title} by region, {year}", groups, [title], unit)
        charts.append(f"<div><h3>{escape(title)} by region, {year}</h3>{chart}</div>")
    return f'<h2>Regions beside England, {year}</h2><div class="grid">{"".join(charts)}</div>'


def _table(units: list[Unit], suppress: bool) -> str:
    head = ["Area", "Year", "Level", "Code", *(LABELS[c] for c in MEASURE_COLUMNS)]
    kinds = ["text", "number", "text", "text", *("number" for _ in MEASURE_COLUMNS)]
    cells_head = "".join(
        f'<th scope="col" data-kind="{k}"><button type="button">{escape(h)}</button></th>'
        for h, k in zip(head, kinds, strict=True)
    )
    body = []
    for u in units:
        row = u.row(suppress)
        values = "".join(
            f'<td data-value="{"" if (n := parse_published(row[c])) is None else n}">'
            f"{escape(thousands(row[c]) or '–')}</td>"
            for c in MEASURE_COLUMNS
        )
        body.append(
            f'<tr class="level-{escape(u.level.split()[0])}"><th scope="row">{escape(u.name)}</th>'
            f'<td data-value="{u.year}">{u.year}</td><td>{escape(u.level)}</td>'
            f"<td>{escape(u.code)}</td>{values}</tr>"
        )
    return (
        '<div class="controls" id="table-controls" hidden>'
        '<label>Area <input type="search" id="filter-area" placeholder="e.g. Leeds"></label>'
        '<label>Level <select id="filter-level"><option value="">All</option>'
        "<option>National</option><option>Regional</option><option>Local authority</option>"
        '</select></label><label>Year <select id="filter-year"><option value="">All</option>'
        + "".join(f"<option>{y}</option>" for y in sorted({u.year for u in units}, reverse=True))
        + '</select></label><span id="shown-count" aria-live="polite"></span></div>'
        f'<div class="scroll"><table id="indicators"><thead><tr>{cells_head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def script() -> str:
    """The table's sorting and filtering, shipped as a static file."""
    return resources.files(__package__).joinpath("static", SCRIPT).read_text("utf-8")


def to_page(units: list[Unit], notes: list[str], suppress: bool = True) -> str:
    year = max((u.year for u in units), default=0)
    parts = [
        "<h1>Children's social work workforce statistics</h1>",
        f'<p class="lede">Year ending 30 September {year}: England first, then the regions, '
        "then every area in one table (sort by a heading, filter by area, level or year).</p>",
        _tiles(units, year),
        _trend(units),
        _regions(units, year),
        f"<h2>Every area, {len(units):,} rows</h2>",
        _table(units, suppress),
    ]
    if notes:
        parts.append(
            '<ul class="note">' + "".join(f"<li>{escape(n)}</li>" for n in notes) + "</ul>"
        )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" '
        'content="width=device-width,initial-scale=1"><title>Children\'s social work workforce '
        f"statistics {year}</title><style>{CSS}{PAGE_CSS}</style>"
        f'<script src="{SCRIPT}" defer></script></head><body><main>{"".join(parts)}</main>'
        "</body></html>"
    )
