"""The statistics as they were computed record by record, kept as an independent reference:
the frame computation (``csww.stats``) must give exactly what these tallies give, figure for
figure, on every year's returns (``test_frame_parity.py``).

The classes are the per-record tallies csww used before the statistics moved onto typed
columns, unchanged (renamed, with the parsing helpers they used copied beside them).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from csww.model import Record, Return
from csww.stats.breakdowns import (
    AGE,
    AGE_BANDS,
    ASSIGNMENT_BANDS,
    ETHNIC_GROUP_OF,
    NOT_KNOWN,
    SERVICE,
    SERVICE_BANDS,
    Breakdowns,
    band,
    label,
)
from csww.stats.measures import MICRO, LAMeasures, is_date, stats_spec
from csww.stats.pay import ALL_ROLES, BASES, FULL_TIME, PAYMENT_CONCEPTS
from csww.values import parse_date, years_between


def micro(text: str | None) -> int | None:
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


def day_of(text: str | None) -> str | None:
    if not text:
        return None
    return text[:10] if is_date(text[:10]) else None


def sex_element(year: int) -> str:
    return stats_spec(year).element_for("sex") or ""


class RecordTally:
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


class RecordBreakdowns:
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


@dataclass
class RecordPay:
    """Salaries, payments and incentives of one return; feed worker records and the LA level.

    ``salaries[basis][role][person]`` is a person's highest base salary in a role, for
    ``basis`` "all" (every post in post) and "full time" (posts of FTE 1); ``payments[item]``
    holds each person's total of a payment item, for everyone in post who has a salary or
    payment recorded (``paid_people``)."""

    year: int
    lea: str
    salaries: dict[str, dict[str, dict[str, Decimal]]] = field(
        default_factory=lambda: {b: defaultdict(dict) for b in BASES}
    )
    payments: dict[str, dict[str, Decimal]] = field(default_factory=lambda: defaultdict(dict))
    paid_people: set[str] = field(default_factory=set)
    incentives: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        spec = stats_spec(self.year)
        self.salary = spec.element_for("base_salary")
        self.payment_items = {
            e: spec.worker[e].name
            for concept in PAYMENT_CONCEPTS
            for e in spec.elements_for(concept)
        }
        self.role_labels = spec.codelists.get("OrgRole", {})
        self.incentive_items = {e: spec.la[e].name for e in spec.elements_for("incentive", "la")}
        self._records = 0

    @property
    def collects_pay(self) -> bool:
        return self.salary is not None

    def add(self, rec: Record) -> None:
        if self.salary is None:
            return
        v = rec.values
        if v.get("AgencyWorker") == "1" or v.get("RoleEndDate"):
            return
        self._records += 1
        person = v.get("SWENo", "") or f"record-{self._records}"
        amount = _amount(v.get(self.salary))
        if amount is not None:
            self.paid_people.add(person)
            role = self.role_labels.get(v.get("OrgRole", ""), "Role not known")
            fte = _amount(v.get("FTE"))
            for basis in BASES:
                if basis == FULL_TIME and (fte is None or fte < 1):
                    continue
                for group in (role, ALL_ROLES):
                    kept = self.salaries[basis][group].get(person)
                    if kept is None or amount > kept:
                        self.salaries[basis][group][person] = amount
        for element in self.payment_items:
            paid = _amount(v.get(element), zero=True)
            if paid is not None:
                self.paid_people.add(person)
                totals = self.payments[element]
                totals[person] = totals.get(person, Decimal(0)) + paid

    def set_la(self, la: Record | None) -> None:
        if la is None:
            return
        for element in self.incentive_items:
            code = la.values.get(element)
            if code in ("0", "1", "2"):
                self.incentives[element] = code


def _amount(text: str | None, zero: bool = False) -> Decimal | None:
    """A positive amount (or zero, when ``zero``), or None when missing or unreadable."""
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    return value if value > 0 or (zero and value == 0) else None


def measure(ret: Return, year: int | None = None) -> tuple[LAMeasures, Breakdowns, RecordPay]:
    """A return's measures, breakdowns and pay, record by record."""
    y = year or ret.year or 0
    tallies = (RecordTally(y, ret.lea or ""), RecordBreakdowns(y, ret.lea or ""))
    pay = RecordPay(y, ret.lea or "")
    for worker in ret.workers:
        for t in tallies:
            t.add(worker)
        pay.add(worker)
    tallies[0].set_la(ret.la)
    pay.set_la(ret.la)
    return tallies[0].result(), tallies[1].result(), pay
