"""Refusing a zip bomb before anything is inflated: an .xlsx workbook is a zip archive, and
a small archive can hold members that inflate a thousand times over.

Only the archive's central directory is read. Python's ``zipfile`` never inflates a member
past the size its directory entry declares, so checking the declared sizes bounds what any
later reading (openpyxl, ``testzip``) can inflate.

The limits, with the figures they rest on (measured with the template ``csww`` writes):

* ``MAX_UNCOMPRESSED`` 64 MiB for the whole archive: a 20,000-worker workbook (ten times the
  largest LA's return) inflates to 15 MB, and a 2,000-worker one to 1.6 MB.
* ``MAX_RATIO`` 100:1 for any member over 1 MiB: the template's worker sheet inflates about
  11:1; the 4 MB workbook that inflates to 4 GB is 1,000:1. (Apache POI's zip-bomb guard uses
  the same 100:1.) Small members are not checked, as a tiny XML part can compress very well.
* ``MAX_MEMBERS`` 10,000 parts: a workbook has a few dozen.
"""

from __future__ import annotations

import zipfile

MAX_UNCOMPRESSED = 64 * 1024 * 1024
MAX_RATIO = 100
RATIO_FROM = 1024 * 1024
MAX_MEMBERS = 10_000


class ZipBomb(ValueError):
    """The archive would inflate beyond the limits; ``message`` says so and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB"


def check_archive(
    zf: zipfile.ZipFile,
    name: str,
    *,
    max_uncompressed: int = MAX_UNCOMPRESSED,
    max_ratio: int = MAX_RATIO,
) -> None:
    """Raise :class:`ZipBomb` when ``zf`` declares more than the limits allow."""
    members = zf.infolist()
    if len(members) > MAX_MEMBERS:
        raise ZipBomb(
            f"{name} holds {len(members):,} parts; a workbook has a few dozen. It is not a "
            "return workbook: save the return again from Excel or LibreOffice as .xlsx."
        )
    total = sum(m.file_size for m in members)
    if total > max_uncompressed:
        raise ZipBomb(
            f"{name} would unpack to {_mb(total)}, more than the {_mb(max_uncompressed)} a "
            "return workbook can be (20,000 workers take about 15 MB). Remove anything that is "
            "not the return (other sheets, pictures, thousands of empty formatted rows) and "
            "save it again, or send the return as XML."
        )
    for m in members:
        if m.file_size > RATIO_FROM and m.file_size > max_ratio * max(m.compress_size, 1):
            raise ZipBomb(
                f"{name} has a part ({m.filename}) that unpacks to {_mb(m.file_size)} from "
                f"{m.compress_size:,} bytes, more than {max_ratio} times its packed size: a "
                "workbook of data does not compress like that. Save the return again from "
                "Excel or LibreOffice as .xlsx, or send it as XML."
            )
