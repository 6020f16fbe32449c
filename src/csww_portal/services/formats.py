"""Telling an uploaded file's kind from its content, and reading it with the core.

The kind comes from the bytes (magic numbers), never from the name alone: XML starts with
``<`` (after an optional byte-order mark and white space), an .xlsx is a zip holding
``xl/workbook.xml``, and CSV is text without NUL bytes. A name that claims another kind (as
the core's front door reads names, :func:`csww.inputs.claimed_kind`) is refused, so a renamed
file cannot slip past.
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from csww.inputs import Kind, claimed_kind
from csww.model import Return
from csww.reader import ReadError, StructureNote, read_with_notes
from csww.report.model import Issue
from csww.sheets.zipguard import ZipBomb, check_archive
from csww_portal.services import wording

LABELS = {"xml": "XML", "xlsx": "Excel workbook (.xlsx)", "csv": "CSV"}


class Refused(Exception):
    """The file is not something the portal accepts; ``message`` says what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class OverLimit(Refused):
    """The file is beyond a limit: refused before any work, and its bytes are not kept."""


WORKER_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?CSWWWorker[\s/>]")
SHEET_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
# Header rows, the LA-level sheet and the header sheet, on top of the worker rows.
ROW_ALLOWANCE = 1_000


def check_limits(data: bytes, kind: Kind, filename: str) -> None:
    """Count the worker records (or rows) cheaply, before the file is read or checked."""
    cap = settings.CSWW_MAX_WORKERS
    name = Path(filename).name
    if kind == "xml":
        count = sum(1 for _ in WORKER_TAG.finditer(data))  # no list of 400,000 matches
    elif kind == "csv":
        count = data.count(b"\n") - 1
    else:
        count = _sheet_rows(data, name, cap + ROW_ALLOWANCE) - ROW_ALLOWANCE
    if count > cap:
        raise OverLimit(
            f"{name} has more than {wording.count(cap, 'worker record')} (it has {count:,}"
            f"{' or more' if kind == 'xlsx' else ''}). A return holds one record per worker, "
            f"and the largest local authority has fewer than 2,000. Check you chose the right "
            "file, and remove empty records or rows."
        )


def _sheet_rows(data: bytes, name: str, stop: int) -> int:
    """Rows in the workbook's sheets, counted while inflating them in pieces (after the zip
    guard has bounded how much there is), stopping once there are more than ``stop``."""
    count = 0
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        try:
            check_archive(zf, name)
        except ZipBomb as exc:
            raise OverLimit(exc.message) from None
        for info in zf.infolist():
            if not info.filename.startswith("xl/worksheets/"):
                continue
            tail = b""
            try:
                with zf.open(info) as fh:
                    while chunk := fh.read(1024 * 1024):
                        piece = tail + chunk
                        count += sum(1 for _ in SHEET_ROW.finditer(piece))
                        # The last bytes are read again with the next piece (a tag may be cut
                        # there), so what they hold is counted with that piece instead.
                        tail = piece[-16:]
                        count -= len(SHEET_ROW.findall(tail))
                        if count > stop:
                            return count
            except (zipfile.BadZipFile, OSError, EOFError, ValueError):
                return count  # the core reports the damage with its own message
    return count


UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
DECLARED = re.compile(rb"""^(<\?xml[^>]*?encoding\s*=\s*)(["'])[^"']*\2""")


def as_utf8(data: bytes) -> bytes:
    """A UTF-16 text file (with its byte-order mark, as Windows tools save "Unicode" text)
    as UTF-8, with its XML declaration saying so; any other file unchanged. The upload is
    kept as it came; the check reads this copy."""
    if not data.startswith(UTF16_BOMS):
        return data
    try:
        text = data.decode("utf-16")
    except UnicodeDecodeError:
        return data
    return DECLARED.sub(rb"\1\2UTF-8\2", text.encode("utf-8"), count=1)


def sniff(data: bytes, filename: str) -> Kind:
    if not data.strip():
        raise Refused("The selected file is empty.")
    claimed = claimed_kind(filename)
    kind = _by_content(data)
    if claimed is None:
        raise Refused("The selected file must be XML, an Excel workbook (.xlsx) or CSV.")
    if kind != claimed:
        raise Refused(
            f"The file is called {Path(filename).name} but its content is {LABELS[kind]}, "
            f"not {LABELS[claimed]}. Check you chose the right file."
        )
    return kind


def _by_content(data: bytes) -> Kind:
    head = data[:8]
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile:
            raise Refused("The file looks like a zip archive but is damaged.") from None
        if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
            return "xlsx"
        raise Refused("The file is a zip archive, not an Excel workbook or XML return.")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise Refused(
            "This is an old Excel .xls file. Save it as .xlsx (Excel workbook) and upload that."
        )
    if head.startswith(b"%PDF"):
        raise Refused("The file is a PDF. Upload the return as XML, .xlsx or CSV.")
    text = data[:4096]
    if b"\x00" in text:
        if b"<\x00" in text or b"\x00<" in text:
            raise Refused(
                "The file looks like XML saved as UTF-16 text without its byte-order mark. "
                "Save it as UTF-8 (in Notepad: Save as, Encoding UTF-8) and upload it again."
            )
        raise Refused("The file is not text, XML or an Excel workbook.")
    stripped = text.lstrip(b"\xef\xbb\xbf").lstrip()
    if stripped.startswith(b"<"):
        return "xml"
    return "csv"


@dataclass
class Loaded:
    """A file read by the core: the return, structure notes, and issues met reading cells."""

    ret: Return
    notes: list[StructureNote] = field(default_factory=list)
    cell_issues: list[Issue] = field(default_factory=list)


def read_upload(data: bytes, kind: Kind, year: int, filename: str = "") -> Loaded:
    """Read a file into a return with the core; raises ReadError when it cannot be read."""
    if kind == "xml":
        ret, notes = read_with_notes(data)
        return Loaded(ret, notes)
    return _read_sheet(data, kind, year, filename)


def _read_sheet(data: bytes, kind: Kind, year: int, filename: str) -> Loaded:
    from csww.sheets.rows import SheetError
    from csww.sheets.validate import read_sheet

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"return.{kind}"
        path.write_bytes(data)
        try:
            result = read_sheet(path, year=year, name=filename or None, portal=True)
        except SheetError as exc:
            raise ReadError(exc.message) from None
    return Loaded(result.ret, [], list(result.issues))
