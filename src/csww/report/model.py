"""Issues and reports: plain values that every renderer, the CLI and the portal share."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["error", "query"]


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem with a return, located as precisely as the input allows."""

    rule: str
    severity: Severity
    message: str
    worker: str | None = None
    record: int | None = None
    field: str | None = None
    value: str | None = None
    line: int | None = None
    cell: str | None = None
    item: str | None = None  # the guide's name for ``field`` (see csww.report.describe)
    guide: str | None = None  # the guide section the rule enforces
    # Collections with related tables (SSDA903): whom the issue is about (a child's id) and
    # the table of the record. Left out of ``as_dict`` when not used.
    subject: str | None = None
    table: str | None = None

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("subject", "table"):
            if data[key] is None:
                del data[key]
        return data


@dataclass(frozen=True, slots=True)
class ReadFailure:
    """Why a file could not be read at all (it is not a return we can check)."""

    message: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else ""
        if self.line and self.column:
            where += f", column {self.column}"
        return f"{self.message} ({where})" if where else self.message


@dataclass(frozen=True, slots=True)
class NotRun:
    """A rule that could not run on this return, and why (what to give so that it runs)."""

    rule: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "reason": self.reason}


@dataclass
class Report:
    """The outcome of validating one return."""

    issues: list[Issue] = field(default_factory=list)
    year: int | None = None
    spec_year: int | None = None
    la: str | None = None
    workers: int = 0
    source: str | None = None
    fatal: ReadFailure | None = None
    # What the user should know about the specification the return was checked against
    # (facts that are less than certain, assumptions); never about the data itself.
    notes: list[str] = field(default_factory=list)
    # Rules that could not run for want of an input (last year's return, a reference list).
    not_run: list[NotRun] = field(default_factory=list)
    # The collection the return belongs to, and its record counts by table (SSDA903).
    collection: str = "csww"
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> int:
        return sum(1 for i in self.issues if i.severity == "error")

    @property
    def queries(self) -> int:
        return sum(1 for i in self.issues if i.severity == "query")

    @property
    def valid(self) -> bool:
        """True when nothing blocks submission: the file was read and has no errors."""
        return self.fatal is None and self.errors == 0

    def counts_by_rule(self) -> Counter[str]:
        return Counter(i.rule for i in self.issues)

    def flatten(self, keys: tuple[str, ...] = ("rule", "record", "field")) -> list[list[Any]]:
        """Issues as plain lists of the chosen attributes: convenient for tests."""
        return [[getattr(i, k) for k in keys] for i in self.issues]

    def as_dict(self) -> dict[str, Any]:
        from csww.report.describe import described  # describe imports this module

        described(self)
        return {
            "valid": self.valid,
            "errors": self.errors,
            "queries": self.queries,
            "year": self.year,
            "spec_year": self.spec_year,
            "la": self.la,
            "workers": self.workers,
            "source": self.source,
            "fatal": None if self.fatal is None else asdict(self.fatal),
            "notes": list(self.notes),
            "issues": [i.as_dict() for i in self.issues],
            # Keys a workforce report without them has never carried are added only when used.
            **({"not_run": [n.as_dict() for n in self.not_run]} if self.not_run else {}),
            **({"collection": self.collection} if self.collection != "csww" else {}),
            **({"counts": dict(self.counts)} if self.counts else {}),
        }
