"""The rules over the return's parts and the whole return, each a check over one of its
tables: the header and the LA-level record (1xx), each a one-row table; across worker
records (7xx, over the key table); against last year's return (72x); and on the return's
totals (8xx, a one-row table beside the LA-level values). Each rule's check gives the rows
at fault; this module builds the tables and turns the rows into issues at their records.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import polars as pl

from csww.core import RuleInputs, TableRule, Tables, failing_rows
from csww.core.tables import CELL, LINE, ROW
from csww.report.model import Issue
from csww.rules import Context, Rule
from csww.rules.continuity import Years
from csww.rules.records import Keys
from csww.rules.registry import Columns
from csww.spec import Item
from csww.values import is_year, parse_date, parse_datetime


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
        at_fault = failing(rule.check(Keys(shared, ctx)), shared)  # type: ignore[misc]
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
        at_fault = rule.check(years).join(places, on=ROW, how="left", maintain_order="left")  # type: ignore[misc]
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


# The typed value of a header item, by the item's type (the rest are kept as text).
_HEADER_TYPES: dict[str, tuple[pl.DataType, Callable[[str], Any]]] = {
    "year": (pl.Int64(), lambda text: int(text) if is_year(text) else None),
    "date": (pl.Date(), parse_date),
    "datetime": (pl.Datetime(), parse_datetime),
}
_LA_TYPES: dict[str, pl.DataType] = {"decimal": pl.Float64(), "integer": pl.Int64()}


def header_table(raw: Mapping[str, str], items: Mapping[str, Item]) -> pl.DataFrame:
    """The header as a one-row table: each item's text, and ``t:<item>`` typed for dates,
    date-times and the year (null where the text is not one)."""
    columns: dict[str, pl.Series] = {}
    for element, item in items.items():
        text = raw.get(element)
        columns[element] = pl.Series(element, [text], dtype=pl.String)
        kind = _HEADER_TYPES.get(item.type)
        if kind is not None:
            dtype, parse = kind
            value = parse(text) if text else None
            columns["t:" + element] = pl.Series("t:" + element, [value], dtype=dtype)
    return _one_row(columns)


def la_table(
    raw: Mapping[str, str], typed: Mapping[str, Any], items: Mapping[str, Item]
) -> pl.DataFrame:
    """The LA-level record as a one-row table: each item's text and its typed value
    ``t:<item>`` (null where absent or malformed)."""
    columns: dict[str, pl.Series] = {}
    for element, item in items.items():
        columns[element] = pl.Series(element, [raw.get(element)], dtype=pl.String)
        dtype = _LA_TYPES.get(item.type, pl.String())
        columns["t:" + element] = pl.Series("t:" + element, [typed.get(element)], dtype=dtype)
    return _one_row(columns)


def _one_row(columns: dict[str, pl.Series]) -> pl.DataFrame:
    row = pl.Series(ROW, [0], dtype=pl.Int64)
    return pl.DataFrame([row, *columns.values()])


def given(element: str) -> pl.Expr:
    """The item's text is given (the header's rules run on what is written)."""
    return pl.col(element).is_not_null() & (pl.col(element) != "")


def valid(element: str) -> pl.Expr:
    """The item's typed value is valid (the LA-level and return rules run on values)."""
    return pl.col("t:" + element).is_not_null()


def failing_rules(
    rules: Iterable[Rule], table: pl.DataFrame, ctx: Context, needs: Callable[[str], pl.Expr]
) -> list[Rule]:
    """The rules a one-row table fails, in the order given: each rule whose items ``needs``
    holds for and whose valid condition does not hold, evaluated by the engine's core in
    one pass."""
    columns = Columns(ctx)
    chosen = list(rules)
    table_rules = [_table_rule(rule, columns, needs) for rule in chosen]
    inputs = RuleInputs(Tables({ONE_ROW: table}), ctx.year, ctx.spec)
    rows = failing_rows(table_rules, inputs)
    return [rule for rule in chosen if rows.get(rule.id)]


ONE_ROW = "OneRow"


def _table_rule(rule: Rule, columns: Columns, needs: Callable[[str], pl.Expr]) -> TableRule:
    applies = pl.lit(True)
    for element in sorted(rule.needs):
        applies = applies & needs(element)
    valid_when: pl.Expr = rule.check(columns)  # type: ignore[misc]
    at_fault = applies & ~valid_when.fill_null(True)
    return TableRule(
        id=rule.id,
        severity=rule.severity,
        message=rule.message,
        items=rule.fields,
        section=rule.section,
        table=ONE_ROW,
        check=lambda _inputs: at_fault,
        since=rule.since,
        until=rule.until,
    )
