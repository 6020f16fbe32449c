"""The worker records' checks, a batch of records at a time, as columns.

A batch of worker records becomes one typed frame (:mod:`csww.workers`); the worker rules
run over it as column expressions, each on the rows of its categories whose needed items
are valid; the item rules give their exact issues, in their order, for the rows that may
have any (:func:`csww.workers.item_suspects`). The batch's totals and each worker's key
facts (for the cross-record and continuity rules) are kept; the records are not, so memory
stays bounded by the batch, whatever the size of the return.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl

from csww import workers
from csww.core import RuleInputs, TableRule, Tables, failing_rows
from csww.core.tables import CELL, LINE, ROW
from csww.model import Record
from csww.report.model import Issue
from csww.rules.items import ItemChecker
from csww.rules.records import KEY_SCHEMA, fingerprint
from csww.rules.registry import Columns, Context, Rule, View
from csww.rules.return_level import Totals

# (rule id, record, 1-based index, element, value, worker) -> the issue, in the year's words.
MakeIssue = Callable[[str, Record, int, str | None, str | None, str | None], Issue]
BATCH = 10_000
WORKERS = "Workers"
KEY_ITEMS = {
    "fte": "FTE",
    "dob": "PersonBirthDate",
    "start": "RoleStartDate",
    "end": "RoleEndDate",
    "fte30": "FTE30",
}


@dataclass
class WorkerChecks:
    """The worker rules of one year, and what they have found so far."""

    ctx: Context
    items: ItemChecker
    rules: list[Rule]
    make: MakeIssue
    totals: Totals = field(default_factory=Totals)
    found: dict[int, list[Issue]] = field(default_factory=dict)  # 0-based worker -> issues
    keys: list[pl.DataFrame] = field(default_factory=list)

    def run(self, records: list[Record], first: int) -> None:
        """Check a batch of records; ``first`` is the 0-based index of ``records[0]``."""
        if not records:
            return
        spec = self.ctx.spec
        frame = workers.typed(workers.frame(records, spec), spec)
        cats = frame[workers.CAT].to_list()
        suspects = set(workers.item_suspects(frame, spec, self.items.leaver_items).arg_true())
        suspects.update(i for i, rec in enumerate(records) if rec.extras)
        by_row: dict[int, list[Issue]] = defaultdict(list)
        for i in sorted(suspects):
            self._items(records[i], first + i + 1, cats[i], by_row[i])
        columnar = self._columnar(frame)
        for rule in self.rules:
            element = rule.fields[0]
            failing = columnar.get(rule.id)
            if failing is None:
                failing = self._failing(rule, frame, records, cats)
            for i in failing:
                rec = records[i]
                issue = self.make(
                    rule.id, rec, first + i + 1, element, rec.values.get(element), _swe(rec)
                )
                by_row[i].append(issue)
        for i, issues in by_row.items():
            if issues:
                self.found[first + i] = issues
        self._add_totals(frame)
        copies = [
            fingerprint(r.values, r.extras, cat) for r, cat in zip(records, cats, strict=True)
        ]
        self.keys.append(_key_frame(frame, first, spec.element_for("sex"), copies))

    def _items(self, rec: Record, index: int, cat: str, out: list[Issue]) -> None:
        """The item rules' issues for one worker, in the order the item checker gives them."""
        swe, make = _swe(rec), self.make

        def emit(rule_id: str, element: str | None, value: str | None) -> None:
            out.append(make(rule_id, rec, index, element, value, swe))

        self.items.check(rec.values, cat, emit)
        lines: list[int | None] = [*rec.extra_lines] or [None] * len(rec.extras)
        for (element, text), line in zip(rec.extras, lines, strict=False):
            rule_id = self.items.extra_rule(element, text)
            if rule_id is not None:
                issue = make(rule_id, rec, index, element, text, swe)
                out.append(_at_line(issue, line))

    def _columnar(self, frame: pl.DataFrame) -> dict[str, list[int]]:
        """The failing rows of every rule written as a column expression, evaluated by the
        engine's core in one pass over the batch."""
        columns = Columns(self.ctx)
        rules = [_table_rule(rule, columns) for rule in self.rules if rule.columnar]
        inputs = RuleInputs(Tables({WORKERS: frame}), self.ctx.year, self.ctx.spec)
        return failing_rows(rules, inputs)

    def _failing(
        self, rule: Rule, frame: pl.DataFrame, records: list[Record], cats: list[str]
    ) -> list[int]:
        """The rows a rule written as a predicate on one record fails on: it runs on each
        row of its categories with the items it needs."""
        rows = _rows(frame, _applies(rule))
        typed = workers.python_values(frame, rows, list(self.ctx.spec.worker))
        return [
            i
            for i, t in zip(rows, typed, strict=True)
            if not rule.check(View(records[i].values, t, cats[i], self.ctx))
        ]

    def _add_totals(self, frame: pl.DataFrame) -> None:
        """Add the batch to the return's totals; FTEs are summed in file order, one value
        after another, as a record-by-record pass adds them."""
        totals = self.totals
        totals.workers += frame.height
        for cat, n in frame[workers.CAT].value_counts().iter_rows():
            totals.by_category[cat] += n
        fte = frame[workers.typed_name("FTE")] if "t:FTE" in frame.columns else None
        if fte is not None:
            cat = frame[workers.CAT]
            totals.agency_fte = sum(fte.filter(cat == "agency").drop_nulls(), totals.agency_fte)
            totals.inpost_fte = sum(fte.filter(cat == "inpost").drop_nulls(), totals.inpost_fte)
            totals.leaver_fte = sum(fte.filter(cat == "leaver").drop_nulls(), totals.leaver_fte)
        if "t:Cases30" in frame.columns:
            holders = (pl.col("t:Cases30") > 0) & (pl.col(workers.CAT) != "leaver")
            totals.case_holders += frame.filter(holders).height

    def key_table(self) -> pl.DataFrame:
        """Each worker record's key facts, for the records that give a registration number
        (:mod:`csww.rules.records`), in file order."""
        if not self.keys:
            return pl.DataFrame(schema=KEY_SCHEMA)
        keys = pl.concat(self.keys, how="vertical_relaxed")
        swe = pl.col("swe")
        return keys.filter((swe.is_not_null() & (swe != "")).fill_null(False))


def _table_rule(rule: Rule, columns: Columns) -> TableRule:
    """A worker rule as the core's table rule: true on the rows of its categories, with the
    items it needs, on which its valid condition does not hold."""
    valid: pl.Expr = rule.check(columns)
    failing = _applies(rule) & ~valid.fill_null(True)
    return rule.on_rows(WORKERS, failing)


def _applies(rule: Rule) -> pl.Expr:
    """The rows a worker rule applies to: of its categories, with the items it needs."""
    applies = pl.col(workers.CAT).is_in(sorted(rule.categories))
    for element in sorted(rule.requires):
        applies = applies & pl.col(workers.typed_name(element)).is_not_null()
    return applies


def _key_frame(
    frame: pl.DataFrame, first: int, sex: str | None, copies: list[int | None]
) -> pl.DataFrame:
    """What the cross-record rules need of each worker, in a few columns; ``copies`` holds
    each record's fingerprint (:func:`csww.rules.records.fingerprint`), for exact copies."""

    def typed(element: str | None) -> pl.Expr:
        name = workers.typed_name(element) if element else ""
        return pl.col(name) if name in frame.columns else pl.lit(None)

    return frame.select(
        (pl.col(ROW) + first).alias(ROW),
        pl.col(LINE),
        pl.col(CELL),
        pl.col("SWENo").alias("swe"),
        pl.col(workers.CAT).alias("cat"),
        *(typed(element).alias(name) for name, element in KEY_ITEMS.items()),
        typed(sex).alias("sex"),
        pl.Series("copy", copies, dtype=pl.Int64),
    )


def _rows(frame: pl.DataFrame, condition: pl.Expr) -> list[int]:
    return frame.select(condition.fill_null(False).arg_true()).to_series().to_list()


def _swe(rec: Record) -> str | None:
    return rec.values.get("SWENo")


def _at_line(issue: Issue, line: int | None) -> Issue:
    if not line:
        return issue
    from dataclasses import replace

    return replace(issue, line=line)
