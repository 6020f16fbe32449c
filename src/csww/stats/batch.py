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
size: each distinct text's value times the number of rows that give it
(:func:`exact_sums`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
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
    wanted = [*ELEMENTS, *year_elements(spec), *([sex] if sex else [])]
    parts = []
    for index, read in enumerate(reads):
        n = read.workers.height
        part = read.workers.select(
            [
                pl.col(e)
                if e in read.workers.columns
                else pl.repeat(None, n, dtype=pl.String).alias(e)
                for e in wanted
            ]
        )
        parts.append(part.with_columns(pl.repeat(index, n, dtype=pl.Int32).alias(RET)))
    if not parts:
        return pl.DataFrame(schema={**dict.fromkeys(wanted, pl.String), RET: pl.Int32})
    out = pl.concat(parts).with_columns(pl.col(wanted).fill_null(""))
    out = out.with_columns(
        (pl.col(sex) if sex else pl.lit("")).alias(SEX), pl.int_range(pl.len()).alias(ROW)
    )
    return out


def typed(
    workers: pl.DataFrame, element: str, read: Callable[[str], Any], dtype: type[pl.DataType]
) -> pl.Series:
    """``read`` applied to each distinct text of an item (see :func:`by_distinct`)."""
    return by_distinct(workers[element], read, dtype)


def exact_sums(
    rows: pl.DataFrame, keys: Sequence[str], text: str, value: Callable[[str], int | None]
) -> dict[tuple[Any, ...], int]:
    """Per group of ``keys``: the sum of ``value`` over the rows' ``text`` column (``None``
    counts as 0), exactly: each distinct text read once, times the rows that give it."""
    values: dict[str, int | None] = {}
    out: dict[tuple[Any, ...], int] = defaultdict(int)
    for *key, t, n in rows.group_by([*keys, text]).len().iter_rows():
        if t not in values:
            values[t] = value(t)
        v = values[t]
        if v:
            out[tuple(key)] += n * v
    return out
