"""Streaming, hostile-input-safe reader for CSWW XML returns (COLLECT format).

The parser never resolves entities, never loads a DTD and never touches the network (the
settings of :mod:`csww.xmlsafe`, which every collection's reader shares); a DOCTYPE is
refused outright, as no return needs one. libxml2's own limits bound depth and text size,
and ``max_bytes`` bounds the file. Records are yielded one at a time and their
elements freed, so memory does not grow with the number of workers.

Everything the file holds is kept: unknown elements, repeated elements and zeros. Anything
the reader cannot place in the model is reported as a :class:`StructureNote`.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal

from lxml import etree

from csww import xmlsafe
from csww.model import Record, Return
from csww.spec import all_aliases, all_sections

DEFAULT_MAX_BYTES = 1024 * 1024 * 1024
# The reader meets the message's parts before it knows the year, so it accepts the names
# each part has had in any year; the engine then checks them against the year's own.
_SECTIONS = all_sections()
MESSAGE_TAGS = _SECTIONS["message"]
HEADER_TAGS = _SECTIONS["header"]
LA_TAGS = _SECTIONS["la"]
WORKER_TAGS = _SECTIONS["worker"]
RECORD_TAGS = tuple(sorted(HEADER_TAGS | LA_TAGS | WORKER_TAGS))
HEADER_GROUPS = _SECTIONS["header_groups"]
# Other spellings of an item that readers accept (older or supplier spellings).
ALIASES = all_aliases()
_PARTS = " or ".join(f"<{t}>" for t in sorted(HEADER_TAGS | LA_TAGS | WORKER_TAGS))
DOCTYPE_MESSAGE = (
    "The file declares a DOCTYPE. CSWW returns never need one and it can hide entity attacks, "
    "so the file was not read. Remove the <!DOCTYPE ...> line."
)

Source = str | os.PathLike[str] | bytes | IO[bytes]


class ReadError(Exception):
    """The input cannot be read as a CSWW return; ``str()`` says why and where."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        self.message, self.line, self.column = message, line, column
        where = (
            f" (line {line}, column {column})"
            if line and column
            else (f" (line {line})" if line else "")
        )
        super().__init__(message + where)


@dataclass(frozen=True, slots=True)
class StructureNote:
    """Something in the file's structure that does not fit the return's shape."""

    kind: Literal["nested", "stray_text", "misplaced", "unknown_record", "duplicate_record"]
    element: str
    text: str
    line: int | None
    record: int | None = None


Event = (
    tuple[Literal["header"], Record]
    | tuple[Literal["la"], Record]
    | tuple[Literal["worker"], Record]
    | tuple[Literal["note"], StructureNote]
)


def _local(tag: object) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


def _open(source: Source, max_bytes: int) -> tuple[IO[bytes], str | None]:
    if isinstance(source, bytes):
        if len(source) > max_bytes:
            raise ReadError(f"The file is larger than the {max_bytes // 1048576} MB limit.")
        return io.BytesIO(source), None
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise ReadError(f"Cannot open {path}: {exc.strerror or exc}.") from None
        if path.is_dir():
            raise ReadError(f"{path} is a folder, not a file.")
        if size > max_bytes:
            raise ReadError(
                f"{path.name} is {size // 1048576} MB, over the {max_bytes // 1048576} MB limit."
            )
        return path.open("rb"), str(path)
    return source, getattr(source, "name", None)


def _sniff(fh: IO[bytes]) -> None:
    head = fh.read(8)
    fh.seek(0)
    if not head.strip():
        raise ReadError("The file is empty: it holds no CSWW return.")
    if head.startswith(b"PK\x03\x04"):
        raise ReadError(
            "This is a spreadsheet (an Excel workbook or another zip file), not an XML return. A "
            "filled template is checked with 'csww validate FILE.xlsx' and turned into XML with "
            "'csww generate FILE.xlsx -o return.xml'."
        )
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReadError(
            "This is an old Excel .xls file. Save it as .xlsx in Excel or LibreOffice first."
        )
    if head.startswith(b"%PDF"):
        raise ReadError("This is a PDF, not a CSWW XML return.")


def _worker(
    elem: etree._Element, notes: list[StructureNote], index: int, namespaced: bool
) -> Record:
    """A worker record. The common case (flat items, no stray text) is read in one tight
    loop; anything irregular is read again by the thorough path, which reports it."""
    head = elem.text
    if namespaced or (head and not head.isspace()):
        return _record(elem, notes, index)
    values: dict[str, str] = {}
    lines: dict[str, int] = {}
    rec = Record(values, [], lines, [], line=elem.sourceline)
    for child in elem:
        tag = child.tag
        text = child.text
        tail = child.tail
        if len(child) or (tail and not tail.isspace()):
            return _record(elem, notes, index)
        if tag in values:
            rec.extras.append((tag, text.strip() if text else ""))
            rec.extra_lines.append(child.sourceline)
        else:
            values[tag] = text.strip() if text else ""
            lines[tag] = child.sourceline
    if rec.extras or not ALIASES.keys().isdisjoint(values):
        for alias, name in ALIASES.items():
            _rename(rec, alias, name)
    return rec


def _rename(rec: Record, alias: str, name: str) -> None:
    """Store an alias's value under the item's own element name, keeping order of arrival."""
    if alias not in rec.values and all(e != alias for e, _ in rec.extras):
        return
    if alias in rec.values:
        text, line = rec.values.pop(alias), rec.lines.pop(alias)
        if name in rec.values:
            rec.extras.insert(0, (name, text))
            rec.extra_lines.insert(0, line)
        else:
            rec.values[name], rec.lines[name] = text, line
    rec.extras[:] = [(name if e == alias else e, t) for e, t in rec.extras]


def _record(elem: etree._Element, notes: list[StructureNote], index: int | None) -> Record:
    rec = Record(line=elem.sourceline)
    values, lines, extras, extra_lines = rec.values, rec.lines, rec.extras, rec.extra_lines
    if elem.text and not elem.text.isspace():
        notes.append(
            StructureNote("stray_text", _local(elem.tag), elem.text.strip(), elem.sourceline, index)
        )
    for child in elem:
        tag = child.tag
        if not isinstance(
            tag, str
        ):  # comments and processing instructions are dropped by the parser
            continue
        if "}" in tag:
            tag = tag.rpartition("}")[2]
        tag = ALIASES.get(tag, tag)
        text = child.text
        text = text.strip() if text else ""
        if tag in HEADER_GROUPS and index is None and (len(child) or not text):
            for leaf in child:
                _place(leaf, values, lines, extras, extra_lines, notes, index)
            continue
        if len(child):
            notes.append(StructureNote("nested", tag, text, child.sourceline, index))
        if tag in values:
            extras.append((tag, text))
            extra_lines.append(child.sourceline or 0)
        else:
            values[tag] = text
            lines[tag] = child.sourceline or 0
        tail = child.tail
        if tail and not tail.isspace():
            notes.append(StructureNote("stray_text", tag, tail.strip(), child.sourceline, index))
    return rec


def _place(
    leaf: etree._Element,
    values: dict[str, str],
    lines: dict[str, int],
    extras: list[tuple[str, str]],
    extra_lines: list[int],
    notes: list[StructureNote],
    index: int | None,
) -> None:
    if not isinstance(leaf.tag, str):
        return
    tag = _local(leaf.tag)
    text = (leaf.text or "").strip()
    if len(leaf):
        notes.append(StructureNote("nested", tag, text, leaf.sourceline, index))
    if tag in values:
        extras.append((tag, text))
        extra_lines.append(leaf.sourceline or 0)
    else:
        values[tag] = text
        lines[tag] = leaf.sourceline or 0


def iter_events(source: Source, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Event]:
    """Yield the header, LA-level record, workers and structure notes in file order.

    Raises :class:`ReadError` (with line and column) when the file is not well-formed XML,
    is hostile, or is not a CSWW message at all.
    """
    fh, _name = _open(source, max_bytes)
    try:
        _sniff(fh)
        stream: IO[bytes] = fh
        if not isinstance(source, str | os.PathLike | bytes):
            stream = xmlsafe.bounded(fh, max_bytes, ReadError)
        yield from _events(stream)
    finally:
        if isinstance(source, str | os.PathLike):
            fh.close()


def _events(stream: IO[bytes]) -> Iterator[Event]:
    context = xmlsafe.iterparse(stream, tuple("{*}" + t for t in RECORD_TAGS) + RECORD_TAGS)
    root: etree._Element | None = None
    namespaced = False
    workers = 0
    seen: set[str] = set()
    try:
        for _event, elem in context:
            if root is None:
                root = _checked_root(elem)
                namespaced = "}" in root.tag
            tag = _local(elem.tag)
            if elem.getprevious() is not None:
                yield from _leading_siblings(elem, workers)
            if elem.getparent() is not root:
                yield "note", StructureNote("misplaced", tag, "", elem.sourceline, None)
            notes: list[StructureNote] = []
            if tag in WORKER_TAGS:
                workers += 1
                rec = _worker(elem, notes, workers, namespaced)
                rec.tag = tag
                yield from (("note", note) for note in notes)
                yield "worker", rec
            else:
                yield from _section(elem, tag, notes, seen)
            elem.clear(keep_tail=True)
        if root is None:
            raise _not_a_return(context.root)
        yield from _trailing_unknowns(context.root)
    except etree.XMLSyntaxError as exc:
        raise ReadError(_syntax_message(exc), *xmlsafe.position(exc)) from None


def _checked_root(elem: etree._Element) -> etree._Element:
    """The message element, once the first record is read; refuses a DOCTYPE or a file that
    is not a CSWW message."""
    tree = elem.getroottree()
    if xmlsafe.declares_doctype(tree):
        raise ReadError(DOCTYPE_MESSAGE, 1)
    root = tree.getroot()
    if _local(root.tag) not in MESSAGE_TAGS:
        raise ReadError(
            f"The file's top element is <{_local(root.tag)}>, but a CSWW return starts "
            f"with <{min(MESSAGE_TAGS)}>. Is this the right file?",
            root.sourceline,
        )
    return root


def _section(
    elem: etree._Element, tag: str, notes: list[StructureNote], seen: set[str]
) -> Iterator[Event]:
    """The header or the LA-level record, after its notes (and a note when repeated)."""
    rec = _record(elem, notes, None)
    rec.tag = tag
    yield from (("note", note) for note in notes)
    part = "header" if tag in HEADER_TAGS else "la"
    if part in seen:
        yield "note", StructureNote("duplicate_record", tag, "", elem.sourceline, None)
    seen.add(part)
    if part == "header":
        yield "header", rec
    else:
        yield "la", rec


def _not_a_return(top: etree._Element | None) -> ReadError:
    """Why a well-formed file with no CSWW record in it cannot be read."""
    if top is not None and xmlsafe.declares_doctype(top.getroottree()):
        return ReadError(DOCTYPE_MESSAGE, 1)
    return ReadError(f"No {_PARTS} element was found: this does not look like a CSWW return.")


def _trailing_unknowns(top: etree._Element | None) -> Iterator[Event]:
    """Notes for the message's elements after the last record that are not records."""
    for child in top if top is not None else ():
        if isinstance(child.tag, str) and _local(child.tag) not in RECORD_TAGS:
            yield (
                "note",
                StructureNote(
                    "unknown_record",
                    _local(child.tag),
                    (child.text or "").strip(),
                    child.sourceline,
                    None,
                ),
            )


def _leading_siblings(elem: etree._Element, workers: int) -> Iterator[Event]:
    """Report and free the siblings before ``elem`` (already-processed records or unknowns)."""
    parent = elem.getparent()
    if parent is None:
        return
    while True:
        prev = elem.getprevious()
        if prev is None:
            break
        if isinstance(prev.tag, str) and _local(prev.tag) not in RECORD_TAGS:
            yield (
                "note",
                StructureNote(
                    "unknown_record",
                    _local(prev.tag),
                    (prev.text or "").strip(),
                    prev.sourceline,
                    None,
                ),
            )
        parent.remove(prev)


def _syntax_message(exc: etree.XMLSyntaxError) -> str:
    text = str(exc.msg or exc)
    lowered = text.lower()
    if "premature end" in lowered:
        hint = "The file looks cut short (truncated): re-export it and upload the whole file."
    elif "encoding" in lowered or "utf-8" in lowered or "bytes" in lowered:
        hint = "The file's characters do not match its declared encoding: save it as UTF-8."
    elif "entity" in lowered:
        hint = "The file uses an entity this reader does not expand: write the value out in full."
    else:
        hint = "The file is not well-formed XML: fix it at the place shown."
    return f"{hint} Parser said: {xmlsafe.parser_said(exc)}"


def read(source: Source, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Return:
    """Read a whole return into memory (structure notes are discarded; use ``read_with_notes``)."""
    return read_with_notes(source, max_bytes=max_bytes)[0]


def read_with_notes(
    source: Source, *, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[Return, list[StructureNote]]:
    ret = Return()
    notes: list[StructureNote] = []
    for kind, value in iter_events(source, max_bytes=max_bytes):
        if kind == "worker":
            ret.workers.append(value)  # type: ignore[arg-type]
        elif kind == "header":
            ret.header = value  # type: ignore[assignment]
        elif kind == "la":
            ret.la = value  # type: ignore[assignment]
        else:
            note = value
            assert isinstance(note, StructureNote)
            notes.append(note)
            if note.kind == "unknown_record":
                ret.extras.append((note.element, note.text))
                ret.extra_lines.append(note.line or 0)
    return ret, notes
