"""Plain renderers for a report: text for people, JSON and CSV for programs.

JSON layout (documented in docs/report-format.md)::

    {"valid": bool, "errors": int, "queries": int, "year": int, "spec_year": int,
     "la": str, "workers": int, "source": str, "fatal": null | {"message", "line", "column"},
     "issues": [{"rule", "severity", "message", "worker", "record", "field", "value",
                 "line", "cell", "item", "guide"}, ...]}

``field`` is the XML element, ``item`` the guide's name for it and ``guide`` the section of
the guide the rule enforces. CSV for people starts with a byte-order mark (see
:func:`for_excel`), so that Excel reads it as UTF-8.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter

from csww.report.describe import described, item_label
from csww.report.model import Issue, Report

CSV_COLUMNS = (
    "rule",
    "severity",
    "item",
    "message",
    "worker",
    "record",
    "field",
    "value",
    "line",
    "cell",
    "guide",
)
BOM = "\ufeff"


def for_excel(text: str) -> str:
    """CSV text with a byte-order mark: Excel otherwise reads UTF-8 as Windows-1252 and shows
    "–" as "â€“". Python's csv module and every other reader skip it (``utf-8-sig``)."""
    return text if text.startswith(BOM) else BOM + text


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Neutralise text a spreadsheet would run as a formula (CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        if value[0] in "+-" and value[1:].replace(".", "", 1).isdigit():
            return value  # a plain signed number
        return "'" + value
    return value


def to_json(report: Report, indent: int | None = 2) -> str:
    described(report)
    return json.dumps(report.as_dict(), indent=indent, ensure_ascii=False, default=str)


def to_csv(report: Report) -> str:
    described(report)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for issue in report.issues:
        writer.writerow(
            [
                safe_cell(getattr(issue, c)) if getattr(issue, c) is not None else ""
                for c in CSV_COLUMNS
            ]
        )
    return out.getvalue()


def to_text(report: Report, *, limit_per_rule: int = 10) -> str:
    """Issues grouped by rule with counts; errors first. Long groups are cut with a count."""
    described(report)
    lines: list[str] = []
    name = report.source or "return"
    if report.fatal is not None:
        return f"{name}: not checked.\n  {report.fatal}\n"
    verdict = "no errors" if report.valid else f"{report.errors} error{'s' * (report.errors != 1)}"
    lines.append(
        f"{name}: LA {report.la or '?'}, year {report.year}, {report.workers:,} worker records: "
        f"{verdict}, {report.queries} quer{'ies' if report.queries != 1 else 'y'}."
    )
    for note in report.notes:
        lines.append(f"  Note on the {report.year} specification: {note}.")
    counts = Counter(i.rule for i in report.issues)
    by_rule: dict[str, list[Issue]] = {}
    for issue in report.issues:
        by_rule.setdefault(issue.rule, []).append(issue)
    order = sorted(by_rule, key=lambda r: (by_rule[r][0].severity != "error", r))
    for rule_id in order:
        group = by_rule[rule_id]
        first = group[0]
        one_message = all(i.message == first.message for i in group)
        lines.append("")
        said = f": {first.message}" if one_message else ""
        lines.append(f"{first.severity.upper()} {rule_id} ({counts[rule_id]}){said}")
        if first.guide:
            lines.append(f'  Guide: "{first.guide}"')
        for issue in group[:limit_per_rule]:
            lines.append("  - " + _where(issue) + ("" if one_message else f": {issue.message}"))
        if len(group) > limit_per_rule:
            lines.append(
                f"  ... and {len(group) - limit_per_rule} more (use --format csv or html for all)"
            )
    if report.issues:
        lines.append("")
        lines.append(
            "Next: fix the errors (they block submission); fix each query or explain it with a note."
        )
    return "\n".join(lines) + "\n"


def _where(issue: Issue) -> str:
    """The item first (guide's name, XML name), then where it is and what it holds."""
    where = []
    label = item_label(issue)
    if label:
        where.append(label)
    if issue.record:
        where.append(f"record {issue.record}")
    if issue.worker:
        where.append(f"worker {issue.worker}")
    if issue.value not in (None, ""):
        where.append(f"value {issue.value!r}")
    if issue.cell:
        where.append(issue.cell)
    elif issue.line:
        where.append(f"line {issue.line}")
    return ", ".join(where)
