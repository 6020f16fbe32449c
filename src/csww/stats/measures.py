"""Per-LA measures from worker records, as DfE's methodology defines them.

A :class:`Tally` takes a return's records one at a time (so a file is never held in memory)
and keeps exact totals: FTEs and days in millionths, counts as integers. Definitions
(sources in ``docs/methodology.md``):

* **in post**: records that are not agency workers and have no leaving date. Headcount counts
  a person once: duplicates are removed on registration number, date of birth, gender and
  ethnicity (the LA is the return's). FTE sums every record (never de-duplicated).
* **starters**: employees (not agency) whose starting date falls in the collection year
  (1 October to 30 September), including starters who left within the year; headcount
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

from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction

from csww.model import Record, Return
from csww.spec import Spec, UnknownYear, load_spec, spec_for

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
    return round(value * MICRO)


def count(text: str | None) -> int | None:
    if not text:
        return None
    text = text.strip()
    return int(text) if text.isdigit() else None


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


class Tally:
    """Running totals for one return; feed it records, then call :meth:`result`."""

    def __init__(self, year: int, lea: str = "") -> None:
        self.year, self.lea = year, lea
        self.start, self.end = f"{year - 1}-10-01", f"{year}-09-30"
        self.sex = sex_element(year)
        self.census_day = stats_spec(year).census_day.isoformat() if year else self.end
        self.inpost_fte = self.starters_fte = self.leavers_fte = self.agency_fte = 0
        self.case_fte = self.days = 0
        self.cases = self.agency_headcount = self.workers = self.agency_left = 0
        self.inpost: set[tuple[str, ...]] = set()
        self.starters: set[tuple[str, ...]] = set()
        self.leavers: set[tuple[str, ...]] = set()
        self.given = dict.fromkeys(("inpost_fte", "leavers_fte", "agency_fte", "cases", "days"), 0)
        self.needed = dict.fromkeys(self.given, 0)
        self.la: Record | None = None

    def add(self, rec: Record) -> None:
        v = rec.values
        self.workers += 1
        fte = micro(v.get("FTE"))
        if v.get("AgencyWorker") == "1":
            if v.get("RoleEndDate"):
                self.agency_left += 1
                return
            self.agency_headcount += 1
            self.needed["agency_fte"] += 1
            if fte is not None:
                self.given["agency_fte"] += 1
                self.agency_fte += fte
            self._cases(v, fte)
            return
        person = (
            v.get("SWENo", ""),
            v.get("PersonBirthDate", ""),
            v.get(self.sex, ""),
            v.get("Ethnicity", ""),
        )
        ended = day_of(v.get("RoleEndDate")) or v.get("RoleEndDate")
        if ended:
            self.leavers.add((*person, ended))
            self.needed["leavers_fte"] += 1
            if fte is not None:
                self.given["leavers_fte"] += 1
            worked = fte or 0
            self.leavers_fte += worked
            if self.census_day <= ended <= self.end:
                self._cases(v, fte)
        else:
            self.inpost.add(person)
            self.needed["inpost_fte"] += 1
            if fte is not None:
                self.given["inpost_fte"] += 1
                self.inpost_fte += fte
            worked = fte or 0
            self._cases(v, fte)
        started = day_of(v.get("RoleStartDate"))
        if started and self.start <= started <= self.end:
            self.starters.add((*person, started))
            self.starters_fte += worked
        self.needed["days"] += 1
        days = micro(v.get("WorkingDaysLost"))
        if days is not None:
            self.given["days"] += 1
            self.days += days

    def _cases(self, v: dict[str, str], fte: int | None) -> None:
        self.needed["cases"] += 1
        n = count(v.get("Cases30"))
        if n is None:
            return
        self.given["cases"] += 1
        if n > 0:
            self.cases += n
            self.case_fte += fte or 0

    def set_la(self, rec: Record | None) -> None:
        self.la = rec

    def result(self, source: str | None = None) -> LAMeasures:
        def fte(name: str, total: int) -> Fraction | None:
            if self.needed[name] and not self.given[name]:
                return None
            return Fraction(total, MICRO)

        la = self.la.values if self.la is not None else {}
        vacancies, cover = micro(la.get("NumberOfVacancies")), micro(la.get("NoAgencyFTE"))
        case_data = not (self.needed["cases"] and not self.given["cases"])
        totals: dict[str, Fraction | int | None] = {
            "inpost_fte": fte("inpost_fte", self.inpost_fte),
            "inpost_headcount": len(self.inpost),
            "starters_fte": Fraction(self.starters_fte, MICRO),
            "starters_headcount": len(self.starters),
            "leavers_fte": fte("leavers_fte", self.leavers_fte),
            "leavers_headcount": len(self.leavers),
            "agency_fte": fte("agency_fte", self.agency_fte),
            "agency_headcount": self.agency_headcount,
            "agency_cover_fte": None if cover is None else Fraction(cover, MICRO),
            "vacancy_fte": None if vacancies is None else Fraction(vacancies, MICRO),
            "case_holders_fte": Fraction(self.case_fte, MICRO) if case_data else None,
            "cases": self.cases if case_data else None,
            "working_days_lost_fte": fte("days", self.days),
        }
        notes: dict[str, int] = {}
        if self.agency_left:
            notes["agency_with_leaving_date"] = self.agency_left
        # Days lost with no employee to lose them (only agency workers) are "not applicable",
        # as DfE shows them (Isles of Scilly, 2023 to 2025).
        na = {"working_days_lost_fte"} if not self.needed["days"] else set()
        return LAMeasures(
            self.year, self.lea, totals, self.workers, [source] if source else [], notes, na
        )


def measure_return(ret: Return, year: int | None = None) -> LAMeasures:
    """Measures of a return in memory (its header's Year unless ``year`` is given)."""
    tally = Tally(year or ret.year or 0, ret.lea or "")
    tally.set_la(ret.la)
    for worker in ret.workers:
        tally.add(worker)
    return tally.result()


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
