"""A lean reader for statistics: the values of each record, nothing else.

The core reader (:mod:`csww.reader`) keeps everything a validator needs: line numbers,
repeated and unknown elements, structure notes. Statistics need only each record's values,
so this reader takes the same safe parser settings (:mod:`csww.xmlsafe`: no DTD, no
entities, no network, and a DOCTYPE refused), keeps the first occurrence of each element
with surrounding whitespace removed and the same aliases as the core reader, and drops the
rest. Like the core
reader it refuses any DOCTYPE, checked on the parsed document rather than by sniffing bytes. It reads a
national year of returns about three times faster. Anything it cannot read is left to the
core reader, which explains the problem (see :func:`records`); a test checks that both
readers give the same values.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from lxml import etree

from csww import xmlsafe
from csww.model import Record
from csww.reader import ALIASES, HEADER_TAGS, LA_TAGS, WORKER_TAGS, ReadError, iter_events

Kind = Literal["header", "la", "worker"]
# Every name each part has had in any year (the specification says which year uses which).
TAGS = tuple("{*}" + t for t in sorted(WORKER_TAGS | HEADER_TAGS | LA_TAGS))


def _local(tag: object) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _values(elem: etree._Element) -> dict[str, str]:
    """First occurrence of each child element's text, stripped (comments are already gone)."""
    values: dict[str, str] = {}
    for child in elem:
        name = child.tag
        if "}" in name:  # a namespace, which CSWW returns do not use
            name = name.rpartition("}")[2]
        if name in ALIASES:
            name = ALIASES[name]
        if name not in values:
            text = child.text
            values[name] = text.strip() if text else ""
    return values


def _header(elem: etree._Element) -> dict[str, str]:
    """Header items, whether inside CollectionDetails and Source or directly in Header."""
    values: dict[str, str] = {}
    for child in elem:
        found = _values(child) if len(child) else {_local(child.tag): (child.text or "").strip()}
        for name, text in found.items():
            values.setdefault(name, text)
    return values


def _elements(path: Path) -> Iterator[tuple[str, etree._Element]]:
    """Each record element (its local name and the element), freed once the caller moves on."""
    context = xmlsafe.iterparse(str(path), TAGS)
    checked = False
    for _event, elem in context:
        if not checked:
            if xmlsafe.declares_doctype(elem.getroottree()):
                raise ReadError("The file declares a DOCTYPE, which CSWW returns never need.")
            checked = True
        yield _local(elem.tag), elem
        elem.clear()
        parent = elem.getparent()
        if parent is not None:
            while elem.getprevious() is not None:
                del parent[0]
    if not checked:
        raise ReadError("No CSWW record found.")  # the core reader explains what is wrong


def _fast(path: Path) -> Iterator[tuple[Kind, Record]]:
    for name, elem in _elements(path):
        if name in WORKER_TAGS:
            yield "worker", Record(values=_values(elem))
        elif name in HEADER_TAGS:
            yield "header", Record(values=_header(elem))
        else:
            yield "la", Record(values=_values(elem), tag=name)


Columns = dict[str, list[str | None]]


def worker_columns(path: str | Path) -> tuple[dict[str, str], Columns, int]:
    """The header's values and the workers' values as columns (element -> one text or
    ``None`` per worker, the first occurrence of each element, as :func:`records` keeps),
    and the number of workers: no dict per record. A file the lean reader cannot read is
    read by :func:`records`, which explains the problem."""
    path = Path(path)
    header: dict[str, str] = {}
    columns: Columns = {}
    n = 0
    try:
        for name, elem in _elements(path):
            if name in WORKER_TAGS:
                _add_worker(elem, columns, n)
                n += 1
            elif name in HEADER_TAGS:
                header = _header(elem)
    except (etree.XMLSyntaxError, ReadError, OSError):
        header, columns, n = {}, {}, 0
        for kind, rec in records(path):
            if kind == "header":
                header = rec.values
            elif kind == "worker":
                add_values(rec.values, columns, n)
                n += 1
    for column in columns.values():
        column.extend([None] * (n - len(column)))
    return header, columns, n


@dataclass(frozen=True, slots=True)
class ReturnColumns:
    """A return for statistics: its header's values (the first header's), its LA level's
    (the last LA-level record's; ``None`` when it has none), and its workers' values as
    columns (as :func:`worker_columns` gives them)."""

    header: dict[str, str]
    la: dict[str, str] | None
    columns: Columns
    n: int


def return_columns(path: str | Path) -> ReturnColumns:
    """Read a return's header, LA level and workers in one pass; a file the lean reader
    cannot read is read by :func:`records`, which explains the problem."""
    path = Path(path)
    header: dict[str, str] | None = None
    la: dict[str, str] | None = None
    columns: Columns = {}
    n = 0
    try:
        for name, elem in _elements(path):
            if name in WORKER_TAGS:
                _add_worker(elem, columns, n)
                n += 1
            elif name in HEADER_TAGS:
                header = _header(elem) if header is None else header
            else:
                la = _values(elem)
    except (etree.XMLSyntaxError, ReadError, OSError):
        header, la, columns, n = None, None, {}, 0
        for kind, rec in records(path):
            if kind == "header":
                header = rec.values if header is None else header
            elif kind == "la":
                la = rec.values
            else:
                add_values(rec.values, columns, n)
                n += 1
    for column in columns.values():
        column.extend([None] * (n - len(column)))
    return ReturnColumns(header or {}, la, columns, n)


def add_values(values: dict[str, str], columns: Columns, n: int) -> None:
    """Append worker ``n``'s values (a record's dict) to the columns."""
    for element, text in values.items():
        column = columns.setdefault(element, [])
        column.extend([None] * (n - len(column)))
        column.append(text)


_NAMES: dict[str, str] = {}  # an element's tag as written -> its name (no namespace, no alias)


def _name(tag: str) -> str:
    name = tag.rpartition("}")[2] if "}" in tag else tag  # CSWW returns use no namespace
    return ALIASES.get(name, name)


def _add_worker(elem: etree._Element, columns: Columns, n: int) -> None:
    """Append worker ``n``'s values to the columns (as :func:`_values` reads them)."""
    names = _NAMES
    for child in elem:
        tag = child.tag
        name = names.get(tag)
        if name is None:
            name = names[tag] = _name(tag)
        column = columns.get(name)
        if column is None:
            column = columns[name] = [None] * n
        elif len(column) != n:
            if len(column) > n:  # a repeat within this worker: the first occurrence is kept
                continue
            column.extend([None] * (n - len(column)))
        text = child.text
        column.append(text.strip() if text else "")


def records(path: str | Path) -> Iterator[tuple[Kind, Record]]:
    """Header, LA-level and worker records of an XML return, in document order.

    Falls back to the core reader when the lean one cannot read the file, so the error (a
    :class:`~csww.reader.ReadError`) says what is wrong and where, exactly as ``csww
    validate`` would.
    """
    path = Path(path)
    emitted = 0
    try:
        for item in _fast(path):
            emitted += 1
            yield item
        return
    except (etree.XMLSyntaxError, ReadError, OSError):
        if emitted:
            raise ReadError(
                f"{path.name} cannot be read as XML part-way through: run 'csww validate' on it."
            ) from None
    for kind, value in iter_events(path):
        if kind != "note":
            yield kind, value  # type: ignore[misc]
