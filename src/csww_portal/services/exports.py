"""Files the portal hands out: the return as a workbook, and DfE's chase list and zip.

CSV cells go through the core's ``safe_cell`` and the workbook is the core's template, whose
text cells are typed as text, so nothing a return holds opens as a formula.
"""

from __future__ import annotations

import csv
import functools
import io
import zipfile
from collections.abc import Iterable
from typing import Any

from csww.model import Return
from csww.report.render import safe_cell
from csww.spec import spec_for
from csww.writer import to_bytes


def return_workbook(ret: Return, year: int) -> bytes:
    """The return in the spreadsheet template's layout (text cells never become formulas),
    its guidance worded for the portal (upload it there; no command to run)."""
    from csww.sheets.convert import to_workbook
    from csww.sheets.wording import PORTAL, worded

    with worded(PORTAL):
        book, _placement = to_workbook(ret, spec_for(year))
    return _saved(book)


@functools.cache
def blank_template(year: int) -> bytes:
    """The year's spreadsheet template, empty, its guidance worded for the portal: made once
    per year in each process (a few tens of KB each)."""
    from csww.sheets.template import build_workbook
    from csww.sheets.wording import PORTAL, worded

    with worded(PORTAL):
        book = build_workbook(spec_for(year))[0]
    return _saved(book)


def _saved(book: Any) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def make_workbook_file(xml: bytes, year: int, path: str) -> None:
    """The return (COLLECT XML) as a workbook file at ``path``, written whole or not at all.
    Imports only the core, so a freshly spawned process can run it without Django."""
    import os
    import threading
    from pathlib import Path

    from csww.reader import read_with_notes

    parsed, _notes = read_with_notes(xml)
    data = return_workbook(parsed, year)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.{os.getpid()}.{threading.get_ident()}.part")
    with open(partial, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, target)


def csv_text(header: Iterable[str], rows: Iterable[Iterable[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(list(header))
    for row in rows:
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
    return out.getvalue()


def returns_zip(items: Iterable[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in items:
            zf.writestr(name, data)
    return out.getvalue()


def canonical_xml(ret: Return) -> bytes:
    return to_bytes(ret)
