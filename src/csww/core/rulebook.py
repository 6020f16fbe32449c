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

Every collection declares its rules the same way, on its :class:`Rulebook` (``book.rule``
on the check function, ``book.declare`` for a rule built in a loop); a collection whose
rules carry more than a table rule (CSWW's scope and worker categories) gives the
rulebook its own subclass of :class:`TableRule` and passes those as keywords.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

import polars as pl

if TYPE_CHECKING:
    from csww.core.evaluate import RuleInputs

Severity = Literal["error", "query"]
CheckResult = pl.Expr | pl.DataFrame
Check = Callable[["RuleInputs"], CheckResult]


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


R = TypeVar("R", bound=TableRule)
F = TypeVar("F", bound=Callable[..., Any])
# A collection's own conventions for ids and messages: returns what is wrong, or None.
Convention = Callable[[R], "str | None"]


class RulebookOf(Generic[R]):
    """Every rule of one collection, by id; refuses an id declared twice. ``rule_type`` is
    the collection's rule class (a :class:`TableRule`, or a subclass with its own
    attributes); ``first_year`` the year a rule applies from when it names none."""

    def __init__(
        self,
        collection: str,
        convention: Convention[R] | None = None,
        *,
        rule_type: type[R],
        first_year: int | None = None,
    ) -> None:
        self.collection = collection
        self._convention = convention
        self._rule_type = rule_type
        self._first_year = first_year
        self._rules: dict[str, R] = {}

    def add(self, rule: R) -> R:
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

    def declare(
        self,
        id: str,
        severity: Severity,
        message: str,
        *,
        check: Callable[..., Any],
        items: Iterable[str],
        section: str,
        table: str = "",
        since: int | None = None,
        until: int | None = None,
        needs: Iterable[str] = (),
        assumption: str | None = None,
        **extra: Any,
    ) -> R:
        """Declare a rule with its check; ``extra`` are the collection's own attributes."""
        first = since if since is not None else self._first_year
        if first is None:
            raise ValueError(f"{self.collection} rule {id} gives no first year")
        rule = self._rule_type(
            id=id,
            severity=severity,
            message=message,
            items=tuple(items),
            section=section,
            table=table,
            check=check,
            since=first,
            until=until,
            needs=frozenset(needs),
            assumption=assumption,
            **extra,
        )
        return self.add(rule)

    def rule(
        self,
        id: str,
        severity: Severity,
        message: str,
        *,
        items: Iterable[str],
        section: str,
        table: str = "",
        since: int | None = None,
        until: int | None = None,
        needs: Iterable[str] = (),
        assumption: str | None = None,
        **extra: Any,
    ) -> Callable[[F], F]:
        """Declare a rule on its check function (the decorator form of :meth:`declare`)."""

        def decorate(check: F) -> F:
            self.declare(
                id,
                severity,
                message,
                check=check,
                items=items,
                section=section,
                table=table,
                since=since,
                until=until,
                needs=needs,
                assumption=assumption,
                **extra,
            )
            return check

        return decorate

    def __getitem__(self, rule_id: str) -> R:
        return self._rules[rule_id]

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self._rules

    def __iter__(self) -> Iterator[R]:
        return iter(sorted(self._rules.values(), key=sort_key))

    def __len__(self) -> int:
        return len(self._rules)

    def for_year(self, year: int) -> list[R]:
        return [r for r in self if r.applies_to(year)]


class Rulebook(RulebookOf[TableRule]):
    """A rulebook of table rules (the 903's)."""

    def __init__(self, collection: str, convention: Convention[TableRule] | None = None) -> None:
        super().__init__(collection, convention, rule_type=TableRule)


def sort_key(rule: TableRule) -> tuple[int, str]:
    digits = "".join(ch for ch in rule.id if ch.isdigit())
    return int(digits or 0), rule.id
