"""The return specification as data, one file per collection year.

A year's file either stands alone (2017) or names the year it ``extends`` and lists only what
changed. ``load_spec(year)`` merges the chain and returns an immutable :class:`Spec`.
"""

from __future__ import annotations

import csv
import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from typing import Any, Literal

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
    dp: int | None = None
    min: float | None = None
    max: float | None = None
    max_length: int | None = None
    codelist: str | None = None
    fixed: str | None = None
    personal: bool = False
    format_source: str = "guide"
    status: dict[str, str] = field(default_factory=dict)

    def status_for(self, category: Category) -> str:
        return self.status.get(category, "voluntary")


@dataclass(frozen=True)
class Spec:
    """Everything a collection year's return must satisfy, as data."""

    year: int
    collection: str
    source_level: str
    software_code: str
    guide: str
    working_days: int
    codelists: dict[str, dict[str, str]]
    forbidden_codes: dict[str, dict[str, str]]
    header: dict[str, Item]
    la: dict[str, Item]
    worker: dict[str, Item]
    aliases: dict[str, str]
    la_codes: dict[str, str]

    @property
    def reference_date(self) -> date:
        """The census date: 30 September of the collection year."""
        return date(self.year, 9, 30)

    @property
    def previous_reference_date(self) -> date:
        return date(self.year - 1, 9, 30)

    @property
    def period_start(self) -> date:
        """First day of the collection year (1 October of the previous year)."""
        return date(self.year - 1, 10, 1)

    def codes(self, item: Item) -> dict[str, str]:
        return self.codelists[item.codelist] if item.codelist else {}

    def mandatory(self, category: Category) -> frozenset[str]:
        return frozenset(e for e, i in self.worker.items() if i.status_for(category) == "mandatory")

    def not_applicable(self, category: Category) -> frozenset[str]:
        return frozenset(
            e for e, i in self.worker.items() if i.status_for(category) == "not_applicable"
        )


def available_years() -> list[int]:
    names = resources.files(__package__).joinpath("data").iterdir()
    return sorted(
        int(p.name[:4]) for p in names if p.name[:4].isdigit() and p.name.endswith(".toml")
    )


def _deep_merge(base: dict[str, Any], delta: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in delta.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _raw(year: int) -> dict[str, Any]:
    path = resources.files(__package__).joinpath("data", f"{year}.toml")
    if not path.is_file():
        raise UnknownYear(year)
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    parent = data.pop("extends", None)
    return _deep_merge(_raw(int(parent)), data) if parent is not None else data


def _items(table: dict[str, dict[str, Any]]) -> dict[str, Item]:
    return {element: Item(element=element, **fields) for element, fields in table.items()}


@cache
def la_code_table() -> list[dict[str, str]]:
    """Every LA code with its name and the collection years it is valid for."""
    text = resources.files(__package__).joinpath("data", "la_codes.csv").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def la_codes_for(year: int) -> dict[str, str]:
    codes = {}
    for row in la_code_table():
        first = int(row["first_year"]) if row["first_year"] else 0
        last = int(row["last_year"]) if row["last_year"] else 9999
        if first <= year <= last:
            codes[row["code"]] = row["name"]
    return codes


@cache
def _joint_rows() -> list[dict[str, str]]:
    text = resources.files(__package__).joinpath("data", "joint_returns.csv").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def joint_partners(code: str, year: int | None = None) -> frozenset[str]:
    """The LA codes that share one return with ``code`` (itself included).

    Kingston upon Thames (314) and Richmond upon Thames (318) make one joint return; a file
    for either may carry either code.
    """
    for row in _joint_rows():
        codes = frozenset(row["codes"].split())
        first = int(row["first_year"]) if row["first_year"] else 0
        last = int(row["last_year"]) if row["last_year"] else 9999
        if code in codes and (year is None or first <= year <= last):
            return codes
    return frozenset({code})


@cache
def load_spec(year: int) -> Spec:
    """The specification for ``year``; raises :class:`UnknownYear` when there is none."""
    raw = _raw(year)
    info = raw["collection"]
    return Spec(
        year=int(info["year"]),
        collection=info["collection"],
        source_level=info["source_level"],
        software_code=info["software_code"],
        guide=info["guide"],
        working_days=int(info["working_days"]),
        codelists=raw["codelists"],
        forbidden_codes=raw.get("forbidden_codes", {}),
        header=_items(raw["header"]),
        la=_items(raw["la"]),
        worker=dict(sorted(_items(raw["worker"]).items(), key=lambda kv: kv[1].number)),
        aliases=raw.get("aliases", {}),
        la_codes=la_codes_for(int(info["year"])),
    )


def spec_for(year: int | None) -> tuple[Spec, bool]:
    """The spec for ``year``, or the latest one before it when that year has none.

    Returns the spec and whether it is an exact match, so callers can say which
    specification a return was checked against instead of refusing to check it.
    """
    years = available_years()
    if year in years:
        return load_spec(year), True
    earlier = [y for y in years if year is not None and y < year]
    if earlier:
        return load_spec(earlier[-1]), False
    return load_spec(years[0] if year is not None else years[-1]), False
