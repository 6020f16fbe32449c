"""The 903's file layout as data (``data/layout.toml``): DfE's CSV tables and their columns,
and where each item sits in DfE's XML.

The layout is the same for every year the reader meets (DfE's 2021 XSD and the CSV column
sets); which items a year collects, and their codes, are the year's spec, not the reader's.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Literal

Placement = Literal["header", "items", "group", "repeat", "none"]


@dataclass(frozen=True)
class TableLayout:
    name: str
    columns: tuple[str, ...]
    xml: Placement
    element: str | None = None
    parent: str | None = None
    items: tuple[str, ...] = ()
    inherit: tuple[str, ...] = ()
    xml_names: dict[str, str] = field(default_factory=dict)
    xml_order: tuple[str, ...] = ()
    xml_required: tuple[str, ...] = ()

    def column_of(self, xml_name: str) -> str:
        """The CSV column of an XML element name (``PL`` is ``PLACE``)."""
        return self.xml_names.get(xml_name, xml_name)

    def xml_name_of(self, column: str) -> str:
        for xml_name, col in self.xml_names.items():
            if col == column:
                return xml_name
        return column

    @property
    def own_items(self) -> tuple[str, ...]:
        """The table's columns that its XML element holds itself (not CHILD or inherited)."""
        return tuple(c for c in self.columns if c != "CHILD" and c not in self.inherit)


@dataclass(frozen=True)
class Layout:
    tables: tuple[TableLayout, ...]
    header_order: tuple[str, ...]
    header_required: tuple[str, ...]
    uasc_flag: str
    uasc_table: str

    def table(self, name: str) -> TableLayout:
        for t in self.tables:
            if t.name == name:
                return t
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.tables)

    def header_element_names(self) -> frozenset[str]:
        """Every element name that may stand directly in HEADER."""
        return frozenset(self.header_order)


@cache
def layout() -> Layout:
    text = resources.files(__package__).joinpath("data", "layout.toml").read_text("utf-8")
    data = tomllib.loads(text)
    tables = tuple(
        TableLayout(
            name=t["name"],
            columns=tuple(t["columns"]),
            xml=t["xml"],
            element=t.get("element"),
            parent=t.get("parent"),
            items=tuple(t.get("items", ())),
            inherit=tuple(t.get("inherit", ())),
            xml_names=dict(t.get("xml_names", {})),
            xml_order=tuple(t.get("xml_order", ())),
            xml_required=tuple(t.get("xml_required", ())),
        )
        for t in data["table"]
    )
    return Layout(
        tables=tables,
        header_order=tuple(data["header_order"]),
        header_required=tuple(data["header_required"]),
        uasc_flag=data["uasc_flag"],
        uasc_table=data["uasc_table"],
    )


TABLE_NAMES: tuple[str, ...] = layout().names
