"""Who reads the spreadsheet reader's messages, and by what name they know the file.

On the command line a message may tell the user to run ``csww template``; in the portal the
user uploaded a file through a web page, so the message names the file as they chose it
(not the temporary copy the reader opened) and points at the portal's own template
download; a workbook the portal hands out says to upload it there, not to run ``csww``.
:func:`read_sheet <csww.sheets.validate.read_sheet>` sets the wording for the length of one
reading.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Wording:
    fresh_template: str = "a fresh template made with 'csww template'"
    year_template: str = "a {year} template made with 'csww template --year {year}'"
    csv_template: str = "Make the files with 'csww template --csv DIR'."
    # The workbook's guidance: what to do once it is filled in.
    after_filling: str = (
        "Then make the XML: csww generate this-file.xlsx -o return.xml, or check it first "
        "with csww validate this-file.xlsx."
    )
    name: str | None = None  # the file's name as the user knows it


COMMAND_LINE = Wording()
PORTAL = Wording(
    fresh_template="a fresh copy of this year's template (download it from the upload page)",
    year_template="this collection's template for {year} (download it from the upload page)",
    csv_template="Download this year's template from the upload page and save its sheets as CSV.",
    after_filling="Then upload this workbook on the portal's upload page, where it is checked.",
)

_WORDING: ContextVar[Wording] = ContextVar("csww_sheet_wording", default=COMMAND_LINE)


def wording() -> Wording:
    return _WORDING.get()


def shown(path: Path) -> str:
    """The file's name in a message: the user's name for it when one was given."""
    return wording().name or path.name


@contextmanager
def worded(base: Wording, name: str | None = None) -> Iterator[Wording]:
    chosen = replace(base, name=Path(name).name if name else None)
    token = _WORDING.set(chosen)
    try:
        yield chosen
    finally:
        _WORDING.reset(token)
