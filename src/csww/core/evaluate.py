"""The engine's one loop: the year's rules over a return's tables, into issues.

The engine only drives. It never names a rule, a table or an item of any collection.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from csww.core.rulebook import TableRule
from csww.core.tables import CELL, ITEM, LINE, MESSAGE, ROW, VALUE, Tables
from csww.report.model import Issue, NotRun


@dataclass(frozen=True)
class RuleInputs:
    """What a rule's check may consult: this return, its year and spec, and other inputs.

    ``references`` holds named inputs beyond the return (an Ofsted URN list, a postcode
    lookup); ``previous`` is last year's return as tables. A rule that needs one declares it
    in ``needs`` and is reported as not run when it is absent.
    """

    tables: Tables
    year: int
    spec: Any = None
    previous: Tables | None = None
    references: Mapping[str, Any] = field(default_factory=dict)
    la: str | None = None

    def available(self) -> set[str]:
        names = {k for k, v in self.references.items() if v is not None}
        if self.previous is not None:
            names.add("previous")
        return names


@dataclass
class Outcome:
    issues: list[Issue] = field(default_factory=list)
    not_run: list[NotRun] = field(default_factory=list)


def evaluate(
    rules: Iterable[TableRule],
    inputs: RuleInputs,
    *,
    subject: str | None = None,
    missing: Mapping[str, str] | None = None,
    text: Callable[[Any], str | None] | None = None,
) -> Outcome:
    """Run ``rules`` that apply to ``inputs.year`` and collect their issues.

    ``subject`` names the key column that identifies whom an issue is about (a 903 child's
    ``CHILD``); ``missing`` says, per input name, why it is absent and what to give
    (for the "not run" report); ``text`` shows a typed value as the return wrote it
    (default: ISO dates, ``str`` otherwise).
    """
    outcome = Outcome()
    have = inputs.available()
    for rule in rules:
        if not rule.applies_to(inputs.year):
            continue
        lacking = sorted(rule.needs - have)
        if lacking:
            reasons = [(missing or {}).get(name, f"no {name} was given") for name in lacking]
            outcome.not_run.append(NotRun(rule.id, "; ".join(reasons)))
            continue
        outcome.issues.extend(_issues(rule, inputs, subject, text or _text))
    return outcome


def failing_rows(rules: Iterable[TableRule], inputs: RuleInputs) -> dict[str, list[int]]:
    """The failing rows (``_row`` values) of each rule whose check is an expression, every
    rule of one table evaluated in a single pass over it; a rule that needs an input the
    call lacks, or applies to another year, is left out. For a collection that makes its own
    issues from the rows (CSWW's worker rules, in each year's words)."""
    have = inputs.available()
    by_table: dict[str, list[pl.Expr]] = {}
    for rule in rules:
        if not rule.applies_to(inputs.year) or rule.needs - have:
            continue
        check = rule.check(inputs)
        if not isinstance(check, pl.Expr):
            raise TypeError(f"rule {rule.id}: failing_rows takes expression rules only")
        by_table.setdefault(rule.table, []).append(check.fill_null(False).alias(rule.id))
    out: dict[str, list[int]] = {}
    for name, checks in by_table.items():
        table = inputs.tables.get(name)
        if table is None:
            continue
        masks = table.select(pl.col(ROW), *checks)
        rows = masks[ROW]
        for rule_id in masks.columns[1:]:
            out[rule_id] = rows.filter(masks[rule_id]).to_list()
    return out


def _issues(
    rule: TableRule, inputs: RuleInputs, subject: str | None, text: Callable[[Any], str | None]
) -> list[Issue]:
    table = inputs.tables.get(rule.table)
    if table is None:
        return []
    result = rule.check(inputs)
    if isinstance(result, pl.Expr):
        failing = table.filter(result.fill_null(False))
    else:
        failing = _located(result, table)
    if failing.is_empty():
        return []
    return [_issue(rule, row, subject, text) for row in failing.iter_rows(named=True)]


def _located(result: pl.DataFrame, table: pl.DataFrame) -> pl.DataFrame:
    """A check's own frame of failing rows, given back the table's columns it left out."""
    if ROW not in result.columns:
        raise ValueError("a rule's frame of failing rows must carry _row")
    wanted = [c for c in table.columns if c not in result.columns]
    if not wanted:
        return result
    return result.join(table.select([ROW, *wanted]), on=ROW, how="left").sort(ROW)


def _issue(
    rule: TableRule, row: dict[str, Any], subject: str | None, text: Callable[[Any], str | None]
) -> Issue:
    item = row.get(ITEM) or (rule.items[0] if rule.items else None)
    value = row.get(VALUE)
    if value is None and item is not None:
        value = row.get(item)
    return Issue(
        rule=rule.id,
        severity=rule.severity,
        message=row.get(MESSAGE) or rule.message,
        subject=text(row.get(subject)) if subject else None,
        table=rule.table,
        record=int(row[ROW]) + 1,
        field=item,
        value=text(value),
        line=row.get(LINE),
        cell=row.get(CELL),
    )


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)
