"""Headline statistics over submitted returns, computed by the core's ``csww.stats``.

The portal reads the submitted returns back with the core reader and hands them over;
every formula (rates, de-duplication, rounding, regions) is the statistics module's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from csww.reader import read
from csww.stats.aggregate import table
from csww.stats.collect import measure_return
from csww.stats.indicators import LABELS
from csww.stats.svg import bars
from csww_portal.models import LAReturn

HEADLINE_COLUMNS = (
    "inpost_fte",
    "inpost_headcount",
    "turnover_rate_fte",
    "agency_rate_fte",
    "vacancy_rate_fte",
    "caseload_fte",
    "absence_rate_fte",
)


@dataclass
class Headline:
    available: bool
    message: str = ""
    national: list[tuple[str, str]] = field(default_factory=list)
    regions: list[list[str]] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    charts: list[tuple[str, str]] = field(default_factory=list)  # (title, inline SVG)


CHARTED = ("vacancy_rate_fte", "agency_rate_fte", "turnover_rate_fte")


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None  # a symbol such as c, x or z: left out of the chart, shown in the table


def headline(year: int, returns: list[LAReturn]) -> Headline:
    if not returns:
        return Headline(True, "No returns have been submitted yet.")
    measures = [
        measure_return(read(r.current.xml_bytes()), year=year).measures
        for r in returns
        if r.current
    ]
    units = table(measures)
    national = next(u for u in units if u.level == "National")
    regional = [u for u in units if u.level == "Regional"]
    charts = []
    for column in CHARTED:
        points = [(u.name, _number(u.cell(column))) for u in [*regional, national]]
        shown = [(name, value) for name, value in points if value is not None]
        if shown:
            title = f"{LABELS[column]} by region and England"
            charts.append((title, bars(title, shown, unit="%")))
    return Headline(
        available=True,
        charts=charts,
        national=[(LABELS[c], national.cell(c)) for c in HEADLINE_COLUMNS],
        columns=["Region", "Returns", *(LABELS[c] for c in HEADLINE_COLUMNS)],
        regions=[
            [u.name, str(u.members), *(u.cell(c) for c in HEADLINE_COLUMNS)] for u in regional
        ],
    )
