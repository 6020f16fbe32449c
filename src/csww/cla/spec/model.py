"""The SSDA903 specification of one year as plain, immutable values."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

ItemType = Literal["id", "text", "date", "code", "integer", "postcode"]
ITEM_TYPES: tuple[str, ...] = ("id", "text", "date", "code", "integer", "postcode")
Confidence = Literal["certain", "high", "medium", "low"]


class UnknownYear(ValueError):
    """No 903 specification for this year."""

    def __init__(self, year: int) -> None:
        super().__init__(f"no SSDA903 specification for the year ending 31 March {year}")
        self.year = year


@dataclass(frozen=True, slots=True)
class Code:
    """One code of a list, with the first and last years it is valid (None: still valid)."""

    code: str
    label: str
    since: int
    until: int | None = None

    def valid_in(self, year: int) -> bool:
        return self.since <= year and (self.until is None or year <= self.until)


@dataclass(frozen=True, slots=True)
class Fact:
    """A change or a statement about the specification, with its source and confidence."""

    what: str
    source: str
    confidence: Confidence
    year: int
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Item:
    name: str
    type: ItemType
    label: str
    max_length: int | None = None
    required: bool = False
    xml: str | None = None  # the XML element when it differs from the item's name
    codelist: str | None = None  # the code list's name (type "code")
    codes: frozenset[str] = frozenset()  # the codes valid this year (type "code")
    xml_only: bool = False  # carried in the XML but not a column of the CSV table

    @property
    def element(self) -> str:
        return self.xml or self.name


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    label: str
    key: Literal["one", "many"]
    items: tuple[Item, ...]
    group: str | None = None  # the XML element holding one record (EPISODE, AREVIEW, ...)
    max_per_child: int | None = None
    csv_only: bool = False

    @property
    def columns(self) -> tuple[str, ...]:
        """The table's columns, as DfE's CSV file names them, in order."""
        return tuple(i.name for i in self.items if not i.xml_only)

    def item(self, name: str) -> Item:
        for candidate in self.items:
            if candidate.name == name:
                return candidate
        raise KeyError(f"{self.name} has no item {name}")

    def has(self, name: str) -> bool:
        return any(i.name == name for i in self.items)


@dataclass(frozen=True, slots=True)
class XmlLayout:
    """Where each table and item sits in DfE's EXPSSDA903 XML, in schema order."""

    root: str
    child: str
    header: str
    episode: str
    header_order: tuple[str, ...]  # "Table.ITEM" or "Table" (a repeating group)
    episode_order: tuple[str, ...]


@dataclass(frozen=True)
class ClaSpec:
    """The SSDA903 return of one year (named by its 31 March)."""

    year: int
    name: str
    guide: str
    tables: dict[str, Table]
    codelists: dict[str, tuple[Code, ...]]  # every code ever valid, with since/until
    groups: dict[str, frozenset[str]]
    cohorts: dict[str, tuple[int, ...]]
    dates: dict[str, date]
    xml: XmlLayout
    facts: tuple[Fact, ...]  # this year's own facts
    history: tuple[Fact, ...] = field(default=())  # every fact up to and including this year

    @property
    def start(self) -> date:
        """1 April of the year before."""
        return date(self.year - 1, 4, 1)

    @property
    def end(self) -> date:
        """31 March of the year."""
        return date(self.year, 3, 31)

    @property
    def label(self) -> str:
        return f"{self.year - 1} to {self.year} (1 April {self.year - 1} – 31 March {self.year})"

    def table(self, name: str) -> Table:
        return self.tables[name]

    def codes(self, listname: str) -> frozenset[str]:
        """The codes of a list valid this year (empty when the list does not exist yet)."""
        return frozenset(c.code for c in self.codelists.get(listname, ()) if c.valid_in(self.year))

    def group(self, name: str) -> frozenset[str]:
        return self.groups[name]

    def date_items(self) -> dict[str, tuple[str, ...]]:
        """Date items by table."""
        return {
            t.name: tuple(i.name for i in t.items if i.type == "date") for t in self.tables.values()
        }

    def notes(self) -> list[str]:
        """What a user should know about this year's specification (facts below 'high')."""
        return [f.note for f in self.history if f.note]
