"""Breakdowns of the workforce from worker records, and the 2012-13 aggregate variables.

Social workers in post are broken down by age band, gender, ethnic group, role,
qualification level, Step Up and Frontline graduates, length of service, working pattern
(part time) and absence on 30 September; starters by origin; leavers by destination and
reason; agency workers by length of assignment. Headcount counts a person once (de-duplicated
as for the in-post headcount) in the category of their most senior role; FTE sums records.

``legacy_variables`` derives the six variables of the 2012-13 aggregate collection (and
the 2013-14 additions) named in DfE's July 2014 focus group notes, so the worker-level
returns can continue that series.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from csww.model import Record
from csww.spec import available_years, load_spec
from csww.stats.measures import MICRO, LAMeasures, count, is_date, micro, stats_spec
from csww.values import parse_date, years_between

AGE_BANDS = (
    (25, "Under 25"),
    (30, "25 to 29"),
    (40, "30 to 39"),
    (50, "40 to 49"),
    (60, "50 to 59"),
    (999, "60 and over"),
)
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
LABELS = load_spec(available_years()[0]).codelists


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
    """An in-post social worker, across their records."""

    record: dict[str, str]
    fte: int = 0
    role: str = ""
    start: str = ""
    cases: bool = False


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
        self.out = Breakdowns(year, lea)

    def add(self, rec: Record) -> None:
        v = rec.values
        fte = micro(v.get("FTE")) or 0
        out = self.out
        if v.get("AgencyWorker") == "1":
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
        if started and is_date(started) and self.start <= started <= self.end:
            out.add(
                "starters",
                "Origin",
                label("StartOrigin", v.get("StartOrigin"), self.labels),
                1,
                fte,
            )
        if v.get("RoleEndDate"):
            out.add(
                "leavers",
                "Destination",
                label("LeaverDestination", v.get("LeaverDestination"), self.labels),
                1,
                0,
            )
            out.add(
                "leavers",
                "Reason for leaving",
                label("ReasonLeave", v.get("ReasonLeave"), self.labels),
                1,
                0,
            )
            return
        person = self.people.get(key)
        if person is None:
            person = self.people[key] = Person(v, 0, v.get("OrgRole") or "9", started)
        person.fte += fte
        person.cases = person.cases or bool(count(v.get("Cases30")))
        role = v.get("OrgRole") or "9"
        person.role = min(person.role, role, key=lambda r: int(r) if r.isdigit() else 99)
        if started and (not person.start or started < person.start):
            person.start = started
        out.add(
            "in post", "Role (FTE by post)", label("OrgRole", v.get("OrgRole"), self.labels), 0, fte
        )

    def result(self) -> Breakdowns:
        out = self.out
        for person in self.people.values():
            v, fte = person.record, person.fte
            born = parse_date(v.get("PersonBirthDate"))
            age = NOT_KNOWN if born is None else band(years_between(born, self.census), AGE_BANDS)
            started = parse_date(person.start)
            service = (
                NOT_KNOWN
                if started is None
                else band(years_between(started, self.census), SERVICE_BANDS)
            )
            ethnicity = v.get("Ethnicity")
            group = ETHNIC_GROUP_OF.get(
                ethnicity or "", "Refused or not obtained" if ethnicity else NOT_KNOWN
            )
            absent = v.get("Absat30Sept")
            cells = (
                ("Age", age),
                (self.sex_name, label(self.sex_codes, v.get(self.sex), self.labels)),
                ("Ethnic group", group),
                (
                    "Role (most senior post)",
                    label("OrgRole", person.role if person.role != "9" else None, self.labels),
                ),
                ("Qualification level", label("QualLevel", v.get("QualLevel"), self.labels)),
                (
                    "Step Up graduate",
                    {"1": "Yes", "0": "No"}.get(v.get("StepUpGrad", ""), NOT_KNOWN),
                ),
                (
                    "Frontline graduate",
                    {"1": "Yes", "0": "No"}.get(v.get("FrontlineGrad", ""), NOT_KNOWN),
                ),
                ("Length of service", service),
                ("Working pattern", "Full time" if fte >= MICRO else "Part time"),
                ("Holds cases", "Yes" if person.cases else "No"),
                (
                    "Absent on 30 September",
                    label("ReasonAbsence", v.get("ReasonAbsence"), self.labels)
                    if absent == "1"
                    else ("Not absent" if absent == "0" else NOT_KNOWN),
                ),
            )
            for breakdown, category in cells:
                out.add("in post", breakdown, category, 1, fte)
        return out


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
