"""Files the portal hands out: the return as a workbook, and DfE's chase list and zip.

Every text cell goes through the core's ``safe_cell`` so nothing opens as a formula.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable

from openpyxl import Workbook

from csww.model import Return
from csww.report.render import safe_cell
from csww.spec import spec_for
from csww.writer import to_bytes


def return_workbook(ret: Return, year: int) -> bytes:
    """The return as an .xlsx: one row per worker, one column per item, and the LA level."""
    try:
        from csww.sheets import write as sheets_write  # type: ignore[attr-defined]
    except ImportError:
        sheets_write = None
    if sheets_write is not None and hasattr(sheets_write, "to_xlsx_bytes"):
        return sheets_write.to_xlsx_bytes(ret, year=year)  # type: ignore[no-any-return]
    spec = spec_for(year)[0]
    book = Workbook(write_only=True)
    workers = book.create_sheet("Workers")
    columns = list(spec.worker)
    workers.append(columns)
    for worker in ret.workers:
        workers.append([safe_cell(worker.values.get(c, "")) for c in columns])
    la = book.create_sheet("LA level")
    la.append(["Item", "Value"])
    for element in spec.la:
        la.append([element, safe_cell(ret.la.values.get(element, "") if ret.la else "")])
    header = book.create_sheet("Header")
    header.append(["Item", "Value"])
    for element, value in ret.header.values.items():
        header.append([element, safe_cell(value)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


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
