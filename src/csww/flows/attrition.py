"""Attrition as DfE defines it (ad hoc release "attrition, caseload and agency workforce").

For collection year Y, every leaver record of Y (left between 1 October Y-1 and
30 September Y) is classed by its person's status on 30 September Y, found by registration
number (here its pseudonym) in every LA's return for Y:

* **moved**: in post as an LA-employed children's social worker in any LA, the same LA
  included; not attrition;
* **attrition into agency**: otherwise, an agency worker in any LA;
* **full attrition**: neither (and every leaver with no registration number, who cannot be
  found).

FTEs are the leaver record's own FTE (``docs/years.md``: the statistics use the leaver
record's FTE and nothing else); rates are over the in-post FTE at 30 September Y. Leaver
headcounts count people: a person's records that left on one day are one leaver (as the
published leavers' headcount), a leaver record with no registration number one person. An
agency record with a leaving date is no agency worker on 30 September (query 535Q). Rows
come nationally, by region and by LA, each with breakdowns by age band (DfE's age groups, at
30 September Y), role and reason for leaving, in DfE's layout; :func:`national_rows` gives
the national figures in the layout of DfE's "Attrition (leavers) – national only" data set.

With DfE's quality flags, an LA whose leavers are flagged ``u`` shows ``u`` for its leaver
figures and is left out, whole, of the regional and national rows, as DfE leaves Gateshead
2022 and Sunderland 2024 out of its national attrition.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction

from csww.flows.store import Store
from csww.stats import published as pub
from csww.stats.aggregate import SUPPRESS_BELOW, la_geography
from csww.stats.aggregate import _base as geography_base
from csww.stats.breakdowns import AGE_BANDS, NOT_KNOWN, band
from csww.stats.indicators import GEO_COLUMNS, format_number
from csww.stats.measures import MICRO, stats_spec
from csww.stats.quality import QualityFlags

OUTCOMES = ("moved", "agency", "full")
MEASURES = (
    "breakdown_topic",
    "breakdown",
    "inpost_fte",
    "leavers_fte",
    "leavers_headcount",
    "moved_fte",
    "attrition_fte",
    "attrition_into_agency_fte",
    "full_attrition_fte",
    "attrition_rate",
    "attrition_into_agency_rate",
    "full_attrition_rate",
    "attrition_as_proportion_of_leavers",
)
COLUMNS = GEO_COLUMNS + MEASURES
# Cells that would let a reader work out a class of one or two leavers.
DISCLOSIVE = MEASURES[5:]  # moved_fte onwards
TOPICS = ("Total", "Age band", "Role", "Reason for leaving")
CLASSIFY = """
WITH status AS (
    SELECT person, bool_or(category = 'inpost') AS employed,
        bool_or(category = 'agency' AND end_date IS NULL) AS agency
    FROM workers WHERE year = ? AND person IS NOT NULL AND category <> 'leaver'
    GROUP BY person)
SELECT w.unit, w.age, w.role, w.reason, w.fte, w.person IS NULL AS unlinked,
    coalesce(w.person || '|' || CAST(w.end_date AS VARCHAR), 'record ' || w.la || ' ' || CAST(w.seq AS VARCHAR))
        AS who,
    CASE WHEN s.employed THEN 'moved' WHEN s.agency THEN 'agency' ELSE 'full' END AS outcome
FROM workers w LEFT JOIN status s ON s.person = w.person
WHERE w.year = ? AND w.category = 'leaver'
"""
IN_POST = """
SELECT unit, age, role, sum(coalesce(fte, 0)) FROM workers
WHERE year = ? AND category = 'inpost' GROUP BY ALL
"""


@dataclass
class Tally:
    """Exact FTEs (millionths) and headcounts of one cell of the output."""

    inpost: int | None = 0
    leavers: int = 0
    fte: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    # The people in each class (pseudonym and leaving date, or the record for one with no
    # registration number): headcounts count them once.
    people: dict[str, set[tuple[str, str]]] = field(
        default_factory=lambda: {o: set() for o in OUTCOMES}
    )

    @property
    def leavers_n(self) -> int:
        return len(set().union(*self.people.values()))

    @property
    def n(self) -> dict[str, int]:
        return {o: len(self.people[o]) for o in OUTCOMES}

    def add(self, other: Tally, unit: str = "") -> None:
        if self.inpost is not None and other.inpost is not None:
            self.inpost += other.inpost
        else:
            self.inpost = None
        self.leavers += other.leavers
        for o in OUTCOMES:
            self.fte[o] += other.fte[o]
            self.people[o].update(other.people[o])

    def moved_rate(self) -> str:
        """Leavers who moved to another LA post, as a share of in-post FTE."""
        if self.inpost is None:
            return "z"
        return (
            format_number(Fraction(100 * self.fte["moved"], self.inpost), 1) if self.inpost else "x"
        )

    def figure_sizes(self) -> dict[str, int]:
        """The people each figure of the row counts (``csww.flows.suppression.FIGURES``);
        an outcome whose FTE is 0 counts nobody, as its figure shows nothing of them."""
        n = self.n
        attrition = self.fte["agency"] + self.fte["full"]
        return {
            "leavers": self.leavers_n,
            "moved": n["moved"] if self.fte["moved"] else 0,
            "attrition": n["agency"] + n["full"] if attrition else 0,
            "agency": n["agency"] if self.fte["agency"] else 0,
            "full": n["full"] if self.fte["full"] else 0,
        }

    def disclosive(self) -> bool:
        """True when some class holds one or two leavers (DfE suppresses counts under 3)."""
        return any(0 < self.n[o] < SUPPRESS_BELOW for o in OUTCOMES)

    def cells(self) -> dict[str, str]:
        attrition = self.fte["agency"] + self.fte["full"]

        def fte(value: int | None) -> str:
            return "z" if value is None else format_number(Fraction(value, MICRO), 1)

        def rate(num: int, den: int | None) -> str:
            if den is None:
                return "z"
            return format_number(Fraction(100 * num, den), 1) if den else "x"

        return {
            "inpost_fte": fte(self.inpost),
            "leavers_fte": fte(self.leavers),
            "leavers_headcount": str(self.leavers_n),
            "moved_fte": fte(self.fte["moved"]),
            "attrition_fte": fte(attrition),
            "attrition_into_agency_fte": fte(self.fte["agency"]),
            "full_attrition_fte": fte(self.fte["full"]),
            "attrition_rate": rate(attrition, self.inpost),
            "attrition_into_agency_rate": rate(self.fte["agency"], self.inpost),
            "full_attrition_rate": rate(self.fte["full"], self.inpost),
            "attrition_as_proportion_of_leavers": rate(attrition, self.leavers),
        }


Key = tuple[str, str]  # (breakdown topic, category)


@dataclass
class Result:
    """One year's tallies per reporting unit and breakdown, and notes for the reader."""

    year: int
    units: dict[str, dict[Key, Tally]]
    notes: list[str]
    # Reporting units whose leavers DfE flagged u: shown as u, left out of regional and
    # national rows.
    flagged: frozenset[str] = frozenset()


def _labels(year: int, element: str) -> dict[str, str]:
    spec = stats_spec(year)
    item = spec.worker.get(element)
    return spec.codes(item) if item is not None else {}


def _label(labels: dict[str, str], code: str | None) -> str:
    if not code:
        return NOT_KNOWN
    return labels.get(code, f"{code} (not a valid code)")


def _age(age: int | None) -> str:
    return NOT_KNOWN if age is None else band(age, AGE_BANDS)


# The published columns that say an LA's leavers are of low reliability.
LEAVER_FLAGS = frozenset({"leavers_fte", "leavers_headcount"})
# Cells of an LA row built on its leavers: u when they are flagged.
LEAVER_CELLS = MEASURES[3:]


def measure(store: Store, year: int, flags: QualityFlags | None = None) -> Result:
    """Attrition for ``year`` per reporting unit, by every breakdown, from the store; with
    ``flags``, the units whose leavers DfE flagged are marked (see the module's note)."""
    roles, reasons = _labels(year, "OrgRole"), _labels(year, "ReasonLeave")
    units: dict[str, dict[Key, Tally]] = defaultdict(lambda: defaultdict(Tally))
    for unit, age, role, fte in store.query(IN_POST, [year]):
        cells = units[unit]
        for key in (("Total", "Total"), ("Age band", _age(age)), ("Role", _label(roles, role))):
            cells[key].inpost = (cells[key].inpost or 0) + int(fte)
    unlinked = missing_fte = 0
    for unit, age, role, reason, fte, no_number, who, outcome in store.query(
        CLASSIFY, [year, year]
    ):
        unlinked += bool(no_number)
        missing_fte += fte is None
        cells = units[unit]
        for key in (
            ("Total", "Total"),
            ("Age band", _age(age)),
            ("Role", _label(roles, role)),
            ("Reason for leaving", _label(reasons, reason)),
        ):
            tally = cells[key]
            if key[0] == "Reason for leaving":
                tally.inpost = None
            tally.leavers += fte or 0
            tally.fte[outcome] += fte or 0
            tally.people[outcome].add((unit, who))
    notes = []
    if unlinked:
        notes.append(
            f"{year}: {unlinked} leaver record(s) give no registration number, so they cannot be "
            "found on 30 September and count as full attrition."
        )
    if missing_fte:
        notes.append(f"{year}: {missing_fte} leaver record(s) give no readable FTE; counted as 0.")
    published = len(pub.la_rows(year))
    if published and len(units) < published:
        notes.append(
            f"{year}: returns for {len(units)} reporting unit(s) are loaded, not all {published} "
            "DfE publishes; leavers who moved to an LA not loaded count as attrition."
        )
    flagged = frozenset(
        u
        for u in units
        if flags is not None and flags.by_unit.get((year, u), frozenset()) & LEAVER_FLAGS
    )
    if flagged:
        notes.append(
            f"{year}: the leavers of {', '.join(sorted(flagged))} are flagged u (low "
            "reliability): shown as u and left out of the regional and national rows, as DfE does."
        )
    return Result(year, {u: dict(c) for u, c in units.items()}, notes, flagged)


def _geography(year: int, level: str, region: tuple[str, str] = ("", "")) -> dict[str, str]:
    return {**geography_base(year, level), "region_code": region[0], "region_name": region[1]}


def _total(parts: Iterable[dict[Key, Tally]]) -> dict[Key, Tally]:
    out: dict[Key, Tally] = defaultdict(Tally)
    for cells in parts:
        for key, tally in cells.items():
            out[key].add(tally)
    return dict(out)


def _order(key: Key) -> tuple[int, int, str]:
    topic, category = key
    if topic == "Age band":
        labels = [label for _, label in AGE_BANDS]
        return TOPICS.index(topic), labels.index(category) if category in labels else 99, category
    return TOPICS.index(topic), 0, category


def _rows(
    geo: dict[str, str],
    cells: dict[Key, Tally],
    suppress: bool,
    la: bool,
    unreliable: bool = False,
) -> list[dict[str, str]]:
    out = []
    for key in sorted(cells, key=_order):
        tally = cells[key]
        row = {**geo, "breakdown_topic": key[0], "breakdown": key[1], **tally.cells()}
        if unreliable:
            row.update(dict.fromkeys(LEAVER_CELLS, "u"))
            out.append(row)
            continue
        if suppress and (la or key[0] != "Total") and tally.disclosive():
            row.update(dict.fromkeys(DISCLOSIVE, "c"))
        if suppress and key[0] != "Total" and 0 < tally.leavers_n < SUPPRESS_BELOW:
            # One or two leavers of an age, role or reason: who they are is guessable.
            row.update(leavers_fte="c", leavers_headcount="c")
        out.append(row)
    return out


def rows(
    result: Result, suppress: bool = True, only_unit: str | None = None
) -> list[dict[str, str]]:
    """National, regional and LA rows of one year in DfE's order. Counts of one or two
    leavers in a class are suppressed (``c``) in LA rows and in every breakdown row.

    ``only_unit`` gives an LA's own rows only (its view)."""
    year = result.year
    geos = {u: la_geography(u, year) for u in result.units}
    counted = {u: c for u, c in result.units.items() if u not in result.flagged}
    out: list[dict[str, str]] = []
    if only_unit is None:
        out += _rows(_geography(year, "National"), _total(counted.values()), suppress, False)
        for code, name in pub.regions(year):
            parts = pub.region_members(code)
            members = [c for u, c in counted.items() if geos[u]["region_code"] in parts]
            if members:
                geo = _geography(year, "Regional", (code, name))
                out += _rows(geo, _total(members), suppress, False)
    regions = {code: i for i, (code, _) in enumerate(pub.regions(year))}
    for unit in sorted(result.units, key=lambda u: (regions.get(geos[u]["region_code"], 99), u)):
        if only_unit is None or unit == only_unit:
            unreliable = unit in result.flagged
            out += _rows(geos[unit], result.units[unit], suppress, True, unreliable)
    return out


# DfE's "Attrition (leavers) – national only" data set, 2017 to 2025: FTE figures of the
# leavers by where they were on 30 September, and each as a rate over in-post FTE.
NATIONAL_MEASURES = (
    "inpost_fte",
    "leavers_fte",
    "total_attrition_fte",
    "agency_attrition_fte",
    "full_attrition_fte",
    "movers_las_fte",
    "total_attrition_rate_fte",
    "agency_attrition_rate_fte",
    "full_attrition_rate_fte",
    "movers_las_rate_fte",
)
NATIONAL_COLUMNS = (
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
    *NATIONAL_MEASURES,
)


def national_rows(results: Iterable[Result]) -> list[dict[str, str]]:
    """England's attrition each year, in the layout of DfE's national-only data set (flagged
    LAs left out, as DfE leaves them out)."""
    out = []
    for result in sorted(results, key=lambda r: -r.year):
        counted = [c for u, c in result.units.items() if u not in result.flagged]
        total = _total(counted).get(("Total", "Total"), Tally())
        cells = total.cells()
        geo = geography_base(result.year, "National")
        moved = cells["moved_fte"]
        out.append(
            {
                **{c: geo.get(c, "") for c in NATIONAL_COLUMNS[:5]},
                "inpost_fte": cells["inpost_fte"],
                "leavers_fte": cells["leavers_fte"],
                "total_attrition_fte": cells["attrition_fte"],
                "agency_attrition_fte": cells["attrition_into_agency_fte"],
                "full_attrition_fte": cells["full_attrition_fte"],
                "movers_las_fte": moved,
                "total_attrition_rate_fte": cells["attrition_rate"],
                "agency_attrition_rate_fte": cells["attrition_into_agency_rate"],
                "full_attrition_rate_fte": cells["full_attrition_rate"],
                "movers_las_rate_fte": total.moved_rate(),
            }
        )
    return out


def national_csv(results: Iterable[Result]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(NATIONAL_COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(national_rows(results))
    return buffer.getvalue()


def to_csv(results: Iterable[Result], suppress: bool = True, only_unit: str | None = None) -> str:
    """The rows of each year as a CSV; suppressed as they may be published
    (:mod:`csww.flows.published`: primary and secondary), unless ``suppress`` is False."""
    from csww.flows.published import protected_rows

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    for result in sorted(results, key=lambda r: -r.year):
        if not suppress:
            writer.writerows(rows(result, False, only_unit))
            continue
        out = protected_rows(result)
        if only_unit is not None:
            mine = la_geography(only_unit, result.year)
            out = [
                r
                for r in out
                if r["geographic_level"] == "Local authority"
                and all(r[c] == mine.get(c, "") for c in ("old_la_code", "new_la_code", "la_name"))
            ]
        writer.writerows(out)
    return buffer.getvalue()
