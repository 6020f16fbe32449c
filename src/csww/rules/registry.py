"""The rulebook's registry: every rule declared once, with its id, severity, message, fields,
the guide section it enforces and the collection years it applies to.

DfE conventions: a query's id ends in ``Q`` and its message begins "Please check"; an
error's does neither. The registry refuses a rule that breaks them or reuses an id.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

import polars as pl

from csww.core.expressions import whole_years
from csww.report.model import Severity
from csww.spec import Spec

Scope = Literal["header", "la", "item", "worker", "records", "continuity", "return", "structure"]
SCOPES: tuple[Scope, ...] = (
    "structure",
    "header",
    "la",
    "item",
    "worker",
    "records",
    "continuity",
    "return",
)


@dataclass(slots=True)
class Context:
    """What every rule may consult: the spec it checks against and the year's dates.

    ``reference_date`` is 30 September (the header's Reference Date, the end of the collection
    year); ``census_day`` is the day whose position is recorded: 30 September, or the last
    working day of September when 30 September is a Saturday or Sunday (the guide).
    """

    spec: Spec
    year: int
    requested_year: int | None = None
    reference_date: date = field(init=False)
    census_day: date = field(init=False)
    previous_reference_date: date = field(init=False)
    period_start: date = field(init=False)

    def __post_init__(self) -> None:
        # Every date comes from the year's specification (its timetable).
        self.reference_date = self.spec.reference_date
        self.census_day = self.spec.census_day
        self.previous_reference_date = self.spec.previous_reference_date
        self.period_start = self.spec.period_start


@dataclass(slots=True)
class View:
    """What a predicate sees: raw text, typed values, the worker's category and context."""

    raw: dict[str, str]
    t: dict[str, Any]
    cat: str
    ctx: Context
    totals: Any = None


@dataclass(frozen=True, slots=True)
class Columns:
    """What a worker rule written as a column expression sees: the workers' typed columns
    (:meth:`t`), their text as written (:meth:`raw`, :meth:`given`), their category and the
    year's context. The expression is true on the rows that are valid."""

    ctx: Context

    def t(self, element: str) -> pl.Expr:
        """The item's typed value (null where absent, empty or malformed)."""
        return pl.col("t:" + element)

    def raw(self, element: str) -> pl.Expr:
        """The item's text as written (null where the record lacks it)."""
        return pl.col(element)

    def given(self, element: str) -> pl.Expr:
        """Whether the record gives the item a non-empty text."""
        return pl.col(element).is_not_null() & (pl.col(element) != "")

    @property
    def cat(self) -> pl.Expr:
        return pl.col("_cat")

    @staticmethod
    def day(value: date) -> pl.Expr:
        return pl.lit(value, dtype=pl.Date)

    @staticmethod
    def years_between(earlier: pl.Expr, later: pl.Expr) -> pl.Expr:
        """Whole years from ``earlier`` to ``later`` (:func:`csww.values.years_between`)."""
        return whole_years(earlier, later)


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    severity: Severity
    message: str
    fields: tuple[str, ...]
    section: str
    scope: Scope
    check: Callable[..., Any] | None = None
    since: int = 2017
    until: int | None = None
    categories: frozenset[str] = frozenset({"inpost", "leaver", "agency"})
    needs: frozenset[str] = field(default_factory=frozenset)
    # The table the check reads: "Notes" for a rule over what the readers noted
    # (:mod:`csww.rules.notes`); empty for a rule over the part its scope names.
    table: str = ""

    def applies_to(self, year: int) -> bool:
        return self.since <= year and (self.until is None or year <= self.until)

    @property
    def years(self) -> str:
        if self.until == self.since:
            return str(self.since)
        return f"{self.since}–{self.until}" if self.until else f"{self.since} onwards"

    @property
    def columnar(self) -> bool:
        """Whether the check is a column expression over every worker at once (a function
        of :class:`Columns` returning ``pl.Expr``), not a predicate on one record."""
        if self.check is None:
            return False
        returns = getattr(self.check, "__annotations__", {}).get("return")
        return returns in ("pl.Expr", pl.Expr)


class Registry:
    def __init__(self) -> None:
        self._rules: dict[str, Rule] = {}

    def add(self, rule: Rule) -> Rule:
        if rule.id in self._rules:
            raise ValueError(f"rule {rule.id} is declared twice")
        is_query = rule.id.endswith("Q")
        if is_query != (rule.severity == "query"):
            raise ValueError(f"rule {rule.id}: a query's id, and only a query's, ends in Q")
        if is_query != rule.message.startswith("Please check"):
            raise ValueError(
                f"rule {rule.id}: a query's message, and only a query's, begins 'Please check'"
            )
        if not rule.section:
            raise ValueError(f"rule {rule.id} does not name the guide section it enforces")
        self._rules[rule.id] = rule
        return rule

    def __getitem__(self, rule_id: str) -> Rule:
        return self._rules[rule_id]

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self._rules

    def __iter__(self) -> Iterator[Rule]:
        return iter(sorted(self._rules.values(), key=sort_key))

    def __len__(self) -> int:
        return len(self._rules)

    def for_year(self, year: int, scope: Scope | None = None) -> list[Rule]:
        return [r for r in self if r.applies_to(year) and (scope is None or r.scope == scope)]


def sort_key(rule: Rule) -> tuple[int, str]:
    digits = "".join(ch for ch in rule.id if ch.isdigit())
    return int(digits or 0), rule.id


RULES = Registry()


def rule(
    id: str,
    severity: Severity,
    message: str,
    *,
    fields: Iterable[str],
    section: str,
    scope: Scope,
    since: int = 2017,
    until: int | None = None,
    categories: Iterable[str] = ("inpost", "leaver", "agency"),
    needs: Iterable[str] = (),
    table: str = "",
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare a rule on the function that tests its *valid* condition."""

    def decorate(check: Callable[..., Any]) -> Callable[..., Any]:
        declare(
            id,
            severity,
            message,
            fields=fields,
            section=section,
            scope=scope,
            since=since,
            until=until,
            check=check,
            categories=categories,
            needs=needs,
            table=table,
        )
        return check

    return decorate


def declare(
    id: str,
    severity: Severity,
    message: str,
    *,
    fields: Iterable[str],
    section: str,
    scope: Scope,
    since: int = 2017,
    until: int | None = None,
    check: Callable[..., Any] | None = None,
    categories: Iterable[str] = ("inpost", "leaver", "agency"),
    needs: Iterable[str] = (),
    table: str = "",
) -> Rule:
    """Declare a rule with its check (the decorator form is :func:`rule`)."""
    return RULES.add(
        Rule(
            id=id,
            severity=severity,
            message=message,
            fields=tuple(fields),
            section=section,
            scope=scope,
            check=check,
            since=since,
            until=until,
            categories=frozenset(categories),
            needs=frozenset(needs),
            table=table,
        )
    )
