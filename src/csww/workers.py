"""A return's worker records as typed columns: one Polars frame, one row per worker.

Each worker item is a column of the text the return gave (``None`` where the record lacks
the element, ``""`` where it is present but empty), and beside it a typed column
``t:<element>`` (a number, a date or a code; ``None`` where the text is absent, empty or
breaks the item's format). Typing runs once per *distinct* text of an item with the item's
own parser (:func:`csww.rules.items.parser_for`), so the column holds exactly what the
per-record parser gives, at the cost of parsing each distinct FTE, code or date once.

The frame keeps where each record came from (``_row``, ``_line``, ``_cell``, as every
:class:`csww.core.Tables` frame does) and its category (``_cat``: in post, leaver or agency).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from functools import cache
from typing import Any

import polars as pl

from csww.core.tables import CELL, LINE, ROW
from csww.model import Record
from csww.rules.items import parser_for
from csww.spec import CATEGORIES, Item, Spec, available_years, load_spec

CAT = "_cat"
OTHER = "_other"
TYPED = "t:"
_DTYPES: dict[str, type[pl.DataType]] = {
    "decimal": pl.Float64,
    "integer": pl.Int64,
    "date": pl.Date,
    "datetime": pl.Datetime,
}


def typed_name(element: str) -> str:
    return TYPED + element


def frame(records: Sequence[Record], spec: Spec) -> pl.DataFrame:
    """The worker records as raw text columns, one per item of the year's spec, with their
    place in the file, their category and whether they give any other element (``_other``:
    what that element is, the item checker reads from the record itself, so a file of a
    thousand made-up element names makes no thousand columns)."""
    values = [r.values for r in records]
    n = len(records)
    schema = dict.fromkeys(spec.worker, pl.String)
    raw = pl.from_dicts(values, schema=schema) if n else pl.DataFrame(schema=schema)
    if raw.height != n:  # pragma: no cover - from_dicts gives a row per record
        raise ValueError("a row per worker record was expected")
    known = set(spec.worker)
    other = pl.Series(OTHER, [not v.keys() <= known for v in values], dtype=pl.Boolean)
    places = pl.DataFrame(
        {
            ROW: pl.Series(ROW, range(n), dtype=pl.Int64),
            LINE: pl.Series(LINE, [r.line for r in records], dtype=pl.Int64),
            CELL: pl.Series(CELL, [r.cell for r in records], dtype=pl.String),
        }
    )
    out = pl.concat([raw, places, other.to_frame()], how="horizontal")
    return out.with_columns(category().alias(CAT))


def text_frame(
    columns: Mapping[str, Sequence[str | None]], n: int, elements: Sequence[str] = ()
) -> pl.DataFrame:
    """``n`` workers' values as text columns (element -> one text or ``None`` per worker, as
    :func:`csww.stats.fastread.worker_columns` gives them), with a column of ``None`` for
    each of ``elements`` no worker gives. With no column at all the frame has no row."""
    series = [pl.Series(k, v, dtype=pl.String) for k, v in columns.items()]
    series += [pl.Series(e, [None] * n, dtype=pl.String) for e in elements if e not in columns]
    return pl.DataFrame(series)


def by_distinct(
    texts: pl.Series, convert: Callable[[str], Any], dtype: pl.DataType | type[pl.DataType]
) -> pl.Series:
    """``convert`` applied once to each distinct text of a column and mapped back onto it
    (``None`` where the text is ``None`` or ``convert`` gives ``None``): a column typed by
    the same Python function that would read one value, at the cost of its distinct texts."""
    found = {t: convert(t) for t in texts.drop_nulls().unique().to_list()}
    keys = [t for t, v in found.items() if v is not None]
    if not keys:
        return pl.Series(texts.name, [None] * texts.len(), dtype=dtype)
    return texts.replace_strict(
        pl.Series(keys, dtype=pl.String),
        pl.Series([found[k] for k in keys], dtype=dtype),
        default=None,
        return_dtype=dtype,
    )


def category() -> pl.Expr:
    """The guide's three categories, as :func:`csww.model.category_of` decides them."""
    return (
        pl.when(pl.col("AgencyWorker") == "1")
        .then(pl.lit("agency"))
        .when(pl.col("RoleEndDate").is_not_null() & (pl.col("RoleEndDate") != ""))
        .then(pl.lit("leaver"))
        .otherwise(pl.lit("inpost"))
    )


def typed(workers: pl.DataFrame, spec: Spec) -> pl.DataFrame:
    """Add each item's typed column, parsing every distinct text once. An item of another
    year, which this year does not collect, has a typed column of nothing, so a rule about
    it finds no valid value and does not apply (as it would to a record lacking it)."""
    columns: list[pl.Series | pl.Expr] = []
    for element, item in spec.worker.items():
        columns.append(_typed_column(workers[element], item, spec).alias(typed_name(element)))
    for element in sorted(every_year_item() - spec.worker.keys()):
        if element not in workers.columns:
            columns.append(pl.lit(None, dtype=pl.String).alias(element))
        columns.append(pl.lit(None).alias(typed_name(element)))
    return workers.with_columns(columns)


@cache
def every_year_item() -> frozenset[str]:
    """Every worker item of every year's specification."""
    return frozenset(e for year in available_years() for e in load_spec(year).worker)


def _typed_column(texts: pl.Series, item: Item, spec: Spec) -> pl.Series:
    parse = parser_for(item, spec)
    distinct = texts.drop_nulls().unique().to_list()
    values: dict[str, Any] = {}
    for text in distinct:
        if text != "":
            value = parse(text)
            if value is not None:
                values[text] = value
    dtype = _DTYPES.get(item.type, pl.String)
    if not values:
        return pl.Series([None] * len(texts), dtype=dtype)
    keys = list(values)
    mapped = pl.Series("v", [values[k] for k in keys], dtype=_dtype_of(dtype, values))
    return texts.replace_strict(
        pl.Series("k", keys, dtype=pl.String), mapped, default=None, return_dtype=mapped.dtype
    )


def _dtype_of(dtype: type[pl.DataType], values: dict[str, Any]) -> type[pl.DataType]:
    sample = next(iter(values.values()))
    if isinstance(sample, datetime):
        return pl.Datetime
    if isinstance(sample, date):
        return pl.Date
    return dtype


def python_values(
    workers: pl.DataFrame, rows: list[int], elements: Sequence[str]
) -> list[dict[str, Any]]:
    """Each of ``rows``' typed values as a dict (element -> value), leaving out ``None``."""
    picked = workers[rows].select([typed_name(e) for e in elements])
    out = []
    for values in picked.iter_rows():
        out.append({e: v for e, v in zip(elements, values, strict=True) if v is not None})
    return out


def mandatory_for(spec: Spec, element: str) -> list[str]:
    """The categories for which ``element`` is mandatory."""
    return [c for c in CATEGORIES if element in spec.mandatory(c)]


def item_suspects(workers: pl.DataFrame, spec: Spec, leaver_items: frozenset[str]) -> pl.Series:
    """Rows on which the item rules may have something to say (a superset: the item checker
    then gives the exact issues, in their order, for these rows only).

    A row is a suspect when it gives an element the year does not collect, an empty item,
    a text its item's parser refuses, lacks an item mandatory for its category, gives an
    item not applicable to its category, or is in post while giving a leaver's item."""
    cat = pl.col(CAT)
    checks: list[pl.Expr] = [pl.col(OTHER)]
    for element in spec.worker:
        text = pl.col(element)
        checks.append(text == "")
        checks.append((text != "") & pl.col(typed_name(element)).is_null())
        must = mandatory_for(spec, element)
        if must:
            checks.append(cat.is_in(must) & (text.is_null() | (text == "")))
        not_applicable = [c for c in CATEGORIES if element in spec.not_applicable(c)]
        if not_applicable:
            checks.append(cat.is_in(not_applicable) & (text != ""))
    if leaver_items:
        given = pl.any_horizontal([pl.col(e) != "" for e in sorted(leaver_items)])
        checks.append((cat == "inpost") & given)
    if not checks:
        return pl.Series([False] * workers.height)
    return workers.select(pl.any_horizontal(checks).fill_null(False).alias("s")).to_series()
