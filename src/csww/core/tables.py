"""A return as typed tables: one Polars frame per kind of record, keyed to its parent.

Every frame carries three bookkeeping columns beside its items:

* ``_row``  (Int64): the record's 0-based position in its table, in file order;
* ``_line`` (Int64, null when not known): the line of the file the record starts on;
* ``_cell`` (String, null when not from a spreadsheet): the cell or place, e.g. ``'Episodes'!D7``.

A child table (a 903 child's episodes) carries its parent's key column (``CHILD``), so a
rule over "a child's ordered episodes" is a window expression ``over("CHILD")``.
Item columns are named after the return's own element names; a collection chooses whether
they hold raw text (``String``) or typed values, and says so in its reader.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import polars as pl

ROW = "_row"
LINE = "_line"
CELL = "_cell"
# Optional columns a rule's check may add to the rows it returns.
ITEM = "_item"  # which item the issue is about (else the rule's first item)
VALUE = "_value"  # the value to show (else the row's text of that item)
MESSAGE = "_message"  # a message for this row (else the rule's message)

BOOKKEEPING = (ROW, LINE, CELL)


def with_bookkeeping(
    frame: pl.DataFrame,
    lines: list[int | None] | None = None,
    cells: list[str | None] | None = None,
) -> pl.DataFrame:
    """Add ``_row`` (and ``_line``/``_cell`` when given, else nulls) to a frame of items."""
    n = frame.height
    extra = [
        pl.Series(ROW, range(n), dtype=pl.Int64),
        pl.Series(LINE, lines if lines is not None else [None] * n, dtype=pl.Int64),
        pl.Series(CELL, cells if cells is not None else [None] * n, dtype=pl.String),
    ]
    return frame.with_columns(extra)


@dataclass(frozen=True)
class Tables(Mapping[str, pl.DataFrame]):
    """The tables of one return, by name; a table the return lacks is an empty frame."""

    frames: Mapping[str, pl.DataFrame] = field(default_factory=dict)

    def __getitem__(self, name: str) -> pl.DataFrame:
        return self.frames[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.frames)

    def __len__(self) -> int:
        return len(self.frames)

    def rows(self) -> int:
        """Records in every table together."""
        return sum(f.height for f in self.frames.values())

    def estimated_bytes(self) -> int:
        """Memory the tables hold (Polars' own estimate)."""
        return sum(int(f.estimated_size()) for f in self.frames.values())
