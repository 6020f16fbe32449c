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
from csww.spec import Spec, spec_for

COLLECTION_DETAILS = ("Collection", "Year", "ReferenceDate")
SOURCE = ("SourceLevel", "LEA", "SoftwareCode", "DateTime")


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


def _leaves(
    parent: etree._Element, rec: Record, order: tuple[str, ...] | list[str], done: set[str]
) -> None:
    for name in order:
        if name in rec.values and name not in done:
            etree.SubElement(parent, name).text = rec.values[name]
            done.add(name)


def _rest(parent: etree._Element, rec: Record, done: set[str]) -> None:
    for name, text in rec.values.items():
        if name not in done:
            etree.SubElement(parent, name).text = text
    for name, text in rec.extras:
        etree.SubElement(parent, name).text = text


def to_element(ret: Return, spec: Spec | None = None) -> etree._Element:
    spec = spec or spec_for(ret.year)[0]
    message = etree.Element("Message")
    header = etree.SubElement(message, "Header")
    done: set[str] = set()
    _leaves(etree.SubElement(header, "CollectionDetails"), ret.header, COLLECTION_DETAILS, done)
    _leaves(etree.SubElement(header, "Source"), ret.header, SOURCE, done)
    _rest(header, ret.header, done)
    if ret.la is not None:
        la = etree.SubElement(message, "LALevelVacancies")
        done = set()
        _leaves(la, ret.la, list(spec.la), done)
        _rest(la, ret.la, done)
    order = list(spec.worker)
    for worker in ret.workers:
        el = etree.SubElement(message, "CSWWWorker")
        done = set()
        _leaves(el, worker, order, done)
        _rest(el, worker, done)
    for name, text in ret.extras:
        etree.SubElement(message, name).text = text
    return message


def to_bytes(ret: Return, spec: Spec | None = None) -> bytes:
    return etree.tostring(
        to_element(ret, spec), xml_declaration=True, encoding="UTF-8", pretty_print=True
    )


def write(
    ret: Return, target: str | os.PathLike[str] | IO[bytes], spec: Spec | None = None
) -> None:
    data = to_bytes(ret, spec)
    if isinstance(target, str | os.PathLike):
        Path(target).write_bytes(data)
    else:
        target.write(data)
