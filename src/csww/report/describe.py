"""What every issue says to its reader: the item by the guide's name, the guide section the
rule enforces, and a message about the value itself where the rule's words would mislead.

A rule's message is declared once in the rulebook; the engine reports the XML element. This
module adds, for every output (text, HTML, CSV, JSON, workbook, portal), the guide's name
for the item (``item``) and the guide section (``guide``), so that a data manager reading
"FTE as at 30 September" in a report finds the same words in the workbook's heading and in
the guide. It is applied once per report and is idempotent.
"""

from __future__ import annotations

from dataclasses import replace

from csww.report.model import Issue, Report
from csww.spec import Spec, UnknownYear, spec_for
from csww.values import impossible_date

# Parts of the return that are not data items, by the names the guide uses for them (the
# XML names of the parts are the year's, from its specification).
PARTS = {
    "header": "Header",
    "la": "LA-level figures (Aggregated Data Items)",
    "worker": "Worker records",
    "message": "Message",
}


def item_name(element: str | None, spec: Spec) -> str | None:
    """The guide's name for an XML element of the return; None for an unknown element."""
    if not element:
        return None
    for items in (spec.header, spec.la, spec.worker):
        if element in items:
            return items[element].name
    sections = spec.sections
    for part, words in PARTS.items():
        if getattr(sections, part) == element:
            return words
    return None


def item_label(issue: Issue) -> str | None:
    """ "Date of birth (PersonBirthDate)": the guide's name first, the XML element second."""
    if issue.item and issue.field and issue.item != issue.field:
        return f"{issue.item} ({issue.field})"
    return issue.item or issue.field


def _message(issue: Issue, spec: Spec, name: str | None) -> str:
    """The rule's message, or one about the value when the value has the right shape but
    names no real date (a format message would tell the user what they already did)."""
    element = issue.field
    item = None
    for items in (spec.header, spec.la, spec.worker):
        if element in items:
            item = items[element]
    if item is None or item.type not in ("date", "datetime") or issue.value is None:
        return issue.message
    why = impossible_date(issue.value)
    if why is None or issue.severity != "error":
        return issue.message
    return (
        f"{name or element}: '{issue.value}' is written as a date, but {why}. Correct the "
        "date, keeping the order year-month-day (YYYY-MM-DD)."
    )


def guide_section(rule_id: str) -> str:
    """The guide section a rule enforces, as the rulebook declares it."""
    from csww.rules import RULES  # the rulebook imports this package: import late

    try:
        return RULES[rule_id].section
    except KeyError:
        return ""


def describe_issue(issue: Issue, spec: Spec) -> Issue:
    if issue.guide is not None:
        return issue
    name = item_name(issue.field, spec)
    return replace(
        issue,
        item=name,
        guide=guide_section(issue.rule),
        message=_message(issue, spec, name),
    )


def described(report: Report) -> Report:
    """The report with every issue described (the same object when already done)."""
    if all(i.guide is not None for i in report.issues):
        return report
    try:
        spec = spec_for(report.spec_year or report.year)
    except UnknownYear:  # a report about a year with no specification holds no issues
        spec = spec_for(None)
    report.issues = [describe_issue(i, spec) for i in report.issues]
    return report
