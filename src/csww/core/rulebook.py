"""Rules declared once, as data plus a column expression.

A :class:`TableRule` names its id, severity, message, items, guide section (or DfE's rule
source), years and the inputs it needs beyond the return, and carries its check: a function
of :class:`~csww.core.evaluate.RuleInputs` giving either

* a boolean ``polars.Expr`` over the rule's table that is **true on each failing row** (null
  counts as "not failing": a rule about a missing item leaves rows that lack it alone), or
* a ``polars.DataFrame`` of the failing rows of the rule's table, carrying ``_row`` and
  optionally ``_item``, ``_value`` and ``_message`` (a cross-table or cross-year rule builds
  this with joins and windows).

The engine applies no rule by id: what a rule does lives in its check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import polars as pl

if TYPE_CHECKING:
    from csww.core.evaluate import RuleInputs

Severity = Literal["error", "query"]
CheckResult = pl.Expr | pl.DataFrame
Check = Callable[["RuleInputs"], CheckResult]
# A collection's own conventions for ids and messages: returns what is wrong, or None.
Convention = Callable[["TableRule"], "str | None"]


@dataclass(frozen=True, slots=True)
class TableRule:
    id: str
    severity: Severity
    message: str
    items: tuple[str, ...]
    section: str
    table: str
    check: Check
    since: int
    until: int | None = None
    # Inputs beyond the return ("previous", "urn_list", "postcodes", ...): when one is
    # missing the rule is reported as not run, with the reason.
    needs: frozenset[str] = field(default_factory=frozenset)
    # Where the severity or the logic rests on an assumption, the assumption in words.
    assumption: str | None = None

    def applies_to(self, year: int) -> bool:
        return self.since <= year and (self.until is None or year <= self.until)

    @property
    def years(self) -> str:
        if self.until == self.since:
            return str(self.since)
        return f"{self.since}–{self.until}" if self.until else f"{self.since} onwards"


class Rulebook:
    """Every rule of one collection, by id; refuses an id declared twice."""

    def __init__(self, collection: str, convention: Convention | None = None) -> None:
        self.collection = collection
        self._convention = convention
        self._rules: dict[str, TableRule] = {}

    def add(self, rule: TableRule) -> TableRule:
        if rule.id in self._rules:
            raise ValueError(f"{self.collection} rule {rule.id} is declared twice")
        if not rule.section:
            raise ValueError(f"{self.collection} rule {rule.id} names no source or section")
        if rule.until is not None and rule.until < rule.since:
            raise ValueError(f"{self.collection} rule {rule.id} ends before it starts")
        if self._convention is not None:
            problem = self._convention(rule)
            if problem:
                raise ValueError(f"{self.collection} rule {rule.id}: {problem}")
        self._rules[rule.id] = rule
        return rule

    def rule(
        self,
        id: str,
        severity: Severity,
        message: str,
        *,
        items: Iterable[str],
        section: str,
        table: str,
        since: int,
        until: int | None = None,
        needs: Iterable[str] = (),
        assumption: str | None = None,
    ) -> Callable[[Check], Check]:
        """Declare a rule on its check function (the decorator form of :meth:`add`)."""

        def decorate(check: Check) -> Check:
            self.add(
                TableRule(
                    id=id,
                    severity=severity,
                    message=message,
                    items=tuple(items),
                    section=section,
                    table=table,
                    check=check,
                    since=since,
                    until=until,
                    needs=frozenset(needs),
                    assumption=assumption,
                )
            )
            return check

        return decorate

    def __getitem__(self, rule_id: str) -> TableRule:
        return self._rules[rule_id]

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self._rules

    def __iter__(self) -> Iterator[TableRule]:
        return iter(sorted(self._rules.values(), key=sort_key))

    def __len__(self) -> int:
        return len(self._rules)

    def for_year(self, year: int) -> list[TableRule]:
        return [r for r in self if r.applies_to(year)]


def sort_key(rule: TableRule) -> tuple[int, str]:
    digits = "".join(ch for ch in rule.id if ch.isdigit())
    return int(digits or 0), rule.id
