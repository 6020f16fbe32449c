"""Hostile files for the limits tests, and a child process that measures what checking one
costs (peak memory and time), so the measurement is the check's alone.

Run as ``python -m tests.portal.hostile KIND PATH`` it reads PATH as an upload to LA 301 and
prints one JSON line: the outcome, the message, the peak resident memory and the seconds.
"""

from __future__ import annotations

import io
import json
import os
import resource
import sys
import time
import zipfile
from pathlib import Path

from csww.sheets.convert import to_workbook
from tests.factories import make_return

BLOCK = 1024 * 1024


def workbook_bytes() -> bytes:
    book, _ = to_workbook(make_return(year=2018, lea="301"))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rebuild(sheet_writer: object, member: str = "xl/worksheets/sheet4.xml") -> bytes:
    """A real workbook with one member replaced by what ``sheet_writer(fh)`` writes."""
    source = zipfile.ZipFile(io.BytesIO(workbook_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in source.infolist():
            if info.filename == member:
                with zf.open(member, "w", force_zip64=True) as fh:
                    sheet_writer(fh)  # type: ignore[operator]
            else:
                zf.writestr(info, source.read(info))
    return out.getvalue()


def inflating_workbook(megabytes: int) -> bytes:
    """A workbook whose worker sheet inflates to ``megabytes`` MB of blanks (about 1,000:1)."""

    def write(fh: io.BufferedIOBase) -> None:
        fh.write(b'<?xml version="1.0"?><worksheet><sheetData>')
        blank = b" " * BLOCK
        for _ in range(megabytes):
            fh.write(blank)
        fh.write(b"</sheetData></worksheet>")

    return _rebuild(write)


def row_flood_workbook(rows: int) -> bytes:
    """A workbook whose worker sheet holds ``rows`` empty rows: small, and under the zip
    limits, but far more records than any return."""

    def write(fh: io.BufferedIOBase) -> None:
        fh.write(b'<?xml version="1.0"?><worksheet><sheetData>')
        for start in range(1, rows + 1, 10_000):
            stop = min(rows, start + 9_999)
            fh.write(b"".join(b'<row r="%d"/>' % n for n in range(start, stop + 1)))
        fh.write(b"</sheetData></worksheet>")

    return _rebuild(write)


def empty_record_flood(records: int) -> bytes:
    """An XML return of ``records`` empty worker records (12 bytes each)."""
    head = (
        b'<?xml version="1.0" encoding="UTF-8"?><Message><Header><CollectionDetails>'
        b"<Collection>CSWW</Collection><Year>2018</Year><ReferenceDate>2018-09-30"
        b"</ReferenceDate></CollectionDetails><Source><SourceLevel>L</SourceLevel><LEA>301</LEA>"
        b"<SoftwareCode>x</SoftwareCode><Release>1</Release><SerialNo>1</SerialNo>"
        b"<DateTime>2018-10-01T00:00:00</DateTime></Source></Header>"
    )
    return head + b"<CSWWWorker/>" * records + b"</Message>"


def _peak_kb() -> int:
    """This process's own peak resident memory. Linux's VmHWM belongs to the process's memory
    since it started this program; ``ru_maxrss`` would also count the peak of the (large)
    test process it was forked from."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _measure(path: str) -> dict[str, object]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csww_portal.settings")
    os.environ.setdefault("CSWW_PORTAL_EPHEMERAL_KEY", "1")
    import django

    django.setup()
    from csww_portal.models import Collection, LAReturn, LocalAuthority
    from csww_portal.services.versions import examine

    data = Path(path).read_bytes()
    ret = LAReturn(collection=Collection(year=2018), la=LocalAuthority(code="301"))
    before = _peak_kb()
    start = time.perf_counter()
    found = examine(ret, Path(path).name, data)
    seconds = time.perf_counter() - start
    peak = _peak_kb()
    return {
        "outcome": str(found.outcome),
        "message": found.problem,
        "keep_bytes": found.keep_bytes,
        "seconds": round(seconds, 3),
        "baseline_mb": round(before / 1024, 1),
        "peak_mb": round(peak / 1024, 1),
        "growth_mb": round((peak - before) / 1024, 1),
    }


if __name__ == "__main__":
    print(json.dumps(_measure(sys.argv[1])))
