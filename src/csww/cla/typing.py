"""A typed view of a 903 return: the raw text columns stay as written, typed ones are added.

For every date item ``X`` of the year's specification, ``X:date`` (``pl.Date``) holds the date
when the raw text is a real dd/mm/yyyy date, else null. For every code item ``X``, ``X:code``
holds the text upper-cased and stripped (what a code comparison uses); the raw column is never
altered, so a report shows what the return wrote.
"""

from __future__ import annotations

import polars as pl

from csww.cla.spec import ClaSpec
from csww.core.tables import CELL, LINE, ROW, Tables

DATE = ":date"
CODE = ":code"
DATE_PATTERN = r"^\d{2}/\d{2}/\d{4}$"


def date_of(column: str) -> str:
    return column + DATE


def code_of(column: str) -> str:
    return column + CODE


def parse_date(expr: pl.Expr) -> pl.Expr:
    """dd/mm/yyyy text as a date; null when blank, malformed or not a real day."""
    text = expr.str.strip_chars()
    return (
        pl.when(text.str.contains(DATE_PATTERN))
        .then(text.str.strptime(pl.Date, "%d/%m/%Y", strict=False))
        .otherwise(None)
    )


def empty_table(spec: ClaSpec, name: str) -> pl.DataFrame:
    """The year's table with its columns and no rows (a table the return lacks)."""
    columns: dict[str, pl.DataType | type[pl.DataType]] = dict.fromkeys(
        spec.table(name).columns, pl.String
    )
    columns.update({ROW: pl.Int64, LINE: pl.Int64, CELL: pl.String})
    return pl.DataFrame(schema=columns)


def typed(tables: Tables, spec: ClaSpec) -> Tables:
    """Every table of the year, with typed columns beside the raw ones.

    A table the year has and the return lacks becomes an empty frame with its columns; a raw
    item column the table lacks is added as nulls, so that rules never meet a missing column.
    """
    frames: dict[str, pl.DataFrame] = {}
    for name, table in spec.tables.items():
        frame = tables.get(name)
        if frame is None:
            frame = empty_table(spec, name)
        missing = [
            pl.lit(None, dtype=pl.String).alias(i.name)
            for i in table.items
            if i.name not in frame.columns
        ]
        if missing:
            frame = frame.with_columns(missing)
        added: list[pl.Expr] = []
        for item in table.items:
            if item.type == "date":
                added.append(parse_date(pl.col(item.name)).alias(date_of(item.name)))
            elif item.type == "code":
                added.append(
                    pl.col(item.name).str.strip_chars().str.to_uppercase().alias(code_of(item.name))
                )
        frames[name] = frame.with_columns(added) if added else frame
    for name, frame in tables.items():
        frames.setdefault(name, frame)
    return Tables(frames)
