"""Statistics as CSV (the published layout) and JSON; the HTML page is :mod:`csww.stats.page_html`."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

from csww.spec import spec_for
from csww.stats.aggregate import Unit, rows
from csww.stats.breakdowns import Breakdowns, legacy_variables
from csww.stats.collect import Measured
from csww.stats.indicators import COLUMNS
from csww.stats.published import la_rows

BREAKDOWN_COLUMNS = (
    "time_period",
    "la_code",
    "population",
    "breakdown",
    "category",
    "headcount",
    "fte",
    "percent_headcount",
)


def to_csv(units: Iterable[Unit], suppress: bool = True) -> str:
    """Rows with the column names and order of DfE's indicators file."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows(units, suppress))
    return buffer.getvalue()


def breakdowns_csv(breakdowns: Iterable[Breakdowns]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(BREAKDOWN_COLUMNS), lineterminator="\n")
    writer.writeheader()
    for b in breakdowns:
        writer.writerows(b.rows())
    return buffer.getvalue()


def notes_for(measured: list[Measured], units: list[Unit]) -> list[str]:
    """Plain statements a reader needs beside the figures."""
    notes: list[str] = []
    for year in sorted({m.measures.year for m in measured}):
        spec = spec_for(year)
        which = f"the {spec.year} specification"
        notes.extend(f"{year}: {note}." for note in spec.notes)
        notes.append(
            f"{year}: returns checked against {which}; leavers' FTE is the FTE recorded on the "
            "leaver records, as DfE sums it (see docs/methodology.md)."
        )
    las = {(u.year, u.code) for u in units if u.level == "Local authority"}
    for year in sorted({y for y, _ in las}):
        n = sum(1 for y, _ in las if y == year)
        published = len(la_rows(year))
        if published and n < published:
            notes.append(
                f"{year}: regional and national rows cover the {n} LA(s) given, not all "
                f"{published} LAs DfE publishes."
            )
    return notes


def to_json(
    units: list[Unit], measured: list[Measured], breakdowns: list[Breakdowns], suppress: bool = True
) -> str:
    by_unit = {(b.year, b.lea): b for b in breakdowns}
    legacy = []
    for m in measured:
        b = by_unit.get((m.measures.year, m.unit[1]))
        legacy.append(
            {
                "time_period": m.measures.year,
                "la_code": m.measures.lea,
                "variables": dict(legacy_variables(m.measures, b)),
            }
        )
    payload = {
        "methodology": "docs/methodology.md",
        "columns": list(COLUMNS),
        "rows": rows(units, suppress),
        "breakdowns": [r for b in breakdowns for r in b.rows()],
        "variables_2012_13": legacy,
        "sources": [s for m in measured for s in m.measures.sources],
        "notes": notes_for(measured, units),
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
