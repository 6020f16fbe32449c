"""What one collection year's specification holds: items, sections, timetable and sources."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

Category = Literal["inpost", "leaver", "agency"]
Status = Literal["mandatory", "voluntary", "not_applicable", "conditional"]
CATEGORIES: tuple[Category, ...] = ("inpost", "leaver", "agency")
CATEGORY_LABELS: dict[Category, str] = {
    "inpost": "workers in post at 30 September",
    "leaver": "leavers during the year",
    "agency": "agency workers in post at 30 September",
}
STATUS_LABELS: dict[str, str] = {
    "mandatory": "Mandatory",
    "voluntary": "Voluntary",
    "not_applicable": "Not applicable",
    "conditional": "Mandatory when applicable",
}
# How sure the specification is of a fact (from years.md): "certain" and "high" are stated
# as facts; anything weaker is shown to the user as a note beside the results.
SURE = frozenset({"certain", "high", "confirmed"})


class UnknownYear(LookupError):
    """No specification exists for the requested collection year."""


@dataclass(frozen=True, slots=True)
class Item:
    """One data item: its XML element, the guide's name and its format."""

    element: str
    name: str
    section: str
    type: str
    number: int = 0
    order: int = 0
    dp: int | None = None
    min: float | None = None
    max: float | None = None
    max_length: int | None = None
    codelist: str | None = None
    fixed: str | None = None
    personal: bool = False
    repeatable: bool = False
    required: bool = True
    concept: str | None = None
    group: str | None = None
    # The element this item replaced, and whether a return may still give the old one in
    # its place this year (where the change is uncertain: a query, not an error).
    replaces: str | None = None
    replaced_tolerated: bool = False
    format_rule: str | None = None
    format_source: str = "guide"
    source: str = "guide17"
    status: dict[str, str] = field(default_factory=dict)

    def status_for(self, category: Category) -> str:
        return self.status.get(category, "voluntary")


@dataclass(frozen=True, slots=True)
class Fact:
    """One sourced statement about a year, with how sure we are of it."""

    what: str
    source: str
    confidence: str
    note: str = ""

    @property
    def uncertain(self) -> bool:
        return self.confidence not in SURE


@dataclass(frozen=True, slots=True)
class Sections:
    """The XML names of the message and its parts for one year."""

    message: str
    header: str
    la: str
    worker: str
    header_groups: tuple[str, ...]


@dataclass(frozen=True)
class Spec:
    """Everything a collection year's return must satisfy, as data."""

    year: int
    collection: str
    source_level: str
    software_code: str
    guide: str
    working_days: int
    registration_body: str
    sections: Sections
    timetable: dict[str, date]
    codelists: dict[str, dict[str, str]]
    forbidden_codes: dict[str, dict[str, str]]
    header: dict[str, Item]
    la: dict[str, Item]
    worker: dict[str, Item]
    aliases: dict[str, str]
    la_codes: dict[str, str]
    facts: tuple[Fact, ...] = ()
    removed: dict[str, int] = field(default_factory=dict)
    assumption: str = ""

    @property
    def reference_date(self) -> date:
        """The census date: the header's Reference Date and the end of the collection year
        (30 September in every year so far)."""
        return self.timetable.get("reference_date", date(self.year, 9, 30))

    @property
    def census_day(self) -> date:
        """The day whose position is recorded: the reference date, or the last working day
        before it when it falls at a weekend (guide: "Reference date")."""
        return self.timetable.get("census_day", working_day_on_or_before(self.reference_date))

    @property
    def previous_reference_date(self) -> date:
        """The day before the collection year: last year's census date."""
        return self.period_start - timedelta(days=1)

    @property
    def period_start(self) -> date:
        """First day of the collection year (1 October of the previous year so far): the day
        after the same date a year before the reference date, unless the year says."""
        return self.timetable.get("period_start", year_before(self.reference_date))

    @property
    def period(self) -> Period:
        return Period(self.period_start, self.reference_date, self.census_day)

    def codes(self, item: Item) -> dict[str, str]:
        return self.codelists[item.codelist] if item.codelist else {}

    def mandatory(self, category: Category) -> frozenset[str]:
        return frozenset(e for e, i in self.worker.items() if i.status_for(category) == "mandatory")

    def not_applicable(self, category: Category) -> frozenset[str]:
        return frozenset(
            e for e, i in self.worker.items() if i.status_for(category) == "not_applicable"
        )

    def element_for(self, concept: str) -> str | None:
        """The worker element that holds ``concept`` (for example "sex") in this year."""
        for element, item in self.worker.items():
            if item.concept == concept:
                return element
        return None

    def elements_for(self, concept: str, part: str = "worker") -> list[str]:
        """Every element of ``part`` ("worker" or "la") that holds ``concept`` this year."""
        items = self.worker if part == "worker" else self.la
        return [e for e, i in items.items() if i.concept == concept]

    def item_named(self, element: str) -> Item | None:
        return self.worker.get(element) or self.la.get(element) or self.header.get(element)

    @property
    def notes(self) -> list[str]:
        """What the user should be told about this year's specification: every fact that is
        less than certain, and the assumption a year rests on, each with its source."""
        out = [self.assumption] if self.assumption else []
        for f in self.facts:
            if not f.uncertain:
                continue
            said = f.note or f.what
            # A note that names its own source is not given a second one.
            source = "" if "(source:" in said else f"source: {f.source}; "
            out.append(f"{said} ({source}confidence: {f.confidence})")
        return out


@dataclass(frozen=True, slots=True)
class Period:
    """A collection year: its first day, its reference date (the last day) and its census
    day (the day whose position is recorded, on or before the reference date)."""

    start: date
    reference_date: date
    census_day: date

    def moved(self, years: int) -> Period:
        """The same days ``years`` later (earlier when negative)."""
        end = _shift(self.reference_date, years)
        return Period(_shift(self.start, years), end, working_day_on_or_before(end))


def _shift(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def year_before(reference: date) -> date:
    """The first day of a year ending on ``reference``."""
    return _shift(reference, -1) + timedelta(days=1)


def working_day_on_or_before(day: date) -> date:
    """``day``, or the Friday before when it falls at a weekend."""
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def last_working_day(year: int) -> date:
    """30 September of ``year``, or the Friday before when it falls at a weekend.

    The guide ("Introduction"): "If this date falls on a non-working day for your local
    authority, please record the position as at the last working day of September." The
    header's Reference Date and the collection year's bounds stay 30 September; only what
    "on the census day" means (who is in post, absent, holding cases) moves."""
    return working_day_on_or_before(date(year, 9, 30))
