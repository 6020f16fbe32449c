"""The header and the LA-level record: what is noted of each (an item missing, malformed,
unknown or repeated; the section renamed), reported by the rules that claim the notes
(:mod:`csww.rules.notes`), and the cross-field rules over each as a one-row table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from csww.core import RuleInputs, TableRule, Tables, failing_rows
from csww.core.tables import ROW
from csww.model import Record
from csww.rules import Context, Rule
from csww.rules.items import parser_for
from csww.rules.notes import NoteRules
from csww.rules.registry import Columns
from csww.spec import Item
from csww.values import is_year, parse_date, parse_datetime


@dataclass(frozen=True, slots=True)
class Finding:
    """A rule's finding on a part's record: the item, the value and, for a repeated
    element, the line the repeat is on."""

    rule: Rule
    element: str | None
    value: str | None
    name: str | None = None
    line: int | None = None


class PartNotes:
    """What is noted of one part's record, each note reported by the rule that claims it:
    every note names a problem but ``missing``, which names one only for a required item."""

    def __init__(self, book: NoteRules, part: str) -> None:
        self.book, self.part = book, part
        self.found: list[Finding] = []

    def note(
        self,
        kind: str,
        element: str | None,
        value: str | None,
        name: str | None = None,
        line: int | None = None,
    ) -> None:
        book, part = self.book, self.part
        rule = (
            book.match(kind, part, element) if kind == "missing" else book.rule(kind, part, element)
        )
        if rule is not None:
            self.found.append(Finding(rule, element, value, name, line))

    def extras(self, rec: Record, known: Iterable[str]) -> None:
        """The record's elements the year does not know, and its repeated elements."""
        known = set(known)
        for element, text in rec.values.items():
            if element not in known:
                self.note("unknown", element, text)
        lines: list[int | None] = [*rec.extra_lines] or [None] * len(rec.extras)
        for (element, text), line in zip(rec.extras, lines, strict=False):
            self.note("repeated" if element in known else "unknown", element, text, line=line)


def header_findings(rec: Record, ctx: Context, book: NoteRules, rules: list[Rule]) -> list[Finding]:
    """The header's issues: its required items missing, elements unknown or repeated, then
    its rules over it as a one-row table, in the rulebook's order."""
    notes = PartNotes(book, "header")
    raw = rec.values
    for element, item in ctx.spec.header.items():
        if not raw.get(element):
            notes.note("missing", element, None, item.name)
    notes.extras(rec, ctx.spec.header)
    table = header_table(raw, ctx.spec.header)
    failing = failing_rules(rules, table, ctx, given)
    return notes.found + [Finding(r, r.fields[0], raw.get(r.fields[0])) for r in failing]


def la_findings(
    rec: Record, ctx: Context, book: NoteRules, rules: list[Rule]
) -> tuple[list[Finding], dict[str, Any]]:
    """The LA-level record's issues (a section under another name, items missing or
    malformed, elements unknown or repeated, then its rules over it as a one-row table)
    and its typed values."""
    notes = PartNotes(book, "la")
    if rec.tag is not None and rec.tag != ctx.spec.sections.la:
        notes.note("renamed", None, rec.tag)
    typed: dict[str, Any] = {}
    for element, item in ctx.spec.la.items():
        text = rec.values.get(element, "")
        if text == "":
            notes.note("missing", element, None, item.name)
            continue
        value = parser_for(item, ctx.spec)(text)
        if value is None:
            notes.note("malformed", element, text, item.name)
        else:
            typed[element] = value
    notes.extras(rec, ctx.spec.la)
    table = la_table(rec.values, typed, ctx.spec.la)
    failing = failing_rules(rules, table, ctx, valid)
    found = notes.found + [Finding(r, r.fields[0], rec.values.get(r.fields[0])) for r in failing]
    return found, typed


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
    for element in sorted(rule.requires):
        applies = applies & needs(element)
    valid_when: pl.Expr = rule.check(columns)
    at_fault = applies & ~valid_when.fill_null(True)
    return rule.on_rows(ONE_ROW, at_fault)
