"""What reading a 903 return gives: its tables, or why it could not be read, and notes on
anything in its structure the tables could not hold."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from csww.core import Tables

Format = Literal["xml", "csv", "workbook"]
NoteKind = Literal[
    "unknown_element",
    "unknown_column",
    "missing_column",
    "duplicate_element",
    "stray_text",
    "nested",
    "unrecognised_file",
    "repeated_table",
    "uasc_flag",
    "encoding",
    "ragged_row",
    "ignored_sheet",
    "missing_element",
]


@dataclass(frozen=True, slots=True)
class StructureNote:
    """Something in the file's structure that does not fit the 903's tables.

    ``text`` is the content found (never shown in logs: it may be personal data); ``place``
    is the file or sheet, ``line`` the line in it. The check turns each note into an issue.
    """

    kind: NoteKind
    element: str
    text: str
    place: str | None
    line: int | None
    table: str | None = None

    def describe(self) -> str:
        where = f"{self.place}" if self.place else "the file"
        if self.line:
            where += f", line {self.line}"
        what = {
            "unknown_element": f"<{self.element}> is not an element of the 903",
            "unknown_column": f"column {self.element!r} is not a column of the {self.table} table",
            "missing_column": f"the {self.table} table has no column {self.element!r}",
            "duplicate_element": f"<{self.element}> is given twice; the first was kept",
            "stray_text": f"text outside any item, next to <{self.element}>",
            "nested": f"<{self.element}> holds elements of its own",
            "unrecognised_file": "its columns match none of the 903's tables",
            "repeated_table": f"a second file or sheet holds the {self.table} table; its rows "
            "were added after the first's",
            "uasc_flag": f"the UASC flag holds {self.element!r}, not 0 or 1",
            "encoding": "the file is not UTF-8; it was read as Windows-1252",
            "ragged_row": "the row has more cells than the heading row",
            "ignored_sheet": "the sheet is not one of the 903's tables",
            "missing_element": f"a CHILD has no <{self.element}>",
        }[self.kind]
        return f"{where}: {what}."


@dataclass(frozen=True, slots=True)
class ReadFailure:
    """Why a return could not be read, in words for the person who sent it."""

    message: str
    place: str | None = None
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = []
        if self.place:
            where.append(self.place)
        if self.line:
            where.append(f"line {self.line}")
        if self.column:
            where.append(f"column {self.column}")
        return f"{self.message} ({', '.join(where)})" if where else self.message


@dataclass
class ReadResult:
    tables: Tables | None
    failure: ReadFailure | None = None
    notes: list[StructureNote] = field(default_factory=list)
    format: Format | None = None
    sources: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.tables is not None


class ClaReadError(Exception):
    """Raised inside the readers; :func:`read_return` turns it into a :class:`ReadFailure`."""

    def __init__(
        self,
        message: str,
        place: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.failure = ReadFailure(message, place, line, column)
