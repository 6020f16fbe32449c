"""Write a return as COLLECT XML, items in the specification's order.

Known items come first in schema order; elements the specification does not know and
repeated occurrences follow, so a return read from a file and written again loses nothing.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import IO

from lxml import etree

from csww.model import Record, Return
from csww.spec import Spec, UnknownYear, spec_for


def complete_header(
    ret: Return, spec: Spec, lea: str | None = None, now: datetime | None = None
) -> None:
    """Fill the header items COLLECT expects, keeping any the return already has."""
    values = ret.header.values
    defaults = {
        "Collection": spec.collection,
        "Year": str(spec.year),
        "ReferenceDate": spec.reference_date.isoformat(),
        "SourceLevel": spec.source_level,
        "SoftwareCode": f"csww {_version()}",
        "DateTime": (now or datetime.now()).replace(microsecond=0).isoformat(),
    }
    if lea:
        defaults["LEA"] = lea
    for key, value in defaults.items():
        if not values.get(key):
            values[key] = value


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("csww")
    except PackageNotFoundError:
        return "dev"


def _beside(rec: Record, order: tuple[str, ...] | list[str], repeatable: frozenset[str]) -> int:
    """How many of the record's leading extras sit beside their first occurrence: repeats of
    repeatable items, in schema order. Reading the file back gives the same extras in the
    same order, so a return still round-trips exactly."""
    rank = {name: i for i, name in enumerate(order)}
    last, n = -1, 0
    for name, _text in rec.extras:
        at = rank.get(name, -1)
        if name not in repeatable or name not in rec.values or at < last:
            break
        last, n = at, n + 1
    return n


def _leaves(
    parent: etree._Element,
    rec: Record,
    order: tuple[str, ...] | list[str],
    done: set[str],
    repeatable: frozenset[str] = frozenset(),
) -> int:
    beside = _beside(rec, order, repeatable) if repeatable and rec.extras else 0
    for name in order:
        if name in rec.values and name not in done:
            etree.SubElement(parent, name).text = rec.values[name]
            done.add(name)
            if name in repeatable:  # later occurrences sit beside the first, in schema order
                for extra, text in rec.extras[:beside]:
                    if extra == name:
                        etree.SubElement(parent, name).text = text
    return beside


def _rest(parent: etree._Element, rec: Record, done: set[str], beside: int = 0) -> None:
    for name, text in rec.values.items():
        if name not in done:
            etree.SubElement(parent, name).text = text
    for name, text in rec.extras[beside:]:
        etree.SubElement(parent, name).text = text


def spec_of(ret: Return) -> Spec:
    """The specification whose layout a return is written in: its own year's, or the
    latest when the return gives no year csww knows (writing never checks anything)."""
    try:
        return spec_for(ret.year)
    except UnknownYear:
        return spec_for(None)


def to_element(ret: Return, spec: Spec | None = None) -> etree._Element:
    spec = spec or spec_of(ret)
    sections = spec.sections
    message = etree.Element(sections.message)
    header = etree.SubElement(message, sections.header)
    done: set[str] = set()
    for group in sections.header_groups:
        names = [e for e, i in spec.header.items() if i.group == group]
        _leaves(etree.SubElement(header, group), ret.header, names, done)
    _rest(header, ret.header, done)
    if ret.la is not None:
        la = etree.SubElement(message, sections.la)
        done = set()
        _leaves(la, ret.la, list(spec.la), done)
        _rest(la, ret.la, done)
    order = list(spec.worker)
    repeatable = frozenset(e for e, i in spec.worker.items() if i.repeatable)
    for worker in ret.workers:
        el = etree.SubElement(message, sections.worker)
        done = set()
        beside = _leaves(el, worker, order, done, repeatable)
        _rest(el, worker, done, beside)
    for name, text in ret.extras:
        etree.SubElement(message, name).text = text
    return message


def to_bytes(ret: Return, spec: Spec | None = None) -> bytes:
    return bytes(
        etree.tostring(
            to_element(ret, spec), xml_declaration=True, encoding="UTF-8", pretty_print=True
        )
    )


def write(
    ret: Return, target: str | os.PathLike[str] | IO[bytes], spec: Spec | None = None
) -> None:
    data = to_bytes(ret, spec)
    if isinstance(target, str | os.PathLike):
        Path(target).write_bytes(data)
    else:
        target.write(data)
