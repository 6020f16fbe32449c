"""A one-LA benchmarking report as a single self-contained HTML page.

Written for a director of children's services: the headline figures first with the region
and England beside them, a sentence for each saying how the LA compares, charts (inline SVG,
no script, no external file), the trend where several years are given, the make-up of the
workforce, then every indicator in a table and how the figures are made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from csww.stats import svg
from csww.stats.aggregate import SUPPRESS_BELOW
from csww.stats.breakdowns import (
    AGE,
    AGE_BANDS,
    NOT_KNOWN,
    SERVICE,
    SERVICE_BANDS,
    Breakdowns,
    legacy_variables,
    sex_breakdowns,
)
from csww.stats.indicators import LABELS, MEASURE_COLUMNS, parse_published
from csww.stats.measures import LAMeasures
from csww.stats.neighbours import Standing

Cells = dict[str, str]
HEADLINES = (
    ("vacancy_rate_fte", "Vacancy rate", "%", "vacancies as a share of all posts (FTE)"),
    (
        "agency_rate_fte",
        "Agency rate",
        "%",
        "agency workers as a share of all social workers (FTE)",
    ),
    (
        "turnover_rate_fte",
        "Turnover rate",
        "%",
        "leavers in the year as a share of staff in post (FTE)",
    ),
    ("caseload_fte", "Average caseload", "", "cases per case-holding social worker (FTE)"),
    ("absence_rate_fte", "Sickness absence", "%", "working days lost as a share of working days"),
    (
        "agency_cover_rate_fte",
        "Agency covering vacancies",
        "%",
        "share of agency FTE covering a vacancy",
    ),
)
TREND = (
    "turnover_rate_fte",
    "vacancy_rate_fte",
    "agency_rate_fte",
    "caseload_fte",
    "absence_rate_fte",
)
BREAKDOWNS = (
    ("in post", AGE),
    # The item's name in each year (Gender to 2023, then Sex): a year has one of them.
    *(("in post", name) for name in sex_breakdowns()),
    ("in post", "Ethnic group"),
    ("in post", "Role (most senior post)"),
    ("in post", SERVICE),
    ("in post", "Qualification level"),
    ("in post", "Working pattern"),
    ("starters", "Origin"),
    ("starters", AGE),
    ("leavers", AGE),
    ("leavers", SERVICE),
    ("leavers", "Destination"),
    ("leavers", "Reason for leaving"),
)
ORDERED = {
    AGE: (*(label for _, label in AGE_BANDS), NOT_KNOWN),
    SERVICE: (*(label for _, label in SERVICE_BANDS), NOT_KNOWN),
    "Working pattern": ("Full time", "Part time"),
    **dict.fromkeys(sex_breakdowns(), ("Female", "Male", NOT_KNOWN)),
    "Qualification level": ("Undergraduate", "Postgraduate", "Other", NOT_KNOWN),
}
# Chart labels for long code-list labels (the table and CSV keep the guide's wording).
SHORT = {
    "Newly Qualified Social Workers (NQSWs)": "Newly qualified",
    "Social worker role in different LA in England": "Social worker, another LA",
    "Social worker role outside England": "Social worker outside England",
    "Agency or consultancy social work (in England)": "Agency or consultancy",
    "Other social work role non LA (in England)": "Other social work, not an LA",
    "Other social care role LA/non LA (in England)": "Other social care role",
    "Non-social care role / any role outside England / no employment / career break": "Non-social care, none or break",
    "Non-social care role / no employment / career break / any other role outside England / left England": "Non-social care, none or break",
    "Moved to a non-child and family social work role within LA": "Other role in the LA",
    "Black, African, Caribbean or Black British": "Black or Black British",
    "Mixed or multiple ethnic groups": "Mixed or multiple",
}
CSS = """
body{margin:0;background:#f3f2f1;color:#0b0c0c;font:16px/1.45 Arial,Helvetica,sans-serif}
main{max-width:1120px;margin:0 auto;padding:24px 28px 48px;background:#fff}
h1{font-size:34px;line-height:1.15;margin:0 0 6px}h2{font-size:24px;margin:36px 0 10px;
border-top:2px solid #1d70b8;padding-top:14px}h3{font-size:18px;margin:18px 0 6px}
.lede{font-size:19px;color:#505a5f;margin:0 0 18px}.tiles{display:grid;
grid-template-columns:repeat(3,1fr);gap:14px}.tile{border-left:6px solid #1d70b8;
background:#f8f8f8;padding:12px 14px}.tile .v{font-size:36px;font-weight:bold}
.tile .c{color:#505a5f;font-size:15px}.tile .s{font-size:15px;margin-top:4px}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:22px 34px}table{border-collapse:collapse;
width:100%;font-size:14px}th,td{border-bottom:1px solid #b1b4b6;padding:5px 8px;text-align:right}
th:first-child,td:first-child{text-align:left}thead th{background:#f3f2f1}
.key{font-size:15px}.key .sw{display:inline-block;width:14px;height:14px;margin:0 6px -2px 16px}
.key .sw:first-child{margin-left:0}ul{margin-top:4px}.note{font-size:14px;color:#505a5f}
svg{max-width:100%;height:auto}
@media print{body{background:#fff}main{padding:0}@page{size:A4;margin:14mm}
h2,h3{break-after:avoid}h3{font-size:15px}table,.tile,.grid>div,svg{break-inside:avoid}tr{break-inside:avoid}}
"""


@dataclass
class Comparator:
    """Region or England: published-format cells per year, and where they come from."""

    name: str
    cells: dict[int, Cells] = field(default_factory=dict)
    neighbours: bool = False  # the median of the LA's statistical neighbours


def _num(cells: Cells | None, column: str) -> float | None:
    return parse_published(cells.get(column)) if cells else None


def _show(text: str | None, unit: str) -> str:
    if text is None or text == "":
        return "not published"
    if text in ("x", "u", ":"):
        return "not available"
    if text in ("z", "c"):
        return {"z": "not applicable", "c": "suppressed"}[text]
    if text == "low":
        return "under 0.05" + unit
    number = parse_published(text)
    if unit == "%" and number is not None:
        return f"{number:.1f}%"
    if number is not None and number >= 1000:
        return f"{number:,.1f}".removesuffix(".0")
    return f"{text}{unit}"


def _compare(value: float | None, other: float | None, name: str, unit: str) -> str:
    if value is None or other is None:
        return ""
    diff = value - other
    if abs(diff) < (0.5 if unit else 0.3):
        return f"about the same as {name}"
    word = "higher" if diff > 0 else "lower"
    gap = f"{abs(diff):.1f} points" if unit == "%" else f"{abs(diff):.1f}"
    return f"{gap} {word} than {name}"


def _tiles(la: Cells, comparators: list[Comparator], year: int) -> str:
    out = ['<div class="tiles">']
    inpost, headcount = la.get("inpost_fte"), la.get("inpost_headcount")
    out.append(
        f'<div class="tile"><div class="c">Social workers in post</div><div class="v">'
        f'{escape(_show(inpost, ""))} FTE</div><div class="s">{escape(_show(headcount, ""))} '
        f"people at 30 September {year}</div></div>"
    )
    for column, title, unit, meaning in HEADLINES[:5]:
        value = la.get(column)
        others = " · ".join(
            f"{escape(c.name)} {escape(_show(c.cells.get(year, {}).get(column), unit))}"
            for c in comparators
        )
        england = comparators[-1] if comparators else None
        said = _compare(
            _num(la, column),
            _num(england.cells.get(year) if england else None, column),
            england.name if england else "",
            unit,
        )
        near = next((c for c in comparators if c.neighbours), None)
        if near is not None and said:
            also = _compare(
                _num(la, column), _num(near.cells.get(year), column), "its neighbours", unit
            )
            said = f"{said}; {also}" if also else said
        out.append(
            f'<div class="tile"><div class="c">{escape(title)}</div><div class="v">'
            f'{escape(_show(value, unit))}</div><div class="c">{others}</div>'
            f'<div class="s">{escape(said[:1].upper() + said[1:]) if said else escape(meaning)}</div></div>'
        )
    out.append("</div>")
    return "".join(out)


def key(names: list[str]) -> str:
    """The colour key shared by a section's charts."""
    items = "".join(
        f'<span class="sw" style="background:{svg.SERIES_COLOURS[i % 5]}"></span>{escape(n)}'
        for i, n in enumerate(names)
    )
    return f'<p class="key">{items}</p>'


def _bench_chart(la_name: str, la: Cells, comparators: list[Comparator], year: int) -> str:
    series = [la_name, *(c.name for c in comparators)]

    def group(column: str, title: str) -> tuple[str, list[float | None]]:
        return title, [_num(la, column), *(_num(c.cells.get(year), column) for c in comparators)]

    rates = [group(col, title) for col, title, unit, _ in HEADLINES[:5] if unit == "%"]
    first = svg.grouped_bars(
        f"Rates in {year}: {la_name} beside {', '.join(series[1:])}", rates, series, "%"
    )
    second = svg.grouped_bars(
        f"Average caseload in {year}", [group("caseload_fte", "Average caseload")], series
    )
    cover = [
        group("agency_cover_rate_fte", "Of agency FTE"),
        group("vacancy_agency_cover_rate_fte", "Of vacancies"),
    ]
    third = svg.grouped_bars(f"Agency workers covering vacancies in {year}", cover, series, "%")
    return (
        f'{key(series)}<div class="grid"><div><h3>Vacancies, agency, turnover and absence (%)</h3>{first}</div>'
        f"<div><h3>Average caseload</h3>{second}"
        f'<p class="note">Cases per full-time equivalent social worker holding at least one case, '
        f"agency workers included.</p><h3>Agency workers covering vacancies (%)</h3>{third}</div></div>"
    )


def _summary(la_name: str, la: Cells, comparators: list[Comparator], year: int) -> str:
    """Two plain sentences: the size of the workforce, and how it compares with England."""
    england = comparators[-1] if comparators else None
    size = (
        f"At 30 September {year} {la_name} had {_show(la.get('inpost_fte'), '')} full-time equivalent "
        f"children and family social workers in post ({_show(la.get('inpost_headcount'), '')} people), "
        f"{_show(la.get('agency_fte'), '')} FTE agency workers and {_show(la.get('vacancy_fte'), '')} FTE "
        f"vacancies."
    )
    if england is None or year not in england.cells:
        return f'<p class="lede">{escape(size)}</p>'
    words: dict[str, list[str]] = {"higher": [], "lower": [], "about the same as": []}
    for column, title, unit, _ in HEADLINES[:5]:
        said = _compare(_num(la, column), _num(england.cells[year], column), "England", unit)
        for word in words:
            if said.startswith(word) or f" {word} " in said:
                words[word].append(title.lower())
    parts = [
        f"{', '.join(v)} {'were' if len(v) > 1 else 'was'} {k}{' than' if k != 'about the same as' else ''} "
        f"England's"
        for k, v in words.items()
        if v
    ]
    compared = "Compared with England, " + "; ".join(parts) + "." if parts else ""
    return f'<p class="lede">{escape(size)} {escape(compared)}</p>'


def _trend(la_name: str, series_la: dict[int, Cells], comparators: list[Comparator]) -> str:
    years = sorted(series_la)
    charts = []
    for column in TREND:
        unit = "" if column == "caseload_fte" else "%"
        lines = [(la_name, [_num(series_la[y], column) for y in years])]
        lines += [(c.name, [_num(c.cells.get(y), column) for y in years]) for c in comparators]
        charts.append(
            f"<div><h3>{escape(LABELS[column])}</h3>"
            f"{svg.lines(LABELS[column], years, lines, unit)}</div>"
        )
    names = [la_name, *(c.name for c in comparators)]
    return f'{key(names)}<div class="grid">{"".join(charts)}</div>'


def _shares(b: Breakdowns, population: str, breakdown: str) -> tuple[dict[str, float], int]:
    share = b.share(population, breakdown)
    whole = sum(share.values())
    return ({k: 100 * v / whole for k, v in share.items()} if whole else {}), whole


def _breakdowns(b: Breakdowns, england: Breakdowns | None = None, la_name: str = "This LA") -> str:
    """Each breakdown of the LA's workforce, beside England's where it is known. A
    population of fewer than 3 people is not shown, as DfE withholds the make-up of so small
    a workforce (Isles of Scilly is ``z`` throughout DfE's ethnicity tables)."""
    charts, withheld = [], []
    for population, breakdown in BREAKDOWNS:
        mine, whole = _shares(b, population, breakdown)
        if not whole:
            continue
        who = {"in post": "social workers in post", "starters": "starters", "leavers": "leavers"}[
            population
        ]
        if whole < SUPPRESS_BELOW:
            withheld.append(f"{breakdown.lower()} of {who}")
            continue
        theirs, _ = _shares(england, population, breakdown) if england else ({}, 0)
        rank = {label: i for i, label in enumerate(ORDERED.get(breakdown, ()))}
        labels = sorted(
            set(mine) | set(theirs),
            key=lambda k: (
                (rank.get(k, len(rank)), -mine.get(k, 0), k) if rank else (-mine.get(k, 0), k)
            ),
        )
        title = f"{breakdown} of {who} (% of {whole:,} people)"
        if theirs:
            groups: list[tuple[str, list[float | None]]] = [
                (SHORT.get(k, k), [round(mine.get(k, 0.0), 1), round(theirs.get(k, 0.0), 1)])
                for k in labels
            ]
            chart = svg.grouped_bars(title, groups, [la_name, "England"], "%")
        else:
            chart = svg.bars(title, [(SHORT.get(k, k), round(mine[k], 1)) for k in labels])
        charts.append(f"<div><h3>{escape(title)}</h3>{chart}</div>")
    out = (
        key([la_name, "England"]) if england else ""
    ) + f'<div class="grid">{"".join(charts)}</div>'
    if england is None:
        out += (
            "<p class=\"note\">England's make-up is not in DfE's indicators file: give "
            "--compare-with a folder of every LA's returns to chart it beside this LA's.</p>"
        )
    if withheld:
        out += (
            f'<p class="note">Not shown, as fewer than {SUPPRESS_BELOW} people: '
            f"{escape('; '.join(withheld))}. DfE does not publish the make-up of so small a "
            "group (Isles of Scilly is shown as z in its breakdowns).</p>"
        )
    return out


def _table(
    la_name: str,
    la: Cells,
    comparators: list[Comparator],
    year: int,
    standings: dict[str, Standing] | None = None,
) -> str:
    names = [la_name, *(c.name for c in comparators)]
    head = "".join(f"<th>{escape(n)}</th>" for n in names)
    if standings is not None:
        head += "<th>Rank among LAs (1 = lowest)</th><th>Quartile (1 = lowest)</th>"
    body = []
    for column in MEASURE_COLUMNS:
        cells = [la.get(column, ""), *(c.cells.get(year, {}).get(column, "") for c in comparators)]
        row = "".join(f"<td>{escape(thousands(v) or '–')}</td>" for v in cells)
        if standings is not None:
            place = standings.get(column)
            row += (
                f"<td>{place.rank} of {place.of}</td><td>{place.quartile}</td>"
                if place
                else "<td>–</td><td>–</td>"
            )
        body.append(f"<tr><td>{escape(LABELS[column])}</td>{row}</tr>")
    return f"<table><thead><tr><th>Indicator, {year}</th>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


@dataclass(frozen=True)
class Neighbours:
    """Who the LA's statistical neighbours are, and each one's figures for the year."""

    grouping: str
    rows: list[tuple[str, str, Cells]]  # (name, unit code, published-format cells), nearest first
    missing: list[str] = field(default_factory=list)  # neighbours with no figures that year


def _neighbours(
    la_name: str, la_code: str, la: Cells, near: Neighbours, median: Cells | None, year: int
) -> str:
    """The neighbours by name, each with its headline figures beside the LA's own and their
    median, so that a reader sees whom the LA is compared with."""
    shown = HEADLINES[:5]
    head = "".join(f"<th>{escape(title)}</th>" for _, title, _, _ in shown)

    def line(name: str, code: str, cells: Cells | None, strong: bool = False) -> str:
        tag = "th" if strong else "td"
        figures = "".join(
            f"<{tag}>{escape(_show(cells.get(c), unit)) if cells else '–'}</{tag}>"
            for c, _, unit, _ in shown
        )
        return f"<tr><{tag}>{escape(name)}</{tag}><{tag}>{escape(code)}</{tag}>{figures}</tr>"

    body = [line(la_name, la_code, la, strong=True)]
    body += [line(name, code, cells) for name, code, cells in near.rows]
    if median:
        body.append(line(f"Median of the {len(near.rows)} neighbours", "", median, strong=True))
    note = f'<p class="note">Neighbours as in {escape(near.grouping)}, nearest first. ' + (
        f"No figures for {year}: {escape(', '.join(near.missing))}.</p>" if near.missing else "</p>"
    )
    return (
        f"<table><thead><tr><th>Local authority, {year}</th><th>Code</th>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>{note}"
    )


def thousands(text: str) -> str:
    """Published text with thousands separators (36186.3 → 36,186.3); symbols unchanged."""
    number = parse_published(text)
    if number is None or abs(number) < 1000:
        return text
    places = len(text.split(".")[1]) if "." in text else 0
    return f"{number:,.{places}f}"


def _legacy(m: LAMeasures, b: Breakdowns | None) -> str:
    rows = "".join(
        f"<tr><td>{escape(name)}</td><td>{'–' if v is None else f'{v:,.1f}'.removesuffix('.0')}</td></tr>"
        for name, v in legacy_variables(m, b)
    )
    return f"<table><thead><tr><th>Variable</th><th>Value</th></tr></thead><tbody>{rows}</tbody></table>"


def render(
    la_name: str,
    region_name: str,
    series_la: dict[int, Cells],
    comparators: list[Comparator],
    source: str,
    breakdowns: Breakdowns | None = None,
    measures: LAMeasures | None = None,
    notes: list[str] | None = None,
    standings: dict[str, Standing] | None = None,
    england_breakdowns: Breakdowns | None = None,
    neighbours: Neighbours | None = None,
    la_code: str = "",
) -> str:
    """The whole page. ``series_la`` maps each year to the LA's published-format cells;
    ``comparators`` end with England (statistical neighbours and region before it);
    ``standings`` give the LA's rank and quartile among all LAs per indicator."""
    year = max(series_la)
    la = series_la[year]
    years = sorted(series_la)
    span = f"{years[0]} to {years[-1]}" if len(years) > 1 else str(year)
    near = next((c for c in comparators if c.neighbours), None)
    named = (
        f"<p>Its statistical neighbours: {escape(', '.join(n for n, _, _ in neighbours.rows))} "
        f"(their figures are in the table below).</p>"
        if neighbours is not None and neighbours.rows
        else ""
    )
    parts = [
        f"<h1>{escape(la_name)}: children's social work workforce</h1>",
        f'<p class="lede">Year ending 30 September {year} · {escape(region_name)} · compared with '
        f"{escape(' and '.join(c.name for c in comparators))} ({escape(source)})</p>",
        _summary(la_name, la, comparators, year),
        named,
        _tiles(la, comparators, year),
        f"<h2>How {escape(la_name)} compares, {year}</h2>",
        _bench_chart(la_name, la, comparators, year),
    ]
    if neighbours is not None and neighbours.rows:
        parts += [
            f"<h2>{escape(la_name)} and its statistical neighbours, {year}</h2>",
            _neighbours(
                la_name, la_code, la, neighbours, near.cells.get(year) if near else None, year
            ),
        ]
    if len(years) > 1:
        parts += [f"<h2>Trend, {span}</h2>", _trend(la_name, series_la, comparators)]
    if breakdowns is not None:
        parts += [
            f"<h2>The workforce in {year}</h2>",
            _breakdowns(breakdowns, england_breakdowns, la_name),
        ]
    parts += [
        f"<h2>All indicators, {year}</h2>",
        _table(la_name, la, comparators, year, standings),
    ]
    if measures is not None:
        parts += [
            "<h2>The 2012-13 collection's variables, from worker records</h2>",
            _legacy(measures, breakdowns),
        ]
    parts.append("<h2>How these figures are made</h2>" + _method(notes or []))
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" '
        f'content="width=device-width,initial-scale=1"><title>{escape(la_name)}: social work workforce '
        f"{year}</title><style>{CSS}</style></head><body><main>{''.join(parts)}</main></body></html>"
    )


def _method(notes: list[str]) -> str:
    items = [
        "Figures follow DfE's published methodology: headcounts count a person once, FTEs add up "
        "every post, rates for the region and England are taken over the LAs with the figures needed.",
        "Turnover rate = leavers ÷ social workers in post at 30 September. Vacancy rate = vacancies ÷ "
        "(vacancies + in post). Agency rate = agency ÷ (agency + in post). Average caseload = cases ÷ "
        "FTE of workers holding at least one case. Absence rate = days lost ÷ (FTE in post × working "
        "days).",
        "FTEs, rates, caseload and days are rounded to one decimal place and headcounts to whole "
        "numbers. x: not available; z: not applicable; c: suppressed; low: rounds to 0.",
        "Breakdowns use DfE's age groups: social workers in post and starters are aged at "
        "30 September, leavers on the day they left; each person is counted once, in their most "
        "senior role. Agency records with a leaving date are not agency workers in post.",
        *notes,
        "Full definitions and sources: docs/methodology.md in the csww project.",
    ]
    return '<ul class="note">' + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>"
