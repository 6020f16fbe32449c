"""903 reports: every issue names the child, the table and the item; two views of them, by
rule (what to fix across the return) and by child (what to fix on a child's record), and the
rules that could not run.

Formats: text, JSON, CSV (with a byte-order mark for Excel), HTML and an xlsx workbook. The
JSON has the keys of ``csww validate``'s report (``valid``, ``errors``, ``queries``, ``year``,
``la``, ``source``, ``fatal``, ``notes``, ``issues``) plus ``collection``, ``children``,
``counts``, ``not_run``, ``by_rule`` and ``by_child``.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter, defaultdict
from dataclasses import replace
from functools import cache
from html import escape
from pathlib import Path
from typing import Any

from csww.report.model import Issue, Report
from csww.report.render import for_excel, safe_cell

CSV_COLUMNS = (
    "rule",
    "severity",
    "child",
    "table",
    "record",
    "item",
    "field",
    "value",
    "line",
    "cell",
    "message",
)


DERIVED = {
    "PL_LA": "Placement LA (derived from the placement postcode)",
    "PL_LOCATION": "Placement location, in or out of the LA (derived)",
    "PL_DISTANCE": "Distance from home to placement, miles (derived)",
}


@cache
def _labels(year: int | None) -> dict[tuple[str, str], str]:
    from csww.cla.spec import available_years, spec_for

    if year not in available_years():
        return {}
    assert year is not None
    spec = spec_for(year)
    return {(t.name, i.name): i.label for t in spec.tables.values() for i in t.items}


@cache
def _source(rule: str) -> str | None:
    from csww.cla.rules import CLA_RULES

    return CLA_RULES[rule].section if rule in CLA_RULES else None


def described(issue: Issue, year: int | None) -> Issue:
    """The issue with the item's name in the year's spec (``item``) and the rule's source
    (``guide``), for reports."""
    if issue.item is not None or issue.field is None:
        return issue
    label = _labels(year).get((issue.table or "", issue.field)) or DERIVED.get(issue.field)
    return replace(issue, item=label, guide=issue.guide or _source(issue.rule))


def _issue_dict(issue: Issue) -> dict[str, Any]:
    return {
        "rule": issue.rule,
        "severity": issue.severity,
        "message": issue.message,
        "child": issue.subject,
        "table": issue.table,
        "record": issue.record,
        "field": issue.field,
        "item": issue.item,
        "value": issue.value,
        "line": issue.line,
        "cell": issue.cell,
        "guide": issue.guide,
    }


def _issues(report: Report) -> list[Issue]:
    return [described(i, report.spec_year) for i in report.issues]


def by_rule(report: Report) -> list[dict[str, Any]]:
    """One entry per rule that raised issues: errors first, then by count."""
    groups: dict[str, list[Issue]] = defaultdict(list)
    for issue in report.issues:
        groups[issue.rule].append(issue)
    entries = [
        {
            "rule": rule,
            "severity": issues[0].severity,
            "message": issues[0].message,
            "table": issues[0].table,
            "issues": len(issues),
            "children": len({i.subject for i in issues if i.subject}),
        }
        for rule, issues in groups.items()
    ]
    return sorted(entries, key=lambda e: (e["severity"] != "error", -e["issues"], e["rule"]))


def by_child(report: Report) -> list[dict[str, Any]]:
    """One entry per child with issues (return-level issues under ``child: null``)."""
    groups: dict[str | None, list[Issue]] = defaultdict(list)
    for issue in _issues(report):
        groups[issue.subject].append(issue)
    entries = []
    for child, issues in groups.items():
        count = Counter(i.severity for i in issues)
        entries.append(
            {
                "child": child,
                "errors": count["error"],
                "queries": count["query"],
                "rules": sorted({i.rule for i in issues}),
                "issues": [_issue_dict(i) for i in issues],
            }
        )
    return sorted(entries, key=lambda e: (-e["errors"], -e["queries"], str(e["child"])))


def as_dict(report: Report) -> dict[str, Any]:
    return {
        "valid": report.valid,
        "errors": report.errors,
        "queries": report.queries,
        "year": report.year,
        "spec_year": report.spec_year,
        "la": report.la,
        "workers": report.workers,
        "children": report.workers,
        "source": report.source,
        "fatal": None
        if report.fatal is None
        else {
            "message": report.fatal.message,
            "line": report.fatal.line,
            "column": report.fatal.column,
        },
        "notes": list(report.notes),
        "collection": "cla",
        "counts": dict(report.counts),
        "not_run": [n.as_dict() for n in report.not_run],
        "issues": [_issue_dict(i) for i in _issues(report)],
        "by_rule": by_rule(report),
        "by_child": [{k: v for k, v in e.items() if k != "issues"} for e in by_child(report)],
    }


def to_json(report: Report, indent: int | None = 2) -> str:
    return json.dumps(as_dict(report), indent=indent, ensure_ascii=False, default=str)


def to_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for issue in _issues(report):
        data = _issue_dict(issue)
        writer.writerow(["" if data[c] is None else safe_cell(data[c]) for c in CSV_COLUMNS])
    return for_excel(out.getvalue())


def _where(issue: Issue) -> str:
    parts = []
    if issue.subject:
        parts.append(f"child {issue.subject}")
    if issue.table:
        parts.append(f"{issue.table} record {issue.record}" if issue.record else issue.table)
    if issue.field:
        label = f"{issue.item} ({issue.field})" if issue.item else issue.field
        parts.append(label)
    if issue.value is not None:
        parts.append(f"value {issue.value!r}")
    if issue.line:
        parts.append(f"line {issue.line}")
    return ", ".join(parts)


def to_text(report: Report, *, limit_per_rule: int = 10, children: int = 20) -> str:
    lines: list[str] = []
    name = report.source or "SSDA903 return"
    if report.fatal is not None:
        return f"{name}: cannot be read: {report.fatal}\n"
    verdict = "no errors" if report.valid else "NOT READY: errors must be fixed"
    lines.append(
        f"{name}: SSDA903 return of LA {report.la}, year ending 31 March {report.year}: "
        f"{report.workers:,} children; {report.errors} errors, {report.queries} queries "
        f"({verdict})."
    )
    for note in report.notes:
        lines.append(f"  Note: {note}")
    if report.not_run:
        lines.append("")
        lines.append(f"Not run ({len(report.not_run)} rules):")
        reasons: dict[str, list[str]] = defaultdict(list)
        for n in report.not_run:
            reasons[n.reason].append(n.rule)
        for reason, rules in reasons.items():
            lines.append(f"  {', '.join(rules)}: {reason}.")
    if report.issues:
        lines.append("")
        lines.append("By rule:")
        groups: dict[str, list[Issue]] = defaultdict(list)
        for issue in _issues(report):
            groups[issue.rule].append(issue)
        for entry in by_rule(report):
            issues = groups[entry["rule"]]
            lines.append(
                f"  {entry['rule']} ({entry['severity']}) {entry['message']} "
                f"[{entry['issues']} in {entry['children']} children]"
            )
            for issue in issues[:limit_per_rule]:
                lines.append(f"    - {_where(issue)}")
            if len(issues) > limit_per_rule:
                lines.append(f"    ... and {len(issues) - limit_per_rule} more")
        lines.append("")
        lines.append("By child:")
        entries = by_child(report)
        for entry in entries[:children]:
            who = entry["child"] or "(the return)"
            lines.append(
                f"  {who}: {entry['errors']} errors, {entry['queries']} queries "
                f"({', '.join(entry['rules'])})"
            )
        if len(entries) > children:
            lines.append(f"  ... and {len(entries) - children} more children")
    return "\n".join(lines) + "\n"


STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}"
    "table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.25rem .5rem;"
    "text-align:left;vertical-align:top}.error{color:#a00}.query{color:#850}.muted{color:#666}"
    "details{margin:.25rem 0}"
)


def to_html(report: Report, title: str | None = None) -> str:
    name = report.source or "SSDA903 return"
    heading = title or f"SSDA903 validation report: {name}"
    out = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{escape(heading)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{escape(heading)}</h1>",
    ]
    if report.fatal is not None:
        out.append(f"<p class='error'>The file cannot be read: {escape(str(report.fatal))}</p>")
        return "".join(out) + "</body></html>"
    out.append(
        f"<p>LA {escape(str(report.la))}, year ending 31 March {report.year}, "
        f"{report.workers:,} children: <b class='error'>{report.errors} errors</b>, "
        f"<b class='query'>{report.queries} queries</b>.</p>"
    )
    if report.notes:
        out.append("<ul class='muted'>")
        out.extend(f"<li>{escape(n)}</li>" for n in report.notes)
        out.append("</ul>")
    if report.not_run:
        out.append("<h2>Rules not run</h2><table><tr><th>rule</th><th>why</th></tr>")
        out.extend(
            f"<tr><td>{escape(n.rule)}</td><td>{escape(n.reason)}</td></tr>" for n in report.not_run
        )
        out.append("</table>")
    out.append(
        "<h2>By rule</h2><table><tr><th>rule</th><th>severity</th><th>message</th>"
        "<th>issues</th><th>children</th></tr>"
    )
    for e in by_rule(report):
        out.append(
            f"<tr><td>{escape(e['rule'])}</td><td class='{e['severity']}'>{e['severity']}</td>"
            f"<td>{escape(e['message'])}</td><td>{e['issues']}</td><td>{e['children']}</td></tr>"
        )
    out.append("</table><h2>By child</h2>")
    for e in by_child(report):
        who = escape(str(e["child"] or "(the return)"))
        out.append(
            f"<details><summary>{who}: {e['errors']} errors, {e['queries']} queries</summary>"
            "<table><tr><th>rule</th><th>table</th><th>record</th><th>item</th><th>value</th>"
            "<th>message</th></tr>"
        )
        for i in e["issues"]:
            out.append(
                "<tr>"
                + "".join(
                    f"<td>{escape('' if i[k] is None else str(i[k]))}</td>"
                    for k in ("rule", "table", "record", "field", "value", "message")
                )
                + "</tr>"
            )
        out.append("</table></details>")
    return "".join(out) + "</body></html>"


def write_xlsx(report: Report, path: Path) -> None:
    """A workbook: every issue, the by-rule view, the by-child view and the rules not run."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Issues"
    sheet.append(list(CSV_COLUMNS))
    for issue in _issues(report):
        data = _issue_dict(issue)
        sheet.append([safe_cell(data[c]) for c in CSV_COLUMNS])
    rules = book.create_sheet("By rule")
    rules.append(["rule", "severity", "message", "table", "issues", "children"])
    for e in by_rule(report):
        rules.append(
            [e["rule"], e["severity"], e["message"], e["table"], e["issues"], e["children"]]
        )
    kids = book.create_sheet("By child")
    kids.append(["child", "errors", "queries", "rules"])
    for e in by_child(report):
        kids.append([safe_cell(e["child"]), e["errors"], e["queries"], ", ".join(e["rules"])])
    missing = book.create_sheet("Not run")
    missing.append(["rule", "why"])
    for n in report.not_run:
        missing.append([n.rule, n.reason])
    book.save(path)


def render(report: Report, fmt: str) -> str:
    """The report as text, json, csv or html."""
    if fmt == "json":
        return to_json(report)
    if fmt == "csv":
        return to_csv(report)
    if fmt == "html":
        return to_html(report)
    return to_text(report)
