"""Per-LA measures from worker records, as DfE's methodology defines them.

:func:`frame_measures` computes them for a batch of returns of one year held as one frame
of worker rows (:mod:`csww.stats.batch`): each record's category and what it counts towards
are columns, headcounts are distinct people per return, and totals are exact (FTEs and days
in millionths, counts as integers, of any size). The collection year, its census day and
its first day come from the specification (:func:`csww.spec.period_of`). Definitions
(sources in ``docs/methodology.md``):

* **in post**: records that are not agency workers and have no leaving date. Headcount counts
  a person once: duplicates are removed on registration number, date of birth, gender and
  ethnicity (the LA is the return's). FTE sums every record (never de-duplicated).
* **starters**: employees (not agency) whose starting date falls in the collection year
  (1 October to 30 September so far: the specification's period), including starters who left within the year; headcount
  de-duplicated as in post plus the starting date.
* **leavers**: employees with a leaving date; headcount de-duplicated as in post plus the
  leaving date. A leaver's FTE is the FTE recorded on the leaver record and nothing else, in
  every year: DfE publishes leavers' FTE at about 0.92 x headcount every year and 0 only for
  the three LAs that recorded 0 in 2017 (``docs/years.md``).
* **agency**: agency worker records in post, that is without a leaving date (an agency
  record with one is not an agency worker at 30 September: query 535Q; it is left out and
  counted in ``notes["agency_with_leaving_date"]``); never de-duplicated.
* **cases** and **case holders**: records holding cases on the census day (in post, agency,
  and leavers who left on the census day, which is 30 September or the last working day of
  September before it) with at least one case. A leaver's case-holder FTE is the FTE on their
  leaver record, the FTE they worked that day (``docs/methodology.md``).
* **working days lost**: in-post and leaver records (the item is not applicable to agency
  workers).
* **vacancies** and **agency cover**: the LA-level figures.

A figure is *not available* (``None``, published as ``x``) when records that should carry
it exist but none does, or when the LA-level figures are missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING

import polars as pl

from csww.spec import Period, Spec, UnknownYear, load_spec, period_of, spec_for
from csww.stats.batch import RET, SEX, amounts, big_sums, day_of_column, limit_for

if TYPE_CHECKING:
    from csww.stats.batch import ReturnRead

MICRO = 1_000_000


def micro(text: str | None) -> int | None:
    """A non-negative decimal as an integer number of millionths, or None when unreadable."""
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    if not value >= 0 or value == float("inf"):
        return None
    scaled = value * MICRO
    if scaled == float("inf"):  # past about 1.8e302: a whole number, so its millionths
        return int(value) * MICRO
    return round(scaled)


def count(text: str | None) -> int | None:
    """A whole number written in digits, or None (a digit of another script with no value
    as a number, such as a superscript, is unreadable)."""
    if not text:
        return None
    text = text.strip()
    if not text.isdigit():
        return None
    try:
        return int(text)
    except ValueError:
        return None


def stats_spec(year: int) -> Spec:
    """The specification statistics read a year's records by (the latest for a year with
    none: the front door refuses such returns before statistics are made)."""
    try:
        return load_spec(year)
    except UnknownYear:
        return spec_for(None)


def sex_element(year: int) -> str:
    """The element that holds a worker's sex or gender in ``year``."""
    return stats_spec(year).element_for("sex") or ""


def is_date(text: str) -> bool:
    return len(text) == 10 and text[4] == "-" and text[7] == "-"


def day_of(text: str | None) -> str | None:
    """The YYYY-MM-DD of a date, dropping an XML Schema time zone ("2018-01-04Z")."""
    if not text:
        return None
    return text[:10] if is_date(text[:10]) else None


@dataclass
class LAMeasures:
    """The exact totals of one return (or of a joint reporting unit)."""

    year: int
    lea: str
    totals: dict[str, Fraction | int | None]
    workers: int = 0
    sources: list[str] = field(default_factory=list)
    notes: dict[str, int] = field(default_factory=dict)
    not_applicable: set[str] = field(default_factory=set)

    def value(self, name: str) -> Fraction | int | None:
        return self.totals.get(name)


KIND = "_kind"  # inpost, leaver, agency, or agency_left (an agency record with a leaving date)
ENDED = "_ended"  # a leaver's leaving day (the text itself when it is not a date)
STARTED = "_started"
STARTER = "_starter"
CASES = "_case_row"  # holding cases on the census day (see the module's definitions)
PERSON = ("SWENo", "PersonBirthDate", SEX, "Ethnicity")
# Values summed: (column of the frame, item, how one text is read).
AMOUNTS = {
    "_fte": ("FTE", micro),
    "_cases": ("Cases30", count),
    "_days": ("WorkingDaysLost", micro),
}


def _classified(workers: pl.DataFrame, period: Period | None) -> pl.DataFrame:
    """Each record's category, what it counts towards, and its amounts, as columns."""
    ended = pl.col("RoleEndDate") != ""
    agency = pl.col("AgencyWorker") == "1"
    kind = (
        pl.when(agency & ended)
        .then(pl.lit("agency_left"))
        .when(agency)
        .then(pl.lit("agency"))
        .when(ended)
        .then(pl.lit("leaver"))
        .otherwise(pl.lit("inpost"))
    )
    limit = limit_for(workers)
    values = []
    for name, (element, read) in AMOUNTS.items():
        small, big = amounts(workers[element], read, limit)
        values += [small.alias(name), big.alias(f"{name}_big")]
    out = workers.with_columns(
        kind.alias(KIND),
        pl.coalesce(day_of_column(pl.col("RoleEndDate")), pl.col("RoleEndDate")).alias(ENDED),
        day_of_column(pl.col("RoleStartDate")).alias(STARTED),
        *values,
    )
    k = pl.col(KIND)
    if period is None:  # no collection year: nobody starts in it or holds cases leaving
        starter, left_on_census_day = pl.lit(False), pl.lit(False)
    else:
        first, last = period.start.isoformat(), period.reference_date.isoformat()
        starter = pl.col(STARTED).is_between(pl.lit(first), pl.lit(last)).fill_null(False)
        census_day = pl.lit(period.census_day.isoformat())
        left_on_census_day = pl.col(ENDED).is_between(census_day, pl.lit(last))
    return out.with_columns(
        (k.is_in(["inpost", "leaver"]) & starter).alias(STARTER),
        (k.is_in(["inpost", "agency"]) | ((k == "leaver") & left_on_census_day)).alias(CASES),
    )


def _given(name: str) -> pl.Expr:
    return pl.col(name).is_not_null() | pl.col(f"{name}_big")


def _sums() -> dict[str, tuple[pl.Expr, str]]:
    """Each total: the records it sums over, and the amount it sums."""
    k = pl.col(KIND)
    has_cases = (pl.col("_cases") > 0) | pl.col("_cases_big")
    return {
        "inpost_fte": (k == "inpost", "_fte"),
        "leavers_fte": (k == "leaver", "_fte"),
        "agency_fte": (k == "agency", "_fte"),
        "starters_fte": (pl.col(STARTER), "_fte"),
        "case_fte": (pl.col(CASES) & has_cases, "_fte"),
        "cases": (pl.col(CASES), "_cases"),
        "days": (k.is_in(["inpost", "leaver"]), "_days"),
    }


def frame_measures(workers: pl.DataFrame, reads: Sequence[ReturnRead]) -> list[LAMeasures]:
    """The measures of each return of a batch of one year (see :mod:`csww.stats.batch`)."""
    year = reads[0].year if reads else 0
    rows = _classified(workers, period_of(year))
    k = pl.col(KIND)
    employee = k.is_in(["inpost", "leaver"])
    sums = _sums()
    per_return = rows.group_by(RET).agg(
        pl.len().alias("workers"),
        (k == "agency_left").sum().alias("agency_left"),
        *[(k == c).sum().alias(f"needed_{c}") for c in ("inpost", "leaver", "agency")],
        *[(k == c).and_(_given("_fte")).sum().alias(f"given_{c}") for c in NEEDED.values()],
        pl.col(CASES).sum().alias("needed_cases"),
        (pl.col(CASES) & _given("_cases")).sum().alias("given_cases"),
        employee.sum().alias("needed_days"),
        (employee & _given("_days")).sum().alias("given_days"),
        pl.struct(*PERSON).filter(k == "inpost").n_unique().alias("inpost_headcount"),
        pl.struct(*PERSON, ENDED).filter(k == "leaver").n_unique().alias("leavers_headcount"),
        pl.struct(*PERSON, STARTED).filter(STARTER).n_unique().alias("starters_headcount"),
        *[pl.col(v).filter(where).sum().alias(n) for n, (where, v) in sums.items()],
    )
    found = {r[RET]: r for r in per_return.iter_rows(named=True)}
    for name, (where, value) in sums.items():
        big = rows.filter(where & pl.col(f"{value}_big"))
        if big.height:
            element, read = AMOUNTS[value]
            for (ret,), total in big_sums(big, [RET], element, read).items():
                found[ret][name] += total
    return [_result(read, found.get(i, {})) for i, read in enumerate(reads)]


# FTE figures published as not available when records that should carry them give none.
NEEDED = {"inpost_fte": "inpost", "leavers_fte": "leaver", "agency_fte": "agency"}


def _result(read: ReturnRead, found: dict[str, int]) -> LAMeasures:
    def n(name: str) -> int:
        return found.get(name) or 0

    def fte(name: str, kind: str) -> Fraction | None:
        if n(f"needed_{kind}") and not n(f"given_{kind}"):
            return None
        return Fraction(n(name), MICRO)

    la = read.la or {}
    vacancies, cover = micro(la.get("NumberOfVacancies")), micro(la.get("NoAgencyFTE"))
    case_data = not (n("needed_cases") and not n("given_cases"))
    totals: dict[str, Fraction | int | None] = {
        "inpost_fte": fte("inpost_fte", "inpost"),
        "inpost_headcount": n("inpost_headcount"),
        "starters_fte": Fraction(n("starters_fte"), MICRO),
        "starters_headcount": n("starters_headcount"),
        "leavers_fte": fte("leavers_fte", "leaver"),
        "leavers_headcount": n("leavers_headcount"),
        "agency_fte": fte("agency_fte", "agency"),
        "agency_headcount": n("needed_agency"),
        "agency_cover_fte": None if cover is None else Fraction(cover, MICRO),
        "vacancy_fte": None if vacancies is None else Fraction(vacancies, MICRO),
        "case_holders_fte": Fraction(n("case_fte"), MICRO) if case_data else None,
        "cases": n("cases") if case_data else None,
        "working_days_lost_fte": fte("days", "days"),
    }
    notes = {"agency_with_leaving_date": n("agency_left")} if n("agency_left") else {}
    # Days lost with no employee to lose them (only agency workers) are "not applicable",
    # as DfE shows them (Isles of Scilly, 2023 to 2025).
    na = {"working_days_lost_fte"} if not n("needed_days") else set()
    sources = [read.source] if read.source else []
    return LAMeasures(read.year, read.lea, totals, n("workers"), sources, notes, na)


def combine(parts: Iterable[LAMeasures], lea: str) -> LAMeasures:
    """One reporting unit from several returns (Kingston and Richmond's joint ``314 / 318``):
    totals add; a figure not available in every part is summed over the parts that have it."""
    parts = list(parts)
    totals: dict[str, Fraction | int | None] = {}
    for name in parts[0].totals:
        given = [p.totals[name] for p in parts if p.totals[name] is not None]
        total: Fraction | int | None = None
        for value in given:
            total = value if total is None else total + value  # type: ignore[operator]
        totals[name] = total
    notes: dict[str, int] = {}
    for p in parts:
        for key, n in p.notes.items():
            notes[key] = notes.get(key, 0) + n
    na = set.intersection(*(p.not_applicable for p in parts))
    return LAMeasures(
        parts[0].year,
        lea,
        totals,
        sum(p.workers for p in parts),
        [s for p in parts for s in p.sources],
        notes,
        na,
    )
