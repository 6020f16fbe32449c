"""The 903's tables as DfE's XML (``EXPSSDA903``), in the element order of DfE's XSD.

Items are written as the tables hold them (raw text, escaped). The XSD's required elements
are always written (empty when the table has nothing); an optional element only when it has a
value, and a group (OC2, PERMANENCE) or an OC3/AD1 block only when the child has a row in that
table. The HEADER's UASC flag is 1 for a child with a row in the UASC table and 0 otherwise.
SWEpisodes and DoLo have no place in DfE's XML and are not written (:func:`unwritten` says
which tables would be lost, so a caller can warn).

Reading what this writes gives the same tables back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import Any
from xml.sax.saxutils import escape

import polars as pl

from csww.cla.read.layout import TableLayout, layout


def _rows(
    frame: pl.DataFrame | None, columns: tuple[str, ...]
) -> dict[str | None, list[dict[str, Any]]]:
    out: dict[str | None, list[dict[str, Any]]] = defaultdict(list)
    if frame is None or frame.is_empty():
        return out
    present = [c for c in columns if c in frame.columns]
    for row in frame.select(present).iter_rows(named=True):
        out[row.get("CHILD")].append(row)
    return out


def unwritten(tables: Mapping[str, pl.DataFrame]) -> list[str]:
    """Tables with rows that DfE's XML has no place for."""
    return [
        t.name
        for t in layout().tables
        if t.xml == "none" and t.name in tables and not tables[t.name].is_empty()
    ]


def _leaf(name: str, value: Any, indent: str) -> str:
    if value is None or value == "":
        return f"{indent}<{name} />\n"
    return f"{indent}<{name}>{escape(str(value))}</{name}>\n"


def _block(table: TableLayout, row: dict[str, Any], indent: str) -> Iterator[str]:
    required = set(table.xml_required)
    for xml_name in table.xml_order:
        value = row.get(table.column_of(xml_name))
        if value is not None or xml_name in required:
            yield _leaf(xml_name, value, indent)


def iter_xml(tables: Mapping[str, pl.DataFrame]) -> Iterator[str]:
    """The XML as text pieces (for streaming a national file)."""
    lay = layout()
    by_table = {t.name: _rows(tables.get(t.name), t.columns) for t in lay.tables if t.xml != "none"}
    header = lay.table("Header")
    children: list[str | None] = []
    seen: set[str | None] = set()
    for name in ["Header"] + [t.name for t in lay.tables if t.name != "Header"]:
        for child in by_table.get(name, {}):
            if child not in seen:
                seen.add(child)
                children.append(child)
    items = {t.name: t for t in lay.tables if t.xml == "items"}
    item_of = {i: t for t in items.values() for i in t.items}
    groups = {
        t.element: t for t in lay.tables if t.xml in ("group", "repeat") and t.parent != "CHILD"
    }
    episodes = lay.table("Episodes")
    yield '<?xml version="1.0" encoding="UTF-8"?>\n<EXPSSDA903>\n'
    for child in children:
        head = (by_table["Header"].get(child) or [{"CHILD": child}])[0]
        yield "  <CHILD>\n    <HEADER>\n"
        for element in lay.header_order:
            if element == lay.uasc_flag:
                yield _leaf(element, "1" if by_table[lay.uasc_table].get(child) else "0", "      ")
            elif element in item_of:
                table = item_of[element]
                rows = by_table[table.name].get(child)
                if rows:
                    yield _leaf(element, rows[0].get(element), "      ")
            elif element in groups:
                table = groups[element]
                for row in by_table[table.name].get(child, []):
                    yield f"      <{element}>\n"
                    yield from _block(table, row, "        ")
                    yield f"      </{element}>\n"
            else:
                value = head.get(header.column_of(element))
                if value is not None or element in lay.header_required:
                    yield _leaf(element, value, "      ")
        yield "    </HEADER>\n"
        for row in by_table["Episodes"].get(child, []):
            yield "    <EPISODE>\n"
            yield from _block(episodes, row, "      ")
            yield "    </EPISODE>\n"
        yield "  </CHILD>\n"
    yield "</EXPSSDA903>\n"


def write_xml(tables: Mapping[str, pl.DataFrame]) -> bytes:
    """The whole return as UTF-8 XML bytes."""
    return "".join(iter_xml(tables)).encode("utf-8")
