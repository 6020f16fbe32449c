"""The rulebook's registry: every rule declared once, with its id, severity, message, fields,
the guide section it enforces and the collection years it applies to.

DfE conventions: a query's id ends in ``Q`` and its message begins "Please check"; an
error's does neither. The registry refuses a rule that breaks them or reuses an id.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

import polars as pl

from csww.core.expressions import whole_years
from csww.core.rulebook import RulebookOf, TableRule
from csww.spec import Spec, available_years

FIRST_YEAR = available_years()[0]
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


ALL_CATEGORIES = frozenset({"inpost", "leaver", "agency"})


@dataclass(frozen=True, slots=True)
class Rule(TableRule):
    """A CSWW rule: a table rule (:class:`csww.core.TableRule`) with the part of the return
    it is about (``scope``), for a worker rule the categories it applies to, and the items
    it ``requires`` valid before it runs. Its check (``check``) reads the table its scope
    names: the notes (``table="Notes"``), a worker batch, the header, the LA-level record,
    the key table or the return's totals."""

    # What the check reads differs by scope: the notes, a worker batch's columns, a
    # one-row table, the key table, or this year's and last year's key tables.
    check: Callable[..., Any]
    scope: Scope = "worker"
    categories: frozenset[str] = ALL_CATEGORIES
    requires: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "categories", frozenset(self.categories))
        object.__setattr__(self, "requires", frozenset(self.requires))

    @property
    def fields(self) -> tuple[str, ...]:
        """The items the rule is about, the first the one its issues name."""
        return self.items

    def on_rows(self, table: str, failing: pl.Expr) -> TableRule:
        """This rule as the core's table rule over ``table``, true on the ``failing`` rows
        (its check already evaluated against the table's columns)."""
        return TableRule(
            id=self.id,
            severity=self.severity,
            message=self.message,
            items=self.fields,
            section=self.section,
            table=table,
            check=lambda _inputs: failing,
            since=self.since,
            until=self.until,
        )

    @property
    def columnar(self) -> bool:
        """Whether the check is a column expression over every worker at once (a function
        of :class:`Columns` returning ``pl.Expr``), not a predicate on one record."""
        returns = getattr(self.check, "__annotations__", {}).get("return")
        return returns in ("pl.Expr", pl.Expr)


def _dfe_convention(rule: Rule) -> str | None:
    """DfE's conventions: a query's id ends in Q and its message begins "Please check"; an
    error's does neither."""
    is_query = rule.id.endswith("Q")
    if is_query != (rule.severity == "query"):
        return "a query's id, and only a query's, ends in Q"
    if is_query != rule.message.startswith("Please check"):
        return "a query's message, and only a query's, begins 'Please check'"
    return None


RULES: RulebookOf[Rule] = RulebookOf(
    "CSWW", convention=_dfe_convention, rule_type=Rule, first_year=FIRST_YEAR
)
# The one way to declare a rule, as every collection does: on its check function
# (``@rule``), or with the check given (``declare``, for rules built in a loop).
rule = RULES.rule
declare = RULES.declare
