"""One problem, one issue, at the cell the user must change (a return read from a
spreadsheet, a form or the portal: a return with cells)."""

from __future__ import annotations

from dataclasses import replace

from csww.model import Return
from csww.report.model import Issue
from csww.rules import RULES, Context


def one_per_problem(
    issues: list[Issue], read_issues: list[Issue], ret: Return, ctx: Context | None
) -> list[Issue]:
    """One problem is one issue, at the cell the user must change.

    A cell the spreadsheet reader could not convert is reported by the reader's rule, which
    says what happened and how to put it right; the item's format rule on that same cell
    would say it a second time, so it is dropped. Every issue about an item of a worker
    record points at that item's cell, and an issue about the worker records as a whole at
    the first worker row. A return with no cells (XML) is left as it is."""
    converted = {i.cell for i in read_issues if i.cell}
    la_format = (
        {e: item.format_rule for e, item in ctx.spec.la.items() if item.format_rule}
        if ctx is not None
        else {}
    )
    kept = []
    for issue in issues:
        if issue.cell in converted and _is_format_rule(issue, la_format):
            continue
        cell = _cell_of(issue, ret)
        kept.append(issue if cell is None or cell == issue.cell else replace(issue, cell=cell))
    return kept


def _is_format_rule(issue: Issue, la_format: dict[str, str]) -> bool:
    """Whether the issue is an item's typing rule (worker items, or an LA-level figure)."""
    if issue.rule not in RULES:
        return False
    if RULES[issue.rule].scope == "item":
        return True
    return issue.field is not None and la_format.get(issue.field) == issue.rule


def _cell_of(issue: Issue, ret: Return) -> str | None:
    if issue.record is not None and 1 <= issue.record <= len(ret.workers):
        return ret.workers[issue.record - 1].cells.get(issue.field or "")
    if issue.field == "CSWWWorker" and ret.workers_cell:
        return ret.workers_cell
    return None
