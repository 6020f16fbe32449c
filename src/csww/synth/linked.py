"""Linked synthetic years: next year's returns for the same people.

``next_year(returns_2020, Rates(), seed=1)`` takes a set of returns for year Y-1 (one per
LA, from ``csww synth`` or an earlier ``next_year``) and builds year Y in which the same
registration numbers carry on: most stay in post in their LA (FTE30 = last year's FTE, the
same starting date, date of birth, sex and ethnicity), some leave during the year and are,
on 30 September, in post in another LA (or back in their own), agency workers, or gone.
Last year's agency workers stay agency, join an LA as employees, or go. New people fill each
LA's posts back to last year's headcount.

The default rates are DfE's published national figures for 2021 (``docs/years.md``): leavers
are 15.4% of in-post FTE (4,994.5 of 32,502); of leavers, 27.3% moved to another LA post
(attrition is 72.7% of leavers), 16.9% went into agency (2.6 / 15.4) and the rest (55.8%)
left children's social work in LAs. They are stated per person, so the FTE rates come out
near them, not exactly at them. The same seed always gives the same years.
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass
from datetime import date, timedelta

from csww.model import Record, Return, category_of
from csww.spec import period_of
from csww.stats.measures import stats_spec
from csww.synth.people import written_at
from csww.synth.year_items import to_year_format

# Codes of the 2017 guide's code lists used here (as the other synthetic modules use them).
ORIGIN_OTHER_LA, ORIGIN_AGENCY, ORIGIN_NEW = "2", "4", ("1", "1", "1", "6", "7", "9")
DESTINATION_OTHER_LA, DESTINATION_AGENCY, DESTINATION_NOT_KNOWN = "1", "3", "8"
DESTINATION_LEFT = ("2", "4", "5", "6", "6", "7", "8")
REASON_RESIGNED, REASON_RETIRED = "1", "5"


@dataclass(frozen=True, slots=True)
class Rates:
    """What happens to each person between two censuses (shares of people, 0 to 1)."""

    leave: float = 0.154  # of last year's employees in post: leave during the year
    moved: float = 0.273  # of leavers: in post in an LA on 30 September
    same_la: float = 0.10  # of those who moved: back in their own LA
    into_agency: float = 0.169  # of leavers: an agency worker in an LA on 30 September
    agency_stays: float = 0.60  # of last year's agency workers: agency again
    agency_joins: float = 0.15  # of last year's agency workers: an LA's employee
    recorded: float = 0.70  # of leavers who moved or went to agency: LA records where

    def __post_init__(self) -> None:
        for name in self.__slots__:
            value = getattr(self, name)
            if not 0 <= value <= 1:
                raise ValueError(f"rate {name} must be between 0 and 1, not {value}")
        if self.moved + self.into_agency > 1 or self.agency_stays + self.agency_joins > 1:
            raise ValueError("the shares of leavers (or of agency workers) add up to more than 1")


class _Year:
    """The records of year Y being built, per LA."""

    def __init__(self, previous: list[Return], year: int, rng: random.Random) -> None:
        self.year, self.rng = year, rng
        period = period_of(year)
        if period is None:
            raise ValueError(f"{year} is not a collection year")
        self.census, self.first = period.reference_date, period.start
        self.spec = stats_spec(year)
        self.las = sorted({r.lea or "" for r in previous})
        self.inpost: dict[str, list[Record]] = {la: [] for la in self.las}
        self.leavers: dict[str, list[Record]] = {la: [] for la in self.las}
        self.agency: dict[str, list[Record]] = {la: [] for la in self.las}
        self.numbers = {
            w.values.get("SWENo", "") for r in previous for w in r.workers if w.values.get("SWENo")
        }
        # Everyone's last employee record: an agency worker who was once employed and joins
        # an LA again keeps their own date of birth, sex and ethnicity.
        self.known = {
            w.values["SWENo"]: w.values
            for r in previous
            for w in r.workers
            if w.values.get("SWENo") and category_of(w) != "agency"
        }

    def _as(self, values: dict[str, str], category: str) -> Record:
        """A record holding only what the category may hold."""
        banned = self.spec.not_applicable(category)  # type: ignore[arg-type]
        return Record(values={k: v for k, v in values.items() if k not in banned})

    def day(self, first: date, last: date) -> date:
        return first + timedelta(days=self.rng.randint(0, max(0, (last - first).days)))

    def new_number(self) -> str:
        while True:
            number = f"SW{self.rng.randrange(1000000, 9999999)}"
            if number not in self.numbers:
                self.numbers.add(number)
                return number

    def other_la(self, la: str) -> str:
        others = [x for x in self.las if x != la]
        return self.rng.choice(others) if others else la

    def stay(self, la: str, rec: Record) -> None:
        values = dict(rec.values)
        values["FTE30"] = values.get("FTE", "0")
        self.inpost[la].append(self._as(values, "inpost"))

    def start(self, la: str, base: dict[str, str], started: date, origin: str) -> None:
        """A new post; FTE30 is 0, as for every starter (rule 506)."""
        values = dict(base)
        values.update(
            AgencyWorker="0",
            RoleStartDate=started.isoformat(),
            StartOrigin=origin,
            FTE30="0",
        )
        for item in ("RoleEndDate", "LeaverDestination", "ReasonLeave", "ContractWeeks"):
            values.pop(item, None)
        self.inpost[la].append(self._as(values, "inpost"))

    def to_agency(self, la: str, swe: str, fte: str, cases: str) -> None:
        values = {"AgencyWorker": "1", "SWENo": swe, "FTE": fte, "Cases30": cases}
        values["ContractWeeks"] = str(self.rng.randint(2, 52))
        self.agency[la].append(Record(values=values))

    def leave(self, la: str, records: list[Record], rates: Rates) -> None:
        """One person's posts end; where they are on 30 September decides the destination."""
        roll = self.rng.random()
        end = self.day(self.first, self.census - timedelta(days=75))
        base = records[0].values
        born = base.get("PersonBirthDate", "")
        old = born[:4].isdigit() and self.year - int(born[:4]) >= 60
        known = self.rng.random() < rates.recorded
        if roll < rates.moved:
            target = la if self.rng.random() < rates.same_la else self.other_la(la)
            destination = DESTINATION_OTHER_LA if known and target != la else DESTINATION_NOT_KNOWN
            started = self.day(end + timedelta(days=7), end + timedelta(days=60))
            origin = ORIGIN_OTHER_LA if target != la else "8"
            self.start(target, base, started, origin)
        elif roll < rates.moved + rates.into_agency:
            target = self.rng.choice((la, self.other_la(la)))
            destination = DESTINATION_AGENCY if known else DESTINATION_NOT_KNOWN
            self.to_agency(target, base["SWENo"], base.get("FTE", "1"), base.get("Cases30", "0"))
        else:
            destination = self.rng.choice(DESTINATION_LEFT)
        reason = REASON_RETIRED if old and destination not in ("1", "3") else REASON_RESIGNED
        for rec in records:
            values = dict(rec.values)
            values.update(
                RoleEndDate=end.isoformat(), LeaverDestination=destination, ReasonLeave=reason
            )
            self.leavers[la].append(self._as(values, "leaver"))

    def newcomer(self, template: Record) -> dict[str, str]:
        """A new person's items: a colleague's record with a date of birth of their own."""
        base = dict(template.values)
        age = self.rng.randint(23, 40)
        born = self.census - timedelta(days=int((age + self.rng.random()) * 365.25))
        base["PersonBirthDate"] = born.isoformat()
        return base

    def fill(self, la: str, want: int, templates: list[Record]) -> None:
        """New people (never in any return before) until ``la`` has ``want`` employees."""
        people = {r.values.get("SWENo") for r in self.inpost[la]}
        for _ in range(max(0, want - len(people))):
            base = self.newcomer(self.rng.choice(templates)) if templates else {}
            base.update(SWENo=self.new_number(), FTE=base.get("FTE", "1"))
            started = self.day(self.first, self.census)
            self.start(la, base, started, self.rng.choice(ORIGIN_NEW))


def _people(records: list[Record], category: str) -> dict[str, list[Record]]:
    out: dict[str, list[Record]] = {}
    for rec in records:
        swe = rec.values.get("SWENo")
        if swe and category_of(rec) == category:
            out.setdefault(swe, []).append(rec)
    return out


def next_year(previous: list[Return], rates: Rates | None = None, seed: int = 0) -> list[Return]:
    """Returns for the year after ``previous`` (one per LA, same LAs), people linked."""
    rates = rates or Rates()
    years = {r.year for r in previous}
    if len(years) != 1 or None in years:
        raise ValueError("give returns for one collection year, each with its year in the header")
    year = int(next(iter(years))) + 1  # type: ignore[arg-type]
    rng = random.Random(f"csww-linked:{seed}:{year}")
    built = _Year(previous, year, rng)
    for ret in sorted(previous, key=lambda r: r.lea or ""):
        la = ret.lea or ""
        for records in _people(ret.workers, "inpost").values():
            if rng.random() < rates.leave:
                built.leave(la, records, rates)
            else:
                for rec in records:
                    built.stay(la, rec)
        for records in _people(ret.workers, "agency").values():
            roll, rec = rng.random(), records[0]
            if roll < rates.agency_stays:
                built.agency[la].append(copy.deepcopy(rec))
            elif roll < rates.agency_stays + rates.agency_joins:
                templates = [w for w in ret.workers if category_of(w) == "inpost"]
                if templates:
                    swe = rec.values["SWENo"]
                    base = {**built.newcomer(rng.choice(templates)), **built.known.get(swe, {})}
                    base.update(SWENo=swe, FTE=rec.values.get("FTE", "1"))
                    started = built.day(built.first, built.census)
                    built.start(la, base, started, ORIGIN_AGENCY)
    out = []
    for ret in sorted(previous, key=lambda r: r.lea or ""):
        la = ret.lea or ""
        templates = [w for w in ret.workers if category_of(w) == "inpost"]
        built.fill(la, len(_people(ret.workers, "inpost")), templates)
        want_agency = len(_people(ret.workers, "agency"))
        while len(built.agency[la]) < want_agency:
            built.to_agency(la, built.new_number(), "1", str(rng.randint(5, 20)))
        header = copy.deepcopy(ret.header)
        header.values.update(
            Year=str(year),
            ReferenceDate=built.census.isoformat(),
            DateTime=written_at(built.census).isoformat(),
        )
        workers = built.inpost[la] + built.leavers[la] + built.agency[la]
        la_record = copy.deepcopy(ret.la)
        # The people carry over; the format is the new year's (its sex item, pay items, ...).
        to_year_format(workers, la_record, built.spec, f"csww-linked:{seed}:{year}:{la}")
        out.append(Return(header=header, la=la_record, workers=workers))
    return out
