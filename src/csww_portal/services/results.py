"""Shaping the core's report for the results pages: counts per rule, workers, filters.

This only groups and counts the issues the core found; it never judges data itself.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from csww.report.model import Issue, Report
from csww.rules import RULES
from csww_portal.services.status import NoteKey, explained


@dataclass
class RuleCount:
    rule: str
    severity: str
    message: str
    count: int
    section: str


@dataclass
class WorkerIssues:
    record: int
    worker: str
    errors: int = 0
    queries: int = 0
    unexplained: int = 0
    link: str = ""


@dataclass
class Row:
    issue: Issue
    explained: bool
    link: str = ""
    note_link: str = ""


@dataclass
class Summary:
    rules: list[RuleCount] = field(default_factory=list)
    workers: list[WorkerIssues] = field(default_factory=list)
    return_level: list[Issue] = field(default_factory=list)
    # Set when the stored report kept only the first issues: (issues found, issues kept).
    truncated: tuple[int, int] | None = None


def summarise(
    report: Report, keys: set[NoteKey], truncated: dict[str, Any] | None = None
) -> Summary:
    """Counts per rule and per worker. A report stored in part (see
    ``versions.stored_report``) still counts every rule in full."""
    counts = Counter(i.rule for i in report.issues)
    first: dict[str, Issue] = {}
    by_record: dict[int, WorkerIssues] = {}
    summary = Summary()
    for issue in report.issues:
        first.setdefault(issue.rule, issue)
        if issue.record:
            entry = by_record.get(issue.record)
            if entry is None:
                entry = by_record[issue.record] = WorkerIssues(issue.record, issue.worker or "")
            if issue.severity == "error":
                entry.errors += 1
            else:
                entry.queries += 1
                if not explained(issue, keys):
                    entry.unexplained += 1
        else:
            summary.return_level.append(issue)
    for rule_id, issue in first.items():
        section = RULES[rule_id].section if rule_id in RULES else ""
        summary.rules.append(
            RuleCount(rule_id, issue.severity, issue.message, counts[rule_id], section)
        )
    if truncated:
        summary.truncated = (truncated["issues"], len(report.issues))
        summary.rules = [
            RuleCount(rule, sev, msg, n, RULES[rule].section if rule in RULES else "")
            for rule, (sev, msg, n) in truncated["rules"].items()
        ]
    summary.rules.sort(key=lambda r: (r.severity != "error", -r.count, r.rule))
    summary.workers = sorted(by_record.values(), key=lambda w: w.record)
    return summary


def filtered(
    report: Report, *, severity: str = "", rule: str = "", record: int | None = None
) -> list[Issue]:
    issues = report.issues
    if severity in ("error", "query"):
        issues = [i for i in issues if i.severity == severity]
    if rule:
        issues = [i for i in issues if i.rule == rule]
    if record is not None:
        issues = [i for i in issues if i.record == record]
    return issues
