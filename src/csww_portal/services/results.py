"""Shaping the core's report for the results pages: counts per rule, workers, filters.

This only groups and counts the issues the core found; it never judges data itself.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from csww.model import Record, Return, category_of
from csww.report.describe import item_name
from csww.report.model import Issue, Report
from csww.rules import RULES
from csww.spec import CATEGORY_LABELS, spec_for
from csww_portal.services.status import NoteKey, explained
from csww_portal.services.versions import worker_name


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
    label: str = ""  # the note form's label, when the query needs naming on its page


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


class Names:
    """How pages name what an issue or a note is about: a worker record by its registration
    number, with its category and role as the worker records page shows them (never by its
    row, which changes whenever a record is added or deleted), and an item by the guide's
    name for it."""

    def __init__(self, parsed: Return | None, year: int) -> None:
        self.spec = spec_for(year)
        self.records = parsed.workers if parsed is not None else []
        self.roles = (
            self.spec.codes(self.spec.worker["OrgRole"]) if "OrgRole" in self.spec.worker else {}
        )
        self.by_number = {r.values.get("SWENo", ""): r for r in self.records}

    def _described(self, record: Record) -> str:
        role = self.roles.get(record.values.get("OrgRole", ""), "")
        category = CATEGORY_LABELS[category_of(record)]
        return f"{category}, {role}" if role else category

    def record(self, position: int | None, worker: str | None) -> str:
        """The record at ``position`` (1-based; None: no record this year) or, without one,
        the registration number ``worker``; "" for the return as a whole."""
        found = self.records[position - 1] if position and position <= len(self.records) else None
        if found is None:
            if worker:
                return f"Worker {worker} (no record in this return)"
            return ""
        who = worker_name(found)
        return f"{who[0].upper()}{who[1:]} ({self._described(found)})"

    def worker(self, swe: str) -> str:
        """A note's worker, by registration number, described if the current version has it."""
        found = self.by_number.get(swe) if swe else None
        return f"Worker {swe}" + (f" ({self._described(found)})" if found is not None else "")

    def item(self, field: str | None) -> str:
        """The guide's name for an item ("" for none; the element itself if unknown)."""
        if not field:
            return ""
        return item_name(field, self.spec) or field

    def _joined(self, who: str, rule: str, field: str | None) -> str:
        what = ", ".join(p for p in (f"rule {rule}" if rule else "", self.item(field)) if p)
        if who and what:
            return f"{who}: {what}"
        return who or (f"Whole return: {what}" if what else "Whole return")

    def issue(self, issue: Issue) -> str:
        """What a query or error is about, in words: the record, the rule and the item."""
        return self._joined(self.record(issue.record, issue.worker), issue.rule, issue.field)

    def note(self, worker: str, rule: str, field: str) -> str:
        """What a note is about, in words (its worker by registration number)."""
        return self._joined(self.worker(worker) if worker else "", rule, field)
