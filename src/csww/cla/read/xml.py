"""DfE's 903 XML (root ``EXPSSDA903``) into the 903's tables, safe against hostile files.

The parser never resolves entities, never loads a DTD and never touches the network (the
settings of :mod:`csww.xmlsafe`, shared with the workforce census's reader); a DOCTYPE is
refused outright, as no return needs one. libxml2's own limits bound depth and text
size, ``max_bytes`` bounds the file, and each CHILD element is freed once read, so memory holds
the tables and one child at a time.

Everything the file holds is kept or reported: an element the 903 does not have, an item given
twice, text outside any item become :class:`StructureNote` values, never dropped in silence.
"""

from __future__ import annotations

import io
from typing import IO

from lxml import etree

from csww import xmlsafe
from csww.cla.read.frames import TableBuilder, clean
from csww.cla.read.layout import TableLayout, layout
from csww.cla.read.model import ClaReadError, StructureNote
from csww.core import Tables

ROOT = "EXPSSDA903"
_local = xmlsafe.local
DOCTYPE_MESSAGE = (
    "The file declares a DOCTYPE. 903 returns never need one and it can hide entity attacks, "
    "so the file was not read. Remove the <!DOCTYPE ...> line."
)


class _ChildReader:
    """Reads one CHILD element into rows of every table, with notes."""

    def __init__(self, builder: TableBuilder, notes: list[StructureNote], place: str) -> None:
        self.b, self.notes, self.place = builder, notes, place
        lay = layout()
        self.lay = lay
        self.header = lay.table("Header")
        self.episodes = lay.table("Episodes")
        self.item_tables = [t for t in lay.tables if t.xml == "items"]
        self.groups = {t.element: t for t in lay.tables if t.xml == "group"}
        self.repeats = {
            t.element: t for t in lay.tables if t.xml == "repeat" and t.parent == "HEADER"
        }
        self.header_leaves = {self.header.xml_name_of(c) for c in self.header.columns} | {
            lay.uasc_flag
        }
        for t in self.item_tables:
            self.header_leaves |= set(t.items)

    def note(
        self, kind: str, element: str, text: str, line: int | None, table: str | None = None
    ) -> None:
        self.notes.append(StructureNote(kind, element, text, self.place, line, table))  # type: ignore[arg-type]

    def leaves(
        self, elem: etree._Element, allowed: set[str] | frozenset[str], table: str | None
    ) -> tuple[dict[str, str | None], dict[str, int | None]]:
        values: dict[str, str | None] = {}
        lines: dict[str, int | None] = {}
        if elem.text and not elem.text.isspace():
            self.note("stray_text", _local(elem.tag), elem.text.strip(), elem.sourceline, table)
        for leaf in elem:
            if not isinstance(leaf.tag, str):
                continue
            tag = _local(leaf.tag)
            text = leaf.text or ""
            if tag not in allowed:
                self.note("unknown_element", tag, text.strip(), leaf.sourceline, table)
            elif len(leaf):
                self.note("nested", tag, text.strip(), leaf.sourceline, table)
                values.setdefault(tag, text)
                lines.setdefault(tag, leaf.sourceline)
            elif tag in values:
                self.note("duplicate_element", tag, text.strip(), leaf.sourceline, table)
            else:
                values[tag] = text
                lines[tag] = leaf.sourceline
            if leaf.tail and not leaf.tail.isspace():
                self.note("stray_text", tag, leaf.tail.strip(), leaf.sourceline, table)
        return values, lines

    def read(self, child: etree._Element) -> None:
        header: etree._Element | None = None
        episodes: list[etree._Element] = []
        for sub in child:
            if not isinstance(sub.tag, str):
                continue
            tag = _local(sub.tag)
            if tag == "HEADER":
                if header is None:
                    header = sub
                else:
                    self.note("duplicate_element", tag, "", sub.sourceline, "Header")
            elif tag == self.episodes.element:
                episodes.append(sub)
            else:
                self.note("unknown_element", tag, (sub.text or "").strip(), sub.sourceline)
        if child.text and not child.text.isspace():
            self.note("stray_text", "CHILD", child.text.strip(), child.sourceline)
        inherited: dict[str, str | None] = {"CHILD": None}
        if header is None:
            self.note("missing_element", "HEADER", "", child.sourceline, "Header")
        else:
            inherited = self.read_header(header)
        allowed = frozenset(self.episodes.xml_order)
        for ep in episodes:
            values, _lines = self.leaves(ep, allowed, "Episodes")
            row = {self.episodes.column_of(k): v for k, v in values.items()}
            row["CHILD"] = inherited["CHILD"]
            self.b.add("Episodes", row, line=ep.sourceline)

    def read_header(self, header: etree._Element) -> dict[str, str | None]:
        """The HEADER's items into Header and the tables its items and groups fill; what
        the child's episodes inherit (CHILD, SEX, DOB)."""
        leaves: dict[str, str | None] = {}
        lines: dict[str, int | None] = {}
        groups: list[tuple[TableLayout, etree._Element]] = []
        if header.text and not header.text.isspace():
            self.note("stray_text", "HEADER", header.text.strip(), header.sourceline, "Header")
        for sub in header:
            if isinstance(sub.tag, str):
                self._header_part(sub, leaves, lines, groups)
        row = {self.header.column_of(k): v for k, v in leaves.items() if k in self.header_leaves}
        self.b.add("Header", row, line=header.sourceline)
        inherited = {c: clean(row.get(c)) for c in ("CHILD", "SEX", "DOB")}
        for table in self.item_tables:
            self._item_table(table, leaves, lines, inherited, header.sourceline)
        for table, elem in groups:
            values, _ = self.leaves(elem, frozenset(table.xml_order), table.name)
            self.b.add(table.name, {**inherited, **values}, line=elem.sourceline)
        return inherited

    def _header_part(
        self,
        sub: etree._Element,
        leaves: dict[str, str | None],
        lines: dict[str, int | None],
        groups: list[tuple[TableLayout, etree._Element]],
    ) -> None:
        """One element of the HEADER: an item, a group (or repeated group) of items, or
        something the 903 does not have."""
        tag = _local(sub.tag)
        text = sub.text or ""
        if tag in self.header_leaves:
            if len(sub):
                self.note("nested", tag, text.strip(), sub.sourceline, "Header")
            if tag in leaves:
                self.note("duplicate_element", tag, text.strip(), sub.sourceline, "Header")
            else:
                leaves[tag] = text
                lines[tag] = sub.sourceline
        elif tag in self.groups or tag in self.repeats:
            table = self.groups.get(tag) or self.repeats[tag]
            if tag in self.groups and any(t.element == tag for t, _ in groups):
                self.note("duplicate_element", tag, "", sub.sourceline, table.name)
                return
            groups.append((table, sub))
        else:
            self.note("unknown_element", tag, text.strip(), sub.sourceline, "Header")
        if sub.tail and not sub.tail.isspace():
            self.note("stray_text", tag, sub.tail.strip(), sub.sourceline, "Header")

    def _item_table(
        self,
        table: TableLayout,
        leaves: dict[str, str | None],
        lines: dict[str, int | None],
        inherited: dict[str, str | None],
        header_line: int | None,
    ) -> None:
        """A row of a table whose items sit in the HEADER itself (UASC, behind its flag),
        when the child has any of them."""
        present = [i for i in table.items if i in leaves]
        if table.name == self.lay.uasc_table:
            flag = clean(leaves.get(self.lay.uasc_flag))
            if flag not in (None, "0", "1"):
                self.note(
                    "uasc_flag", flag or "", flag or "", lines.get(self.lay.uasc_flag), table.name
                )
            if flag in (None, "0") and not any(clean(leaves.get(i)) for i in present):
                return
        elif not present:
            return
        values = {i: leaves.get(i) for i in table.items}
        first = min(
            (lines[i] or 0 for i in present),
            default=lines.get(self.lay.uasc_flag) or header_line,
        )
        self.b.add(table.name, {**inherited, **values}, line=first or None)


def read_xml(
    source: bytes | IO[bytes], *, place: str, max_bytes: int
) -> tuple[Tables, list[StructureNote]]:
    """Read DfE's 903 XML. Raises :class:`ClaReadError` (with line and column) when the file
    is not well-formed, is hostile, or is not a 903 return."""
    builder = TableBuilder()
    notes: list[StructureNote] = []
    reader = _ChildReader(builder, notes, place)
    context = xmlsafe.iterparse(_stream(source, place, max_bytes), ("CHILD", "{*}CHILD"))
    root: etree._Element | None = None
    try:
        for _event, elem in context:
            if root is None:
                root = _checked_root(elem.getroottree(), place)
            if elem.getparent() is not root:
                reader.note("nested", "CHILD", "", elem.sourceline)
            _leading(elem, reader)
            reader.read(elem)
            elem.clear(keep_tail=True)
        top = context.root
        if root is None:  # no CHILD at all: say why, when the file is not a 903 return
            if top is None:
                raise ClaReadError("The file is empty: it holds no 903 return.", place)
            _checked_root(top.getroottree(), place)
        _trailing(top, reader)
    except etree.XMLSyntaxError as exc:
        raise ClaReadError(_syntax_message(exc), place, *xmlsafe.position(exc)) from None
    return builder.build(), notes


def _stream(source: bytes | IO[bytes], place: str, max_bytes: int) -> IO[bytes]:
    """The file as a stream the parser may not read past ``max_bytes`` of."""
    if isinstance(source, bytes):
        if len(source) > max_bytes:
            raise ClaReadError(xmlsafe.over_limit(max_bytes), place)
        return io.BytesIO(source)
    return xmlsafe.bounded(source, max_bytes, ClaReadError)


def _checked_root(tree: etree._ElementTree, place: str) -> etree._Element:
    """The message element; refuses a DOCTYPE or a file that is not a 903 return."""
    if xmlsafe.declares_doctype(tree):
        raise ClaReadError(DOCTYPE_MESSAGE, place, 1)
    root = tree.getroot()
    if _local(root.tag) != ROOT:
        raise ClaReadError(
            f"The file's top element is <{_local(root.tag)}>, but a 903 return starts "
            f"with <{ROOT}>. Is this the right file?",
            place,
            root.sourceline,
        )
    return root


def _trailing(top: etree._Element | None, reader: _ChildReader) -> None:
    """Notes for what stands after the last CHILD in the message (elements it does not have)."""
    for sub in top if top is not None else ():
        if isinstance(sub.tag, str) and _local(sub.tag) != "CHILD":
            reader.note(
                "unknown_element", _local(sub.tag), (sub.text or "").strip(), sub.sourceline
            )


def _leading(elem: etree._Element, reader: _ChildReader) -> None:
    """Report and free what stands before ``elem`` in its parent (read children, unknowns)."""
    parent = elem.getparent()
    if parent is None:
        return
    while True:
        prev = elem.getprevious()
        if prev is None:
            break
        if isinstance(prev.tag, str) and _local(prev.tag) != "CHILD":
            reader.note(
                "unknown_element", _local(prev.tag), (prev.text or "").strip(), prev.sourceline
            )
        parent.remove(prev)


def _syntax_message(exc: etree.XMLSyntaxError) -> str:
    text = str(exc.msg or exc)
    lowered = text.lower()
    if "premature end" in lowered or ("extra content" in lowered and "end" in lowered):
        hint = "The file looks cut short (truncated): export it again and send the whole file."
    elif "encoding" in lowered or "utf-8" in lowered or "bytes" in lowered:
        hint = (
            "The file's characters do not match its declared encoding: save it as UTF-8 (or "
            "declare the encoding it is in)."
        )
    elif "entity" in lowered:
        hint = "The file uses an entity this reader does not expand: write the value out in full."
    else:
        hint = "The file is not well-formed XML: fix it at the place shown."
    return f"{hint} Parser said: {xmlsafe.parser_said(exc)}"
