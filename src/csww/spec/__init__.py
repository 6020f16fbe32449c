"""The return specification as data, one file per collection year.

A year's file either stands alone (2017) or names the year it ``extends`` and lists only what
changed. ``load_spec(year)`` merges the chain and returns an immutable :class:`Spec`.
"""

from __future__ import annotations

import csv
import tomllib
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from csww.spec.model import (
    CATEGORIES,
    CATEGORY_LABELS,
    STATUS_LABELS,
    Category,
    Fact,
    Item,
    Period,
    Sections,
    Spec,
    Status,
    UnknownYear,
    last_working_day,
)

__all__ = [
    "CATEGORIES",
    "CATEGORY_LABELS",
    "STATUS_LABELS",
    "Category",
    "Fact",
    "Item",
    "Period",
    "Sections",
    "Spec",
    "Status",
    "UnknownYear",
    "all_aliases",
    "all_sections",
    "available_years",
    "joint_partners",
    "la_code_table",
    "la_codes_for",
    "last_working_day",
    "load_spec",
    "period_of",
    "removed_item",
    "spec_for",
    "year_problem",
]

FIRST_YEAR = 2017


@cache
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


@cache
def _file(year: int) -> dict[str, Any]:
    path = resources.files(__package__).joinpath("data", f"{year}.toml")
    if not path.is_file():
        raise UnknownYear(year)
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _raw(year: int) -> dict[str, Any]:
    """A year's data with its chain merged: a delta's tables merge into its parent's, its
    ``[remove]`` lists take items out, and its ``facts`` and ``timetable`` are its own."""
    data = dict(_file(year))
    parent = data.pop("extends", None)
    removals = data.pop("remove", {})
    merged = _deep_merge(_raw(int(parent)), data) if parent is not None else data
    merged = dict(merged)
    # A year's facts and dates are its own: a later year never inherits an earlier window.
    merged["facts"] = data.get("facts", [])
    merged["timetable"] = data.get("timetable", {})
    for part, elements in removals.items():
        merged[part] = {e: v for e, v in merged[part].items() if e not in elements}
    return merged


def _items(table: dict[str, dict[str, Any]]) -> dict[str, Item]:
    items = {element: Item(element=element, **fields) for element, fields in table.items()}
    return {e: i if i.order else _with_order(i) for e, i in items.items()}


def _with_order(item: Item) -> Item:
    from dataclasses import replace

    return replace(item, order=item.number)


def _removed(year: int, elements: set[str]) -> dict[str, int]:
    """Items collected in an earlier year and not in ``year``, with the first year they
    were no longer collected."""
    if year - 1 not in available_years():
        return {}
    before = load_spec(year - 1)
    gone = {e: y for e, y in before.removed.items() if e not in elements}
    for element in (set(before.worker) | set(before.la)) - elements:
        gone.setdefault(element, year)
    return gone


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
    sections = raw["sections"]
    worker = _items(raw["worker"])
    la = _items(raw["la"])
    return Spec(
        year=int(info["year"]),
        collection=info["collection"],
        source_level=info["source_level"],
        software_code=info["software_code"],
        guide=info["guide"],
        working_days=int(info["working_days"]),
        registration_body=info["registration_body"],
        assumption=info.get("assumption", ""),
        sections=Sections(
            message=sections["message"],
            header=sections["header"],
            la=sections["la"],
            worker=sections["worker"],
            header_groups=tuple(sections["header_groups"]),
        ),
        timetable={k: _date(v) for k, v in raw.get("timetable", {}).items()},
        codelists=raw["codelists"],
        forbidden_codes=raw.get("forbidden_codes", {}),
        header=_items(raw["header"]),
        la=dict(sorted(la.items(), key=lambda kv: kv[1].order)),
        worker=dict(sorted(worker.items(), key=lambda kv: kv[1].order)),
        aliases=raw.get("aliases", {}),
        la_codes=la_codes_for(int(info["year"])),
        facts=tuple(Fact(**f) for f in raw.get("facts", [])),
        removed=_removed(int(info["year"]), set(worker) | set(la)),
    )


def _date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def period_of(year: int) -> Period | None:
    """The collection period of ``year``: its specification's, or for a year csww has no
    specification of (a return that can be linked or measured, not checked) the same days
    of the nearest year it has. ``None`` for no year at all (a return without one)."""
    if year < 1:
        return None
    years = available_years()
    if year in years:
        return load_spec(year).period
    nearest = min(years, key=lambda y: (abs(y - year), y))
    return load_spec(nearest).period.moved(year - nearest)


def year_problem(year: int | None) -> str | None:
    """Why ``year`` cannot be checked, in words for the user; ``None`` when it can."""
    years = available_years()
    if year is None:
        return None
    if year < FIRST_YEAR:
        return (
            f"There is no specification for {year}: it is before {FIRST_YEAR}, the first "
            f"worker-level census. Give a year from {years[0]} to {years[-1]}."
        )
    if year not in years:
        return (
            f"There is no specification for {year}: csww knows the collection years "
            f"{years[0]} to {years[-1]}. Check the year, or update csww."
        )
    return None


def spec_for(year: int | None) -> Spec:
    """The specification for ``year`` (the latest when ``None``).

    Raises :class:`UnknownYear` for a year with no specification: a return is never checked
    against another year's rules in silence.
    """
    years = available_years()
    return load_spec(years[-1] if year is None else year)


def all_sections() -> dict[str, frozenset[str]]:
    """Every XML name each part of the message has had in any year (for the reader, which
    meets a part before it knows the year)."""
    out: dict[str, set[str]] = {}
    for year in available_years():
        s = load_spec(year).sections
        for part in ("message", "header", "la", "worker"):
            out.setdefault(part, set()).add(getattr(s, part))
        out.setdefault("header_groups", set()).update(s.header_groups)
    return {k: frozenset(v) for k, v in out.items()}


def removed_item(spec: Spec, element: str) -> tuple[str, int, str | None] | None:
    """For an item ``spec`` no longer collects: its name when it was collected, the first
    year it was not, and the name of the item that replaced it (if one did)."""
    year = spec.removed.get(element)
    if year is None:
        return None
    before = load_spec(year - 1).item_named(element)
    instead = next((i.name for i in spec.worker.values() if i.replaces == element), None)
    return (before.name if before else element), year, instead


def all_aliases() -> dict[str, str]:
    merged: dict[str, str] = {}
    for year in available_years():
        merged.update(load_spec(year).aliases)
    return merged
