"""LA-to-LA movement: where each LA's leavers went and where its starters came from, found
by pseudonym in every LA's returns, beside the destination and origin the LA recorded.

For collection year Y:

* a **leaver** of Y is looked for on 30 September Y: in post in an LA (the one whose post
  started last, if several), else an agency worker in an LA, else not found;
* a **starter** of Y (starting date from 1 October Y-1 to 30 September Y, in post or left
  since) is looked for before their start: a leaver record of Y that ended on or before the
  start (the latest), else in post in an LA at 30 September Y-1, else an agency worker then,
  else not found. Y-1 helps only when its returns are loaded.

Each row compares what was found with ``LeaverDestination`` or ``StartOrigin``: it
``agrees`` when another LA's post was found and the LA recorded a social worker role in a
different LA, or agency work was found and recorded, or nothing was found and neither was
recorded; ``not recorded`` when the LA recorded "not known" or "not yet collected".
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from csww.flows.store import Store, census_period
from csww.stats.aggregate import SUPPRESS_BELOW, la_geography
from csww.stats.indicators import format_number
from csww.stats.measures import MICRO, stats_spec

FOUND_LA, FOUND_AGENCY, NOT_FOUND = "in post in an LA", "agency worker", "not found"
# A row's details: where its people were found and what the LA recorded.
DETAIL = ("other_la_code", "other_la_name", "found", "recorded_code", "recorded", "agrees")
COLUMNS = (
    "time_period",
    "direction",
    "la_code",
    "la_name",
    "other_la_code",
    "other_la_name",
    "found",
    "recorded_code",
    "recorded",
    "agrees",
    "headcount",
    "fte",
)
# In post or an agency worker on 30 September: an agency record with a leaving date is not
# one (query 535Q). Headcounts count people: a person's records that left (or started) on one
# day are one leaver (starter), as DfE's published headcounts; FTEs add every record.
IN_POST_OR_AGENCY = "(category = 'inpost' OR (category = 'agency' AND end_date IS NULL))"
LEAVERS = """
WITH found AS (
    SELECT person, unit, category, row_number() OVER (
        PARTITION BY person ORDER BY category = 'inpost' DESC, start_date DESC NULLS LAST, unit
    ) AS pick
    FROM workers WHERE year = ? AND person IS NOT NULL AND {IN_POST_OR_AGENCY})
SELECT w.unit, f.unit, f.category, w.destination,
    count(DISTINCT coalesce(w.person || '|' || CAST(w.end_date AS VARCHAR),
        'record ' || w.la || ' ' || CAST(w.seq AS VARCHAR))),
    sum(coalesce(w.fte, 0))
FROM workers w LEFT JOIN found f ON f.person = w.person AND f.pick = 1
WHERE w.year = ? AND w.category = 'leaver'
GROUP BY ALL
""".replace("{IN_POST_OR_AGENCY}", IN_POST_OR_AGENCY)
STARTERS = """
WITH s AS (
    SELECT la, seq, unit, person, start_date, fte, origin FROM workers
    WHERE year = ? AND category IN ('inpost', 'leaver') AND start_date BETWEEN ? AND ?),
came AS (
    SELECT s.la, s.seq, l.unit, row_number() OVER (
        PARTITION BY s.la, s.seq ORDER BY l.end_date DESC, l.unit) AS pick
    FROM s JOIN workers l ON l.person = s.person AND l.year = ? AND l.category = 'leaver'
        AND l.end_date <= s.start_date AND NOT (l.la = s.la AND l.seq = s.seq)),
before AS (
    SELECT person, unit, category, row_number() OVER (
        PARTITION BY person ORDER BY category = 'inpost' DESC, unit) AS pick
    FROM workers WHERE year = ? AND person IS NOT NULL AND {IN_POST_OR_AGENCY})
SELECT s.unit,
    CASE WHEN c.unit IS NOT NULL THEN c.unit ELSE b.unit END,
    CASE WHEN c.unit IS NOT NULL THEN 'inpost' ELSE b.category END,
    s.origin,
    count(DISTINCT coalesce(s.person || '|' || CAST(s.start_date AS VARCHAR),
        'record ' || s.la || ' ' || CAST(s.seq AS VARCHAR))),
    sum(coalesce(s.fte, 0))
FROM s LEFT JOIN came c ON c.la = s.la AND c.seq = s.seq AND c.pick = 1
LEFT JOIN before b ON b.person = s.person AND b.pick = 1
GROUP BY ALL
""".replace("{IN_POST_OR_AGENCY}", IN_POST_OR_AGENCY)


@dataclass(frozen=True, slots=True)
class Flow:
    """Leavers (or starters) of one LA with the same finding and the same recorded code."""

    year: int
    direction: str
    unit: str
    other: str
    found: str
    recorded: str
    headcount: int
    fte: int


def _code_for(labels: dict[str, str], words: str) -> set[str]:
    return {code for code, label in labels.items() if words.lower() in label.lower()}


def agreement(found: str, same_la: bool, code: str, labels: dict[str, str]) -> str:
    """``yes``, ``no``, ``not recorded`` or ``n/a`` (back in the same LA: no code fits)."""
    if not code or code in _code_for(labels, "not known") | _code_for(labels, "not yet"):
        return "not recorded"
    other_la = _code_for(labels, "different LA")
    agency = _code_for(labels, "agency")
    if found == FOUND_LA:
        return "n/a" if same_la else ("yes" if code in other_la else "no")
    if found == FOUND_AGENCY:
        return "yes" if code in agency else "no"
    return "no" if code in other_la | agency else "yes"


def _found(category: str | None) -> str:
    return {"inpost": FOUND_LA, "agency": FOUND_AGENCY}.get(category or "", NOT_FOUND)


def flows(store: Store, year: int) -> list[Flow]:
    """Every LA's leavers and starters of ``year``, grouped by what was found and recorded."""
    out = []
    for unit, other, category, code, n, fte in store.query(LEAVERS, [year, year]):
        out.append(
            Flow(year, "leavers", unit, other or "", _found(category), code or "", n, int(fte))
        )
    p = census_period(year)
    period = [year, p.start, p.reference_date, year, year - 1]
    for unit, other, category, code, n, fte in store.query(STARTERS, period):
        out.append(
            Flow(year, "starters", unit, other or "", _found(category), code or "", n, int(fte))
        )
    return sorted(out, key=lambda f: (f.direction, f.unit, f.other, f.found, f.recorded))


def notes(store: Store, year: int) -> list[str]:
    held = set(store.years())
    if year - 1 not in held:
        return [
            f"{year}: no returns for {year - 1} are loaded, so starters are found only through "
            f"leaver records of {year}; load {year - 1} to find where the others were."
        ]
    return []


def rows(
    found: Iterable[Flow], suppress: bool = True, only_unit: str | None = None
) -> list[dict[str, str]]:
    """Rows for a CSV. Cells of one or two people are suppressed (``c``) unless
    ``suppress`` is off or the rows are an LA's own (``only_unit``): its own leavers and
    starters, which it already knows. An LA's rows of a year and direction add up to its
    published leavers' or starters' headcount, so where one of them is hidden a second is
    too (:func:`second_hidden`)."""
    out = []
    names: dict[tuple[str, int], str] = {}

    def name(unit: str, year: int) -> str:
        if not unit:
            return ""
        if (unit, year) not in names:
            names[(unit, year)] = la_geography(unit, year)["la_name"]
        return names[(unit, year)]

    labels: dict[tuple[int, str], dict[str, str]] = {}
    for f in found:
        if only_unit is not None and f.unit != only_unit:
            continue
        key = (f.year, f.direction)
        if key not in labels:
            spec = stats_spec(f.year)
            element = "LeaverDestination" if f.direction == "leavers" else "StartOrigin"
            labels[key] = spec.codes(spec.worker[element])
        coded = labels[key]
        hide = suppress and only_unit is None and 0 < f.headcount < SUPPRESS_BELOW
        out.append(
            {
                "time_period": str(f.year),
                "direction": f.direction,
                "la_code": f.unit,
                "la_name": name(f.unit, f.year),
                "other_la_code": f.other,
                "other_la_name": name(f.other, f.year),
                "found": f.found,
                "recorded_code": f.recorded,
                "recorded": coded.get(
                    f.recorded, "not given" if not f.recorded else "not a valid code"
                ),
                "agrees": agreement(f.found, f.other == f.unit, f.recorded, coded),
                "headcount": "c" if hide else str(f.headcount),
                "fte": "c" if hide else format_number(Fraction(f.fte, MICRO), 1),
            }
        )
    groups: dict[tuple[str, str, str], list[int]] = {}
    for i, r in enumerate(out):
        groups.setdefault((r["time_period"], r["direction"], r["la_code"]), []).append(i)
    for members in groups.values():
        counts = [int(out[i]["headcount"]) if out[i]["headcount"] != "c" else -1 for i in members]
        for n in second_hidden(counts, {k for k, c in enumerate(counts) if c < 0}):
            out[members[n]].update(headcount="c", fte="c")
        if len(members) == 1 and counts[0] < 0:
            # The LA's only row: its headcount is the published one, so where they went is
            # what would be given away; it is hidden instead.
            out[members[0]].update(dict.fromkeys(DETAIL, "c"))
    return out


def second_hidden(values: list[int], hidden: set[int]) -> set[int]:
    """Secondary suppression of one LA's row of figures, whose total a reader knows (its
    leavers' or starters' headcount is published): where exactly one figure is hidden, the
    smallest other one (a 0 too: nothing published pins it) is hidden with it, so the hidden
    one does not follow from the total. Returns the further positions to hide."""
    if len(hidden) != 1:
        return set()
    others = [k for k in range(len(values)) if k not in hidden]
    return {min(others, key=lambda k: (values[k], k))} if others else set()


def to_csv(found: Iterable[Flow], suppress: bool = True, only_unit: str | None = None) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows(found, suppress, only_unit))
    return buffer.getvalue()


def summary(found: Iterable[Flow]) -> dict[tuple[str, str, str], int]:
    """Headcount by (direction, found, agrees) — what the recorded codes got right."""
    out: dict[tuple[str, str, str], int] = {}
    for r in rows(found, suppress=False):
        key = (r["direction"], r["found"], r["agrees"])
        out[key] = out.get(key, 0) + int(r["headcount"])
    return out


def matrix_csv(found: Iterable[Flow], suppress: bool = True) -> str:
    """Leavers moving from one LA (rows) to a post in another (columns), headcount, for each
    year: the matrix in wide form. Agency work and not found are the last two columns;
    published cells of one or two people are ``c``, and where that leaves one ``c`` in a row
    a second cell is ``c`` too (:func:`second_hidden`), as the row adds up to the LA's
    published leavers' headcount."""
    cells: dict[tuple[int, str, str], int] = {}
    for f in found:
        if f.direction != "leavers":
            continue
        to = f.other if f.found == FOUND_LA else f.found
        key = (f.year, f.unit, to)
        cells[key] = cells.get(key, 0) + f.headcount
    years = sorted({y for y, _, _ in cells})
    units = sorted(
        {u for _, u, _ in cells} | {t for _, _, t in cells if t not in (FOUND_AGENCY, NOT_FOUND)}
    )
    columns = [u for u in units if u not in (FOUND_AGENCY, NOT_FOUND)] + [FOUND_AGENCY, NOT_FOUND]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["time_period", "from_la_code", *columns])
    for year in years:
        for unit in units:
            row = [cells.get((year, unit, to), 0) for to in columns]
            if not any(row):
                continue
            hidden = {k for k, n in enumerate(row) if suppress and 0 < n < SUPPRESS_BELOW}
            hidden |= second_hidden(row, hidden)
            shown = ["c" if k in hidden else str(n) for k, n in enumerate(row)]
            writer.writerow([year, unit, *shown])
    return buffer.getvalue()
