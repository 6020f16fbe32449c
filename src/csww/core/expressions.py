"""Column expressions any collection's rules and loaders share."""

from __future__ import annotations

import polars as pl


def whole_years(earlier: pl.Expr, later: pl.Expr) -> pl.Expr:
    """Whole years from ``earlier`` to ``later`` (an age), for date columns: the years
    between them, less one when ``later``'s day of the year comes before ``earlier``'s."""
    before = (later.dt.month().cast(pl.Int32) * 100 + later.dt.day().cast(pl.Int32)) < (
        earlier.dt.month().cast(pl.Int32) * 100 + earlier.dt.day().cast(pl.Int32)
    )
    return later.dt.year().cast(pl.Int32) - earlier.dt.year().cast(pl.Int32) - before.cast(pl.Int32)
