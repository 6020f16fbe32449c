"""An LA's continuity report: this year's return against last year's, as COLLECT gives it.

The checks are the rulebook's continuity rules (72x, :mod:`csww.rules.continuity`), so the
validator (``--previous``), the workbook and the portal report the same queries; this
module runs them and lays out the queries only, with each rule's note and guide section.
The report is the LA's own: it names the registration numbers in its own returns, so the
LA can find each record; it never leaves the LA's view.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from csww.engine import validate
from csww.reader import Source
from csww.report.model import Issue, ReadFailure
from csww.rules import RULES

COLUMNS = ("rule", "note", "guide_section", "registration_number", "record", "field", "line")


@dataclass
class ContinuityReport:
    current: str
    previous: str
    issues: list[Issue] = field(default_factory=list)
    fatal: ReadFailure | None = None

    def counts(self) -> Counter[str]:
        return Counter(i.rule for i in self.issues)


def continuity_rules() -> list[str]:
    return [r.id for r in RULES if r.scope == "continuity"]


def _name(source: Source, default: str) -> str:
    return str(source) if isinstance(source, str | Path) else default


def report(current: Source, previous: Source) -> ContinuityReport:
    """The continuity queries for ``current`` against the LA's ``previous`` return (files,
    or the XML as bytes)."""
    found = validate(current, previous=previous)
    out = ContinuityReport(
        _name(current, "this year's return"),
        _name(previous, "last year's return"),
        fatal=found.fatal,
    )
    wanted = set(continuity_rules())
    out.issues = [i for i in found.issues if i.rule in wanted]
    return out


def to_csv(found: ContinuityReport) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    for issue in found.issues:
        writer.writerow(
            {
                "rule": issue.rule,
                "note": issue.message,
                "guide_section": RULES[issue.rule].section,
                "registration_number": issue.worker or "",
                "record": issue.record or "",
                "field": issue.field or "",
                "line": issue.line or "",
            }
        )
    return buffer.getvalue()


def summary(found: ContinuityReport) -> list[str]:
    """One line per continuity rule: how many queries, and what the rule asks."""
    counts = found.counts()
    return [
        f"{rule_id}: {counts.get(rule_id, 0)} — {RULES[rule_id].message}"
        for rule_id in continuity_rules()
    ]
