"""The collection year's dates, and ages as DfE counts them.

A 903 year is named by its 31 March: year 2025 runs from 1 April 2024 to 31 March 2025 (the
days come from the specification, :func:`csww.cla.spec.period_of`).
"""

from __future__ import annotations

from datetime import date

import polars as pl

from csww.cla.spec import period_of
from csww.cla.typing import parse_date


def start(year: int) -> date:
    """The year's first day (1 April of the year before), from the specification."""
    return period_of(year)[0]


def end(year: int) -> date:
    """The year's last day (31 March), from the specification."""
    return period_of(year)[1]


def years_before(day: date, years: int, months: int = 0) -> date:
    """``day`` moved back by whole years and months (the 31st becomes the month's last day)."""
    total = day.year * 12 + (day.month - 1) - (years * 12 + months)
    y, m = divmod(total, 12)
    m += 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(y, m, d)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - every month has a 28th


def parse(column: str) -> pl.Expr:
    """A dd/mm/yyyy text column as a date (null when blank or not a date), as the 903's typed
    view reads dates (:func:`csww.cla.typing.parse_date`)."""
    return parse_date(pl.col(column))


def age_at(dob: pl.Expr, day: pl.Expr | date) -> pl.Expr:
    """Whole years of age on ``day`` (a date column or a fixed date)."""
    d = pl.lit(day) if isinstance(day, date) else day
    had_birthday = (d.dt.month() > dob.dt.month()) | (
        (d.dt.month() == dob.dt.month()) & (d.dt.day() >= dob.dt.day())
    )
    return d.dt.year() - dob.dt.year() - pl.when(had_birthday).then(0).otherwise(1)
