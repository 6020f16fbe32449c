"""Breakdowns of the workforce from worker records, and the 2012-13 aggregate variables.

As DfE publishes them (data set "Characteristics (in post, starters, leavers)": "FTE and
headcount figures on characteristics of social workers in post, starters and leavers by:
sex; age; ethnicity; role; and time in service"): social workers in post, starters and
leavers each by age group, sex, ethnic group, role and (in post and leavers) time in service.
Ages: in post and starters at 30 September of the reporting year, leavers "on the date they
left their post". Headcount counts a person once per population (in post: registration
number, date of birth, sex and ethnicity; starters and leavers also by the starting or
leaving date, as the published headcounts) in the category of their most senior role; FTE
sums records. Also: in post by qualification level, Step Up and Frontline graduates, working
pattern (part time) and absence on 30 September; starters by origin; leavers by destination
and reason; agency workers in post by length of assignment. Code labels come from the
year's own specification, so a code valid in that year is never shown as invalid.

``legacy_variables`` derives the six variables of the 2012-13 aggregate collection (and
the 2013-14 additions) named in DfE's July 2014 focus group notes, so the worker-level
returns can continue that series.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from csww.model import Record
from csww.spec import available_years, load_spec
from csww.stats.measures import MICRO, LAMeasures, count, is_date, micro, stats_spec
from csww.values import parse_date, years_between

# DfE's published age groups ("20 to 29 years old", "30 to 39 years old", ... in the 2024
# characteristics data set); the bands below 20 and from 60 follow the same wording (COLLECT's
# data summary has had an under-20 band since 2022).
AGE_BANDS = (
    (20, "Under 20 years old"),
    (30, "20 to 29 years old"),
    (40, "30 to 39 years old"),
    (50, "40 to 49 years old"),
    (60, "50 to 59 years old"),
    (999, "60 years old and over"),
)
AGE = "Age group"
SERVICE = "Time in service"
SERVICE_BANDS = (
    (2, "Less than 2 years"),
    (5, "2 to less than 5 years"),
    (10, "5 to less than 10 years"),
    (20, "10 to less than 20 years"),
    (999, "20 years or more"),
)
ASSIGNMENT_BANDS = (
    (13, "Under 13 weeks"),
    (26, "13 to 25 weeks"),
    (52, "26 to 51 weeks"),
    (104, "52 to 103 weeks"),
    (99999, "104 weeks or more"),
)
ETHNIC_GROUPS = {
    "White": ("WBRI", "WIRI", "WOTH", "WIRT", "WROM"),
    "Mixed or multiple ethnic groups": ("MWBC", "MWBA", "MWAS", "MOTH"),
    "Asian or Asian British": ("AIND", "APKN", "ABAN", "AOTH", "CHNE"),
    "Black, African, Caribbean or Black British": ("BCRB", "BAFR", "BOTH"),
    "Other ethnic group": ("OOTH",),
}
ETHNIC_GROUP_OF = {code: group for group, codes in ETHNIC_GROUPS.items() for code in codes}
NOT_KNOWN = "Not known"
LABELS = load_spec(available_years()[-1]).codelists


def sex_breakdowns() -> tuple[str, ...]:
    """The names the sex breakdown has had: the item's own name in each year."""
    names = []
    for year in available_years():
        spec = load_spec(year)
        item = spec.worker.get(spec.element_for("sex") or "")
        if item is not None and item.name not in names:
            names.append(item.name)
    return tuple(names)


def band(value: float, bands: tuple[tuple[int, str], ...]) -> str:
    for limit, label in bands:
        if value < limit:
            return label
    return bands[-1][1]


def label(codelist: str, code: str | None, labels: dict[str, dict[str, str]] | None = None) -> str:
    if not code:
        return NOT_KNOWN
    return (labels or LABELS).get(codelist, {}).get(code, f"{code} (not a valid code)")


@dataclass
class Person:
    """One person in one population (in post, a starter or a leaver), across their records."""

    record: dict[str, str]
    fte: int = 0
    role: str = ""
    start: str = ""
    cases: bool = False


def _senior(a: str, b: str) -> str:
    """The more senior of two role codes (1 senior manager ... 6; 9 not known)."""
    return min(a, b, key=lambda r: int(r) if r.isdigit() else 99)


@dataclass
class Breakdowns:
    """Headcount and FTE per (population, breakdown, category) for one reporting unit."""

    year: int
    lea: str
    cells: dict[tuple[str, str, str], list[int]] = field(
        default_factory=lambda: defaultdict(lambda: [0, 0])
    )

    def add(self, population: str, breakdown: str, category: str, headcount: int, fte: int) -> None:
        cell = self.cells[(population, breakdown, category)]
        cell[0] += headcount
        cell[1] += fte

    def merge(self, other: Breakdowns) -> None:
        for (p, b, c), (h, f) in other.cells.items():
            self.add(p, b, c, h, f)

    def rows(self) -> list[dict[str, str | int | float]]:
        """One row per category with its share of the breakdown's headcount."""
        totals: dict[tuple[str, str], int] = defaultdict(int)
        for (p, b, _c), (h, _f) in self.cells.items():
            totals[(p, b)] += h
        out: list[dict[str, str | int | float]] = []
        for (p, b, c), (h, f) in sorted(self.cells.items()):
            whole = totals[(p, b)]
            out.append(
                {
                    "time_period": self.year,
                    "la_code": self.lea,
                    "population": p,
                    "breakdown": b,
                    "category": c,
                    "headcount": h,
                    "fte": round(f / MICRO, 1),
                    "percent_headcount": round(100 * h / whole, 1) if whole else 0.0,
                }
            )
        return out

    def share(self, population: str, breakdown: str) -> dict[str, int]:
        return {
            c: v[0] for (p, b, c), v in self.cells.items() if p == population and b == breakdown
        }


class BreakdownTally:
    """Feed records of one return; :meth:`result` gives its :class:`Breakdowns`."""

    def __init__(self, year: int, lea: str = "") -> None:
        self.year, self.lea = year, lea
        spec = stats_spec(year)
        self.census = spec.reference_date
        self.start, self.end = spec.period_start.isoformat(), spec.reference_date.isoformat()
        self.sex = spec.element_for("sex") or ""
        sex_item = spec.worker.get(self.sex)
        # The breakdown takes the item's name in its year: "Gender" to 2023, "Sex" from 2024.
        self.sex_name = sex_item.name if sex_item else NOT_KNOWN
        self.sex_codes = sex_item.codelist or "" if sex_item else ""
        self.labels = spec.codelists
        self.people: dict[tuple[str, ...], Person] = {}
        self.starters: dict[tuple[str, ...], Person] = {}
        self.leavers: dict[tuple[str, ...], Person] = {}
        self.out = Breakdowns(year, lea)

    def _label(self, codelist: str, code: str | None) -> str:
        return label(codelist, code, self.labels)

    def add(self, rec: Record) -> None:
        v = rec.values
        fte = micro(v.get("FTE")) or 0
        out = self.out
        if v.get("AgencyWorker") == "1":
            if v.get("RoleEndDate"):
                return  # not in post at 30 September (query 535Q): no agency worker
            weeks = micro(v.get("ContractWeeks"))
            span = NOT_KNOWN if weeks is None else band(weeks / MICRO, ASSIGNMENT_BANDS)
            out.add("agency", "Length of assignment", span, 1, fte)
            cases = count(v.get("Cases30"))
            out.add("agency", "Holds cases", "Yes" if cases else "No", 1, fte)
            return
        key = (
            v.get("SWENo", ""),
            v.get("PersonBirthDate", ""),
            v.get(self.sex, ""),
            v.get("Ethnicity", ""),
        )
        started = v.get("RoleStartDate", "")
        ended = v.get("RoleEndDate", "")
        role = v.get("OrgRole") or "9"
        if started and is_date(started) and self.start <= started <= self.end:
            _join(self.starters, (*key, started), v, fte, role, started)
            out.add("starters", "Origin", self._label("StartOrigin", v.get("StartOrigin")), 0, fte)
        if ended:
            _join(self.leavers, (*key, ended), v, fte, role, started)
            return
        person = _join(self.people, key, v, fte, role, started)
        person.cases = person.cases or bool(count(v.get("Cases30")))
        out.add("in post", "Role (FTE by post)", self._label("OrgRole", v.get("OrgRole")), 0, fte)

    def _common(self, person: Person, on: date) -> list[tuple[str, str]]:
        """Age group (on the day ``on``), sex, ethnic group and role of one person."""
        v = person.record
        born = parse_date(v.get("PersonBirthDate"))
        age = NOT_KNOWN if born is None else band(years_between(born, on), AGE_BANDS)
        ethnicity = v.get("Ethnicity")
        group = ETHNIC_GROUP_OF.get(
            ethnicity or "", "Refused or not obtained" if ethnicity else NOT_KNOWN
        )
        return [
            (AGE, age),
            (self.sex_name, label(self.sex_codes, v.get(self.sex), self.labels)),
            ("Ethnic group", group),
            (
                "Role (most senior post)",
                self._label("OrgRole", person.role if person.role != "9" else None),
            ),
        ]

    @staticmethod
    def _service(start: str, on: date) -> str:
        started = parse_date(start)
        return NOT_KNOWN if started is None else band(years_between(started, on), SERVICE_BANDS)

    def result(self) -> Breakdowns:
        out = self.out
        for person in self.people.values():
            v, fte = person.record, person.fte
            absent = v.get("Absat30Sept")
            cells = (
                *self._common(person, self.census),
                (SERVICE, self._service(person.start, self.census)),
                ("Qualification level", self._label("QualLevel", v.get("QualLevel"))),
                (
                    "Step Up graduate",
                    {"1": "Yes", "0": "No"}.get(v.get("StepUpGrad", ""), NOT_KNOWN),
                ),
                (
                    "Frontline graduate",
                    {"1": "Yes", "0": "No"}.get(v.get("FrontlineGrad", ""), NOT_KNOWN),
                ),
                ("Working pattern", "Full time" if fte >= MICRO else "Part time"),
                ("Holds cases", "Yes" if person.cases else "No"),
                (
                    "Absent on 30 September",
                    self._label("ReasonAbsence", v.get("ReasonAbsence"))
                    if absent == "1"
                    else ("Not absent" if absent == "0" else NOT_KNOWN),
                ),
            )
            for breakdown, category in cells:
                out.add("in post", breakdown, category, 1, fte)
        for person in self.starters.values():
            for breakdown, category in self._common(person, self.census):
                out.add("starters", breakdown, category, 1, person.fte)
            # Origin's FTE was added record by record; its headcount counts each person once.
            origin = self._label("StartOrigin", person.record.get("StartOrigin"))
            out.add("starters", "Origin", origin, 1, 0)
        for (*_, ended), person in self.leavers.items():
            left = parse_date(ended) or self.census
            v = person.record
            cells = (
                *self._common(person, left),
                (SERVICE, self._service(person.start, left)),
                ("Destination", self._label("LeaverDestination", v.get("LeaverDestination"))),
                ("Reason for leaving", self._label("ReasonLeave", v.get("ReasonLeave"))),
            )
            for breakdown, category in cells:
                out.add("leavers", breakdown, category, 1, person.fte)
        return out


def _join(
    group: dict[tuple[str, ...], Person],
    key: tuple[str, ...],
    v: dict[str, str],
    fte: int,
    role: str,
    started: str,
) -> Person:
    """Add one record to the person it belongs to in ``group`` (their FTEs add up)."""
    person = group.get(key)
    if person is None:
        person = group[key] = Person(v, 0, role, started)
    person.fte += fte
    person.role = _senior(person.role, role)
    if started and (not person.start or started < person.start):
        person.start = started
    return person


def part_time_share(b: Breakdowns) -> float | None:
    """Percentage of social workers in post (headcount) working part time."""
    pattern = b.share("in post", "Working pattern")
    whole = sum(pattern.values())
    return round(100 * pattern.get("Part time", 0) / whole, 1) if whole else None


def legacy_variables(m: LAMeasures, b: Breakdowns | None = None) -> list[tuple[str, float | None]]:
    """The 2012-13 aggregate collection's variables (and the 2013-14 additions), from records."""

    def num(name: str) -> float | None:
        value = m.totals.get(name)
        return None if value is None else round(float(value), 1)

    out: list[tuple[str, float | None]] = [
        ("Number of children's social workers (headcount)", num("inpost_headcount")),
        ("Number of children's social workers (FTE)", num("inpost_fte")),
        ("Number of children's social worker vacancies (FTE)", num("vacancy_fte")),
        ("Number of starters (headcount)", num("starters_headcount")),
        ("Number of starters (FTE)", num("starters_fte")),
        ("Number of leavers (headcount)", num("leavers_headcount")),
        ("Number of leavers (FTE)", num("leavers_fte")),
        ("Days missed due to sickness absence", num("working_days_lost_fte")),
        ("Number of agency workers (headcount)", num("agency_headcount")),
        ("Number of agency workers (FTE)", num("agency_fte")),
        ("Number of agency workers covering vacancies (FTE)", num("agency_cover_fte")),
    ]
    if b is not None:
        holders = b.share("in post", "Holds cases").get("Yes", 0)
        agency = b.share("agency", "Holds cases").get("Yes", 0)
        out.append(
            ("Number of children's social workers with caseloads (headcount)", float(holders))
        )
        out.append(("Number of agency workers with caseloads (headcount)", float(agency)))
    return out
