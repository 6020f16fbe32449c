"""A return's progress as the dashboard shows it, and which queries still lack a note.

Whether something is an error or a query is the core's decision (``Issue.severity``);
this module only matches the core's issues to the LA's notes and counts them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

from csww.report.model import Issue, Report
from csww_portal.models import LAReturn, Note, State
from csww_portal.services.wording import count

NoteKey = tuple[str, str, str]


class Progress(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    ERRORS = "errors", "Loaded with errors"
    QUERIES = "queries", "Queries outstanding"
    READY = "ready", "Ready to submit"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"


TAG_CLASSES = {
    Progress.NOT_STARTED: "govuk-tag--grey",
    Progress.ERRORS: "govuk-tag--red",
    Progress.QUERIES: "govuk-tag--yellow",
    Progress.READY: "govuk-tag--blue",
    Progress.SUBMITTED: "govuk-tag--turquoise",
    Progress.APPROVED: "govuk-tag--green",
}


def progress_of(ret: LAReturn) -> Progress:
    if ret.state == State.APPROVED:
        return Progress.APPROVED
    if ret.state == State.SUBMITTED:
        return Progress.SUBMITTED
    if ret.current_id is None:
        return Progress.NOT_STARTED
    if ret.errors:
        return Progress.ERRORS
    if ret.unexplained:
        return Progress.QUERIES
    return Progress.READY


def issue_key(issue: Issue) -> NoteKey:
    return (issue.worker or "", issue.rule, issue.field or "")


def note_keys(notes: Iterable[Note]) -> set[NoteKey]:
    return {(n.worker, n.rule, n.field) for n in notes if n.rule}


def explained(issue: Issue, notes: set[NoteKey]) -> bool:
    """Whether a query has a note: its own (registration number, rule, item) or a rule-wide
    one (a rule alone, explaining every query of that rule, e.g. one reason for all 416Q).
    ``notes`` is :func:`note_keys` of the return's notes. The one test every page, the
    dashboard and the submit check use."""
    return issue.severity == "query" and (
        ("", issue.rule, "") in notes or issue_key(issue) in notes
    )


def unexplained_queries(report: Report, keys: set[NoteKey]) -> list[Issue]:
    """Queries without a note (see :func:`explained`)."""
    return [i for i in report.issues if i.severity == "query" and not explained(i, keys)]


def queries_by_rule(issues: Iterable[Issue]) -> list[tuple[str, str, int]]:
    """(rule, message, count) for a list of queries, most frequent first."""
    counts: dict[str, list[Any]] = {}
    for issue in issues:
        counts.setdefault(issue.rule, [issue.message, 0])[1] += 1
    return sorted(((r, m, n) for r, (m, n) in counts.items()), key=lambda t: (-t[2], t[0]))


def refresh(ret: LAReturn, report: Report | None = None) -> None:
    """Recount the return's figures from its current version and notes (caller saves)."""
    if ret.current is None:
        ret.workers = ret.errors = ret.queries = ret.unexplained = 0
        return
    truncated = None if report is not None else ret.current.report.get("truncated")
    report = report or ret.current.report_object()
    keys = note_keys(ret.notes.all())
    ret.workers = report.workers
    ret.errors = ret.current.errors + (1 if report.fatal else 0)
    ret.queries = ret.current.queries
    ret.unexplained = len(unexplained_queries(report, keys))
    if truncated:
        # Only the first issues were stored: count every query of a rule without a
        # rule-wide note, less the stored ones with a note of their own.
        wide = {rule for worker, rule, field in keys if not worker and not field}
        own = sum(
            1
            for i in report.issues
            if i.severity == "query" and i.rule not in wide and issue_key(i) in keys
        )
        ret.unexplained = (
            sum(
                n
                for rule, (severity, _m, n) in truncated["rules"].items()
                if severity == "query" and rule not in wide
            )
            - own
        )


def submit_blockers(ret: LAReturn) -> list[str]:
    """Why the return cannot be submitted yet, in words for the LA; empty when it can."""
    if ret.current is None:
        return ["Upload your return first."]
    if ret.locked:
        return [f"The return is already {ret.get_state_display().lower()}."]
    reasons = []
    if ret.errors:
        reasons.append(f"Fix the {count(ret.errors, 'error')}: errors must be corrected.")
    if ret.unexplained:
        reasons.append(
            f"Fix or add a note to the {count(ret.unexplained, 'query')} without a note."
        )
    return reasons
