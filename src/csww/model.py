"""A return as read: header, LA-level figures and worker records, values kept as written.

Values are kept as the text the LA supplied (surrounding whitespace removed, as XML Schema
does for these simple types). Nothing is coerced on reading: typing a value is a rule's job,
so a bad value is reported, never silently blanked or rounded. Source locations (line, or
spreadsheet cell) are kept beside the values but take no part in equality, so
``read(write(r)) == r`` holds exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Category = Literal["inpost", "leaver", "agency"]


@dataclass(slots=True)
class Record:
    """One group of items: the header, the LA-level figures or one worker.

    ``values`` holds the first occurrence of every element, known or not; a repeated
    element's later occurrences go to ``extras`` in document order, so nothing is lost.
    """

    values: dict[str, str] = field(default_factory=dict)
    extras: list[tuple[str, str]] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict, compare=False)
    extra_lines: list[int] = field(default_factory=list, compare=False)
    cells: dict[str, str] = field(default_factory=dict, compare=False)
    line: int | None = field(default=None, compare=False)
    cell: str | None = field(default=None, compare=False)
    tag: str | None = field(default=None, compare=False)

    def get(self, element: str) -> str | None:
        return self.values.get(element)

    def location(self, element: str | None) -> tuple[int | None, str | None]:
        """Line and cell where ``element`` (or the record itself) was read."""
        if element is None:
            return self.line, self.cell
        return self.lines.get(element, self.line), self.cells.get(element, self.cell)


def category_of(worker: Record) -> Category:
    """The guide's three categories: agency worker, leaver (has a leaving date) or in post."""
    if worker.values.get("AgencyWorker") == "1":
        return "agency"
    if worker.values.get("RoleEndDate"):
        return "leaver"
    return "inpost"


@dataclass(slots=True)
class Return:
    """A whole CSWW return for one LA and one collection year."""

    header: Record = field(default_factory=Record)
    la: Record | None = None
    workers: list[Record] = field(default_factory=list)
    extras: list[tuple[str, str]] = field(default_factory=list)
    extra_lines: list[int] = field(default_factory=list, compare=False)
    # Where the worker records start in a spreadsheet (``Workers!A4``): the place of an
    # issue about the worker records as a whole.
    workers_cell: str | None = field(default=None, compare=False)

    @property
    def year(self) -> int | None:
        text = self.header.values.get("Year", "")
        return int(text) if len(text) == 4 and text.isascii() and text.isdigit() else None

    @property
    def lea(self) -> str | None:
        return self.header.values.get("LEA")
