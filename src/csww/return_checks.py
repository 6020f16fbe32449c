"""The rules over the whole return, each a check over one of its tables: across worker
records (7xx, over the key table), against last year's return (72x, this year's key table
joined to last year's) and on the return's totals (8xx, a one-row table beside the
LA-level values). Each rule's check gives the rows at fault; this module turns them into
issues at their records.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import polars as pl

from csww.core.tables import CELL, LINE, ROW
from csww.parts import failing_rules, la_table, valid
from csww.report.model import Issue
from csww.rules import Context, Rule
from csww.rules.continuity import Years
from csww.rules.records import Keys
from csww.rules.return_level import Totals


def failing(result: pl.Expr | pl.DataFrame, table: pl.DataFrame) -> pl.DataFrame:
    """The rows of ``table`` a check marks: an expression true on them, or a frame of their
    ``_row`` (given back the table's other columns, in the table's order)."""
    if isinstance(result, pl.Expr):
        return table.filter(result.fill_null(False))
    return table.join(result.select(ROW), on=ROW, how="semi")


def across_records(rules: Iterable[Rule], keys: pl.DataFrame, ctx: Context) -> list[Issue]:
    """The cross-record rules' issues, over the key table of the registration numbers that
    more than one record gives."""
    shared = keys.filter(pl.col("swe").is_duplicated())
    if shared.is_empty():
        return []
    found: list[Issue] = []
    for rule in rules:
        at_fault = failing(rule.check(Keys(shared, ctx)), shared)
        field = rule.fields[0]
        found.extend(
            Issue(
                rule=rule.id,
                severity=rule.severity,
                message=rule.message,
                worker=row["swe"],
                record=row[ROW] + 1,
                field=field,
                value=None,
                line=row[LINE],
                cell=row[CELL],
            )
            for row in at_fault.iter_rows(named=True)
        )
    return found


def against_last_year(
    rules: Iterable[Rule], current: pl.DataFrame, previous: pl.DataFrame, ctx: Context
) -> list[Issue]:
    """The continuity rules' issues: this year's key table joined to last year's."""
    years = Years(current, previous, ctx)
    places = current.select(ROW, LINE, CELL)
    found: list[Issue] = []
    for rule in rules:
        at_fault = rule.check(years).join(places, on=ROW, how="left", maintain_order="left")
        field = _field_of(rule, ctx)
        found.extend(
            Issue(
                rule=rule.id,
                severity=rule.severity,
                message=rule.message,
                worker=row["swe"],
                record=None if row[ROW] is None else row[ROW] + 1,
                field=field,
                value=None,
                line=row[LINE],
                cell=row[CELL],
            )
            for row in at_fault.iter_rows(named=True)
        )
    return found


def _field_of(rule: Rule, ctx: Context) -> str | None:
    """The rule's first field that the year collects (a rule about an item that changed its
    element names each year's own), else its first field."""
    if not rule.fields:
        return None
    return next((f for f in rule.fields if f in ctx.spec.worker), rule.fields[0])


def on_totals(
    rules: Iterable[Rule],
    la: dict[str, str],
    typed: dict[str, Any],
    totals: Totals,
    ctx: Context,
) -> list[Rule]:
    """The return-level rules the return's totals fail, beside the LA-level values."""
    table = pl.concat(
        [la_table(la, typed, ctx.spec.la), pl.DataFrame([totals.row()])], how="horizontal"
    )
    return failing_rules(rules, table, ctx, valid)
