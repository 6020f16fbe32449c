"""Rows gathered by a reader, made into the 903's tables (raw text, file order)."""

from __future__ import annotations

import polars as pl

from csww.cla.read.layout import TABLE_NAMES, layout
from csww.core import Tables
from csww.core.tables import with_bookkeeping


def clean(text: str | None) -> str | None:
    """An item as the return wrote it: whitespace stripped, null when absent or empty."""
    if text is None:
        return None
    text = text.strip()
    return text or None


class TableBuilder:
    """Collects rows table by table, then builds every table (empty ones too)."""

    def __init__(self) -> None:
        self._cols: dict[str, dict[str, list[str | None]]] = {}
        self._lines: dict[str, list[int | None]] = {}
        self._cells: dict[str, list[str | None]] = {}
        for t in layout().tables:
            self._cols[t.name] = {c: [] for c in t.columns}
            self._lines[t.name] = []
            self._cells[t.name] = []

    def add(
        self,
        table: str,
        values: dict[str, str | None],
        *,
        line: int | None = None,
        cell: str | None = None,
    ) -> None:
        cols = self._cols[table]
        for name, column in cols.items():
            column.append(clean(values.get(name)))
        self._lines[table].append(line)
        self._cells[table].append(cell)

    def count(self, table: str) -> int:
        return len(self._lines[table])

    def build(self) -> Tables:
        frames = {}
        for name in TABLE_NAMES:
            cols = self._cols[name]
            frame = pl.DataFrame({c: pl.Series(c, v, dtype=pl.String) for c, v in cols.items()})
            frames[name] = with_bookkeeping(frame, self._lines[name], self._cells[name])
        return Tables(frames)


def empty_tables() -> Tables:
    return TableBuilder().build()
