"""Returns read for statistics, and a batch of them as one frame of worker rows.

A return's workers come as text columns: the lean reader's
(:func:`csww.stats.fastread.return_columns`) or a return in memory's values, built into a
frame by the same builder the flows store uses (:func:`csww.workers.text_frame`). Returns
of one collection year are then one frame with each row's return (``_ret``) and place
(``_row``), so every measure, breakdown and pay figure is a group-by over ``_ret``, not a
loop over records.

A value is read by the very function that reads one value (:func:`~csww.stats.measures.micro`,
:func:`~csww.stats.measures.count`, ...), once per distinct text
(:func:`csww.workers.by_distinct`). Sums of FTEs, days and cases stay exact integers of any
size: 64-bit sums where no value can overflow them (:func:`amounts`), and the rare larger
values summed apart in Python integers (:func:`big_sums`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import chain, repeat
from pathlib import Path
from typing import Any

import polars as pl

from csww.model import Return
from csww.spec import Spec
from csww.stats.fastread import Columns, add_values, return_columns
from csww.workers import by_distinct, text_frame

RET, ROW = "_ret", "_row"
SEX = "_sex"  # the year's sex (or gender) item, whatever its element
# The worker items statistics read whose element is the same in every year.
ELEMENTS = (
    "AgencyWorker",
    "SWENo",
    "FTE",
    "PersonBirthDate",
    "Ethnicity",
    "QualLevel",
    "StepUpGrad",
    "FrontlineGrad",
    "OrgRole",
    "RoleStartDate",
    "StartOrigin",
    "RoleEndDate",
    "LeaverDestination",
    "ReasonLeave",
    "Cases30",
    "WorkingDaysLost",
    "ContractWeeks",
    "Absat30Sept",
    "ReasonAbsence",
)


@dataclass(frozen=True, slots=True)
class ReturnRead:
    """One return as statistics read it: its year and LA, its LA-level values, and its
    workers as text columns (one row per worker record, in the file's order)."""

    year: int
    lea: str
    la: dict[str, str] | None
    workers: pl.DataFrame
    source: str | None = None


def _year(text: str) -> int:
    try:
        return int(text) if text.isdigit() else 0
    except ValueError:  # a digit of another script with no value as a number
        return 0


def read_file(path: str | Path, year: int | None = None) -> ReturnRead:
    """Read an XML return (its header's Year unless ``year`` is given)."""
    found = return_columns(path)
    return ReturnRead(
        year or _year(found.header.get("Year", "")),
        found.header.get("LEA", ""),
        found.la,
        text_frame(found.columns, found.n, ELEMENTS),
        str(path),
    )


def read_return(ret: Return, year: int | None = None) -> ReturnRead:
    """A return in memory (its header's Year unless ``year`` is given)."""
    columns: Columns = {}
    for n, worker in enumerate(ret.workers):
        add_values(worker.values, columns, n)
    n = len(ret.workers)
    for column in columns.values():
        column.extend([None] * (n - len(column)))
    la = ret.la.values if ret.la is not None else None
    return ReturnRead(year or ret.year or 0, ret.lea or "", la, text_frame(columns, n, ELEMENTS))


def year_elements(spec: Spec) -> list[str]:
    """Worker items statistics read whose element is the year's own (pay items)."""
    pay = [spec.element_for("base_salary")]
    pay += spec.elements_for("rr_payments") + spec.elements_for("other_payments")
    return [e for e in pay if e is not None]


def frame(reads: Sequence[ReturnRead], spec: Spec) -> pl.DataFrame:
    """The workers of returns of one year (``spec``'s) as one frame: every item statistics
    read as text (``""`` where a record lacks it: statistics read a missing item as an
    empty one), the year's sex item as ``_sex``, each row's return (``_ret``, its index in
    ``reads``) and place in the batch (``_row``)."""
    sex = spec.element_for("sex")
    wanted = list(dict.fromkeys([*ELEMENTS, *year_elements(spec), *([sex] if sex else [])]))
    parts = [read.workers for read in reads if read.workers.height]
    if not parts:
        schema = {**dict.fromkeys(wanted, pl.String), SEX: pl.String}
        return pl.DataFrame(schema={**schema, RET: pl.Int32, ROW: pl.Int64})
    out = pl.concat(parts, how="diagonal")
    missing = [e for e in wanted if e not in out.columns]
    out = out.with_columns(pl.lit(None, dtype=pl.String).alias(e) for e in missing)
    returns = chain.from_iterable(repeat(i, read.workers.height) for i, read in enumerate(reads))
    return out.select(
        pl.col(wanted).fill_null(""),
        (pl.col(sex).fill_null("") if sex else pl.lit("")).alias(SEX),
        pl.Series(RET, list(returns), dtype=pl.Int32),
        pl.int_range(pl.len(), dtype=pl.Int64).alias(ROW),
    )


def day_of_column(text: pl.Expr) -> pl.Expr:
    """:func:`csww.stats.measures.day_of` as an expression: the first ten characters when
    they are written as a date (``YYYY-MM-DD``, a time zone after it dropped), else null."""
    day = text.str.slice(0, 10)
    written = (
        (day.str.len_chars() == 10) & (day.str.slice(4, 1) == "-") & (day.str.slice(7, 1) == "-")
    )
    return pl.when(written).then(day)


def limit_for(rows: pl.DataFrame) -> int:
    """The largest value a 64-bit sum over ``rows`` can add without overflowing."""
    return (2**63 - 1) // max(rows.height, 1)


def amounts(
    texts: pl.Series, read: Callable[[str], int | None], limit: int
) -> tuple[pl.Series, pl.Series]:
    """Each text's value by ``read`` (once per distinct text): an ``Int64`` column of the
    values below ``limit``, and a flag for the rows whose value is ``limit`` or more (an
    FTE of a million millionths' millions: summed apart, exactly, by :func:`big_sums`)."""
    memo: dict[str, int | None] = {}

    def small(text: str) -> int | None:
        value = memo[text] = read(text)
        return value if value is not None and value < limit else None

    values = by_distinct(texts, small, pl.Int64)
    big = [t for t, v in memo.items() if v is not None and v >= limit]
    return values, texts.is_in(big) if big else pl.Series([False] * texts.len(), dtype=pl.Boolean)


def big_sums(
    rows: pl.DataFrame, keys: Sequence[str], text: str, read: Callable[[str], int | None]
) -> dict[tuple[Any, ...], int]:
    """Per group of ``keys``: the exact sum of ``read`` over ``rows``' texts (rows whose
    values :func:`amounts` left out of the 64-bit column), in Python integers: each
    distinct text read once, times the rows that give it."""
    out: dict[tuple[Any, ...], int] = defaultdict(int)
    for *key, t, n in rows.group_by([*keys, text]).len().iter_rows():
        out[tuple(key)] += n * (read(t) or 0)
    return out
