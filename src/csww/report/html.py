"""A self-contained HTML page for a report: summary per rule and per worker, and every issue,
filterable between errors and queries with plain CSS (no script, no external files)."""

from __future__ import annotations

from collections import Counter, defaultdict
from html import escape

from csww.report.describe import described, item_label
from csww.report.model import Issue, Report

STYLE = """
body{font-family:Arial,Helvetica,sans-serif;margin:2rem;color:#0b0c0c;max-width:75rem}
h1{font-size:1.8rem;margin-bottom:.3rem}h2{font-size:1.3rem;margin-top:2rem}
.summary{display:flex;gap:1rem;margin:1rem 0}
.card{border-left:6px solid #1d70b8;padding:.5rem 1rem;background:#f3f2f1;min-width:9rem}
.card b{display:block;font-size:1.8rem}.card.error{border-color:#d4351c}.card.query{border-color:#f47738}
.card.ok{border-color:#00703c}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #b1b4b6;vertical-align:top}
th{background:#f3f2f1}
.tag{display:inline-block;padding:.1rem .4rem;font-weight:bold;font-size:.8rem;text-transform:uppercase}
.tag.error{background:#f6d7d2;color:#942514}.tag.query{background:#fcd6c3;color:#6e3619}
.filters label{margin-right:1rem;cursor:pointer}
#f-error:checked~.issues tr.query,#f-query:checked~.issues tr.error{display:none}
.fatal{border:4px solid #d4351c;padding:1rem}
.muted{color:#505a5f}
"""


def _tag(severity: str) -> str:
    return f'<span class="tag {severity}">{escape(severity)}</span>'


def _cell(value: object) -> str:
    return "" if value is None else escape(str(value))


def _rules_table(issues: list[Issue]) -> str:
    counts = Counter(i.rule for i in issues)
    first: dict[str, Issue] = {}
    for issue in issues:
        first.setdefault(issue.rule, issue)
    rows = sorted(first.values(), key=lambda i: (i.severity != "error", i.rule))
    body = "".join(
        f"<tr class='{i.severity}'><td><a href='#rule-{escape(i.rule)}'>{escape(i.rule)}</a></td>"
        f"<td>{_tag(i.severity)}</td><td>{counts[i.rule]}</td><td>{escape(i.message)}</td>"
        f"<td><q>{_cell(i.guide)}</q></td></tr>"
        for i in rows
    )
    return (
        "<table><thead><tr><th>Rule</th><th>Type</th><th>Count</th><th>Message</th>"
        f"<th>Guide section</th></tr></thead><tbody>{body}</tbody></table>"
    )


def _workers_table(issues: list[Issue]) -> str:
    per: dict[tuple[int, str], Counter[str]] = defaultdict(Counter)
    for issue in issues:
        if issue.record is not None:
            per[(issue.record, issue.worker or "")][issue.severity] += 1
    if not per:
        return "<p class='muted'>No issue concerns a single worker record.</p>"
    body = "".join(
        f"<tr><td><a href='#record-{rec}'>{rec}</a></td><td>{escape(worker)}</td>"
        f"<td>{c['error']}</td><td>{c['query']}</td></tr>"
        for (rec, worker), c in sorted(per.items())
    )
    return (
        "<table><thead><tr><th>Record</th><th>Registration number</th><th>Errors</th>"
        f"<th>Queries</th></tr></thead><tbody>{body}</tbody></table>"
    )


def _issues_table(issues: list[Issue]) -> str:
    seen_rule: set[str] = set()
    seen_record: set[int] = set()
    rows = []
    for i in issues:
        anchors = ""
        if i.rule not in seen_rule:
            anchors += f"<span id='rule-{escape(i.rule)}'></span>"
            seen_rule.add(i.rule)
        if i.record is not None and i.record not in seen_record:
            anchors += f"<span id='record-{i.record}'></span>"
            seen_record.add(i.record)
        where = i.cell or (f"line {i.line}" if i.line else "")
        rows.append(
            f"<tr class='{i.severity}'><td>{anchors}{escape(i.rule)}</td><td>{_tag(i.severity)}</td>"
            f"<td>{_cell(i.record)}</td><td>{_cell(i.worker)}</td><td>{_cell(item_label(i))}</td>"
            f"<td>{_cell(i.value)}</td><td>{escape(where)}</td><td>{escape(i.message)}</td></tr>"
        )
    return (
        "<table class='issues-table'><thead><tr><th>Rule</th><th>Type</th><th>Record</th><th>Worker</th>"
        "<th>Item</th><th>Value</th><th>Where</th><th>Message</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def to_html(report: Report, title: str | None = None) -> str:
    described(report)
    name = report.source or "CSWW return"
    heading = title or f"Validation report: {name}"
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{escape(heading)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{escape(heading)}</h1>",
    ]
    if report.fatal is not None:
        parts.append(
            f"<div class='fatal'><h2>The file was not checked</h2><p>{escape(str(report.fatal))}</p></div>"
        )
        parts.append("</body></html>")
        return "".join(parts)
    parts.append(
        f"<p class='muted'>LA {escape(str(report.la or '?'))}, collection year {report.year}, "
        f"{report.workers:,} worker records.</p>"
    )
    if report.notes:
        items = "".join(f"<li>{escape(n)}.</li>" for n in report.notes)
        parts.append(
            f"<div class='notes'><h2>About the {report.year} specification</h2><ul>{items}</ul></div>"
        )
    verdict = "ok" if report.valid else "error"
    parts.append(
        "<div class='summary'>"
        f"<div class='card {verdict}'><b>{'Ready' if report.valid else 'Not ready'}</b>to submit</div>"
        f"<div class='card error'><b>{report.errors}</b>errors (must be fixed)</div>"
        f"<div class='card query'><b>{report.queries}</b>queries (fix or explain)</div></div>"
    )
    if not report.issues:
        parts.append("<p>No errors or queries. The return is ready to submit.</p></body></html>")
        return "".join(parts)
    parts.append("<h2>Issues by rule</h2>" + _rules_table(report.issues))
    parts.append("<h2>Issues by worker</h2>" + _workers_table(report.issues))
    parts.append(
        "<h2>All issues</h2>"
        "<input type='radio' name='f' id='f-all' checked><label for='f-all'> All</label> "
        "<input type='radio' name='f' id='f-error'><label for='f-error'> Errors only</label> "
        "<input type='radio' name='f' id='f-query'><label for='f-query'> Queries only</label>"
        f"<div class='issues'>{_issues_table(report.issues)}</div>"
    )
    parts.append("</body></html>")
    return "".join(parts)
