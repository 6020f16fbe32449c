"""The SSDA903 specification by year, as data (``data/<year>.toml``).

Years are named by their 31 March: 2016 is the return for 1 April 2015 – 31 March 2016, the
first with the seed's 2015–16 changes. ``2015.toml`` lists every table, item and code of 2015;
each later file names the year it ``extends`` and lists only its changes:

* ``[tables.<T>.items.<ITEM>]`` adds an item (``after = "ITEM"`` places it, else at the end);
  ``[tables.<T>]`` with ``items`` adds a table; ``[remove] tables = [...]``, ``items = ["T.I"]``;
* ``[codes.<LIST>.add]`` adds codes, ``[codes.<LIST>] remove = [...]`` removes them and
  ``replace = true`` starts the list again. Each code therefore carries the year it appeared
  (``since``) and the last year it was valid (``until``);
* ``[groups]``, ``[cohorts]`` and ``[dates]`` replace the named entries;
* ``[[facts]]`` are that year's own: each change with its source and confidence.
"""

from __future__ import annotations

import tomllib
from datetime import date
from functools import cache
from importlib import resources
from typing import Any, cast

from csww.cla.spec.model import (
    ITEM_TYPES,
    ClaSpec,
    Code,
    Confidence,
    Fact,
    Item,
    ItemType,
    Table,
    UnknownYear,
    XmlLayout,
)

__all__ = [
    "ClaSpec",
    "Code",
    "Fact",
    "Item",
    "Table",
    "UnknownYear",
    "XmlLayout",
    "available_years",
    "latest_year",
    "period_of",
    "spec_for",
]

CONFIDENCES = ("certain", "high", "medium", "low")


@cache
def available_years() -> list[int]:
    names = resources.files(__package__).joinpath("data").iterdir()
    return sorted(
        int(p.name[:4]) for p in names if p.name[:4].isdigit() and p.name.endswith(".toml")
    )


def latest_year() -> int:
    return available_years()[-1]


@cache
def _file(year: int) -> dict[str, Any]:
    path = resources.files(__package__).joinpath("data", f"{year}.toml")
    if not path.is_file():
        raise UnknownYear(year)
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _chain(year: int) -> list[tuple[int, dict[str, Any]]]:
    """The files from the base year up to ``year``, oldest first."""
    chain: list[tuple[int, dict[str, Any]]] = []
    current: int | None = year
    while current is not None:
        data = _file(current)
        chain.append((current, data))
        parent = data.get("extends")
        if parent is not None and int(parent) >= current:
            raise ValueError(f"903 spec {current} extends a later year {parent}")
        current = int(parent) if parent is not None else None
    return list(reversed(chain))


def period_of(year: int) -> tuple[date, date]:
    """The first and last day of the year named ``year``: its specification's, or for a year
    with none (statistics of a year csww cannot check) the nearest year's days moved."""
    years = available_years()
    nearest = year if year in years else min(years, key=lambda y: (abs(y - year), y))
    spec = spec_for(nearest)
    shift = year - nearest
    return _moved(spec.start, shift), _moved(spec.end, shift)


def _moved(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


@cache
def spec_for(year: int) -> ClaSpec:
    """The specification of the year ending 31 March ``year``."""
    if year not in available_years():
        raise UnknownYear(year)
    tables: dict[str, dict[str, dict[str, Any]]] = {}
    table_attrs: dict[str, dict[str, Any]] = {}
    lists: dict[str, dict[str, Code]] = {}
    groups: dict[str, list[str]] = {}
    cohorts: dict[str, list[int]] = {}
    dates: dict[str, date] = {}
    history: list[Fact] = []
    own: list[Fact] = []
    collection: dict[str, Any] = {}
    xml: dict[str, Any] = {}
    base = True
    for y, data in _chain(year):
        collection = {**collection, **data.get("collection", {})}
        if "xml" in data:
            xml = {**xml, **data["xml"]}
        _merge_tables(y, data.get("tables", {}), tables, table_attrs)
        for removed in data.get("remove", {}).get("tables", []):
            tables.pop(removed, None)
            table_attrs.pop(removed, None)
        for ref in data.get("remove", {}).get("items", []):
            tname, iname = ref.split(".", 1)
            tables[tname].pop(iname)
        _merge_codes(y, data.get("codes", {}), lists, base=base)
        groups.update(data.get("groups", {}))
        cohorts.update(data.get("cohorts", {}))
        dates.update(data.get("dates", {}))
        facts = [_fact(y, f) for f in data.get("facts", [])]
        history.extend(facts)
        own = facts
        base = False
    return ClaSpec(
        year=year,
        name=str(collection.get("name", "SSDA903")),
        guide=str(collection.get("guide", "")),
        tables={
            name: _table(name, table_attrs[name], items, lists, year)
            for name, items in tables.items()
        },
        codelists={name: tuple(codes.values()) for name, codes in lists.items()},
        groups={k: frozenset(v) for k, v in groups.items()},
        cohorts={k: tuple(v) for k, v in cohorts.items()},
        dates=dict(dates),
        xml=XmlLayout(
            root=xml["root"],
            child=xml["child"],
            header=xml["header"],
            episode=xml["episode"],
            header_order=tuple(xml["header_order"]),
            episode_order=tuple(xml["episode_order"]),
        ),
        facts=tuple(own),
        history=tuple(history),
    )


def _merge_tables(
    year: int,
    delta: dict[str, dict[str, Any]],
    tables: dict[str, dict[str, dict[str, Any]]],
    attrs: dict[str, dict[str, Any]],
) -> None:
    for name, body in delta.items():
        body = dict(body)
        items = body.pop("items", {})
        attrs[name] = {**attrs.get(name, {}), **body}
        current = tables.setdefault(name, {})
        for item, fields in items.items():
            fields = dict(fields)
            after = fields.pop("after", None)
            if item in current:  # a later year changes some of an item's fields
                current[item] = {**current[item], **fields}
                continue
            if after is None or after not in current:
                current[item] = fields
                continue
            reordered: dict[str, dict[str, Any]] = {}
            for key, value in current.items():
                reordered[key] = value
                if key == after:
                    reordered[item] = fields
            current.clear()
            current.update(reordered)


def _merge_codes(
    year: int, delta: dict[str, dict[str, Any]], lists: dict[str, dict[str, Code]], *, base: bool
) -> None:
    for name, body in delta.items():
        current = lists.setdefault(name, {})
        if base:
            additions = {k: v for k, v in body.items() if isinstance(v, str)}
            removals: list[str] = []
            replace = False
        else:
            additions = dict(body.get("add", {}))
            removals = list(body.get("remove", []))
            replace = bool(body.get("replace", False))
        live = [c for c, v in current.items() if v.until is None]
        ending = set(live) - set(additions) if replace else set(removals)
        for code in ending:
            if code not in current:
                raise ValueError(f"903 spec {year}: cannot remove {name} code {code}")
            old = current[code]
            current[code] = Code(old.code, old.label, old.since, year - 1)
        for code, label in additions.items():
            old_code = current.get(code)
            if old_code is not None and old_code.until is None:
                # Still valid: a new label only (a replaced list restating a code).
                current[code] = Code(code, str(label) or old_code.label, old_code.since, None)
            else:
                current[code] = Code(code, str(label), year, None)


def _table(
    name: str,
    attrs: dict[str, Any],
    items: dict[str, dict[str, Any]],
    lists: dict[str, dict[str, Code]],
    year: int,
) -> Table:
    built: list[Item] = []
    for item_name, fields in items.items():
        kind = fields.get("type")
        if kind not in ITEM_TYPES:
            raise ValueError(f"903 spec: {name}.{item_name} has an unknown type {kind!r}")
        listname = fields.get("codes", item_name) if kind == "code" else None
        codes: frozenset[str] = frozenset()
        if listname is not None:
            if listname not in lists:
                raise ValueError(f"903 spec: {name}.{item_name} names no code list {listname}")
            codes = frozenset(c.code for c in lists[listname].values() if c.valid_in(year))
        built.append(
            Item(
                name=item_name,
                type=cast(ItemType, kind),
                label=str(fields.get("label", item_name)),
                max_length=fields.get("max_length"),
                required=bool(fields.get("required", False)),
                xml=fields.get("xml"),
                codelist=listname,
                codes=codes,
                xml_only=bool(fields.get("xml_only", False)),
            )
        )
    return Table(
        name=name,
        label=str(attrs.get("label", name)),
        key=attrs.get("key", "one"),
        items=tuple(built),
        group=attrs.get("group"),
        max_per_child=attrs.get("max_per_child"),
        csv_only=bool(attrs.get("csv_only", False)),
    )


def _fact(year: int, raw: dict[str, Any]) -> Fact:
    confidence = raw.get("confidence")
    if confidence not in CONFIDENCES:
        raise ValueError(f"903 spec {year}: a fact has confidence {confidence!r}")
    if not raw.get("source"):
        raise ValueError(f"903 spec {year}: a fact names no source")
    return Fact(
        what=str(raw["what"]),
        source=str(raw["source"]),
        confidence=cast(Confidence, confidence),
        year=year,
        note=raw.get("note"),
        scope=str(raw.get("scope", "always")),
    )
