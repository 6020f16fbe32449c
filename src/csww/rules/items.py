"""Item rules, declared from the specification: for every worker item, one rule for
"missing where mandatory" (2nn), one for "not in the right format" (3nn) and, where the
guide marks the item not applicable to a category, one query for "given where not
applicable" (4nnQ); nn is the item's number in the specification.

These rules run in one data-driven pass per worker (:func:`check_items`), which also types
every value once for the cross-field rules.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import polars as pl

from csww.rules.notes import NOTES, Noted, note_rules
from csww.rules.registry import Context, declare
from csww.spec import CATEGORIES, CATEGORY_LABELS, Item, Spec, available_years, load_spec
from csww.values import (
    decimal_places,
    parse_date,
    parse_datetime,
    parse_decimal,
    parse_integer,
    places_text,
)

LABELLED_CODES = 10
REGNO = re.compile(r"[A-Za-z]{2}\d{1,10}", re.ASCII)
Emit = Callable[[str, str | None, str | None], None]
LEAVING_DATE = "RoleEndDate"
# Codes that record no information about a leaving: the guide, for origin and destination,
# "If you do not collect this information, please select 'not yet collected' for all your
# social workers", and "select 'not known' for the remaining". Matched on the year's labels.
NO_INFORMATION = ("not known", "not yet collected")
NOT_YET_COLLECTED = "not yet collected"
_MISS = object()
CACHE_LIMIT = 100_000


def _fmt_number(x: float | None) -> str:
    if x is None:
        return ""
    return str(int(x)) if float(x).is_integer() else str(x)


def describe_format(item: Item, spec: Spec) -> str:
    """The item's format in words, for messages and the template's guidance sheet."""
    if item.type == "code":
        listed = spec.codes(item)
        if len(listed) > LABELLED_CODES:  # a long list reads better as bare codes
            return f"one of the codes {', '.join(listed)} (see the guide's {item.section} section)"
        codes = ", ".join(f"{c} ({label})" for c, label in listed.items())
        return f"one of the codes {codes}"
    if item.type == "decimal":
        return (
            f"a number from {_fmt_number(item.min)} to {_fmt_number(item.max)} "
            f"with at most {places_text(item.dp)}"
        )
    if item.type == "integer":
        return f"a whole number from {_fmt_number(item.min)} to {_fmt_number(item.max)}"
    if item.type == "date":
        return "a date written YYYY-MM-DD"
    if item.type == "datetime":
        return "a date and time written CCYY-MM-DDThh:mm:ss"
    if item.type == "regno":
        return "a registration number: two letters then up to ten digits, no spaces (for example SW123456)"
    if item.type == "text":
        return f"text of at most {item.max_length} characters"
    return item.type


def _history() -> dict[str, dict[int, Item]]:
    """Every worker item of every year: element -> {year: item}."""
    out: dict[str, dict[int, Item]] = {}
    for year in available_years():
        for element, item in load_spec(year).worker.items():
            out.setdefault(element, {})[year] = item
    return out


def _span(years: list[int]) -> tuple[int, int | None]:
    """The first and last year of ``years`` (last ``None`` when it runs to the latest)."""
    last = max(years)
    return min(years), (None if last == available_years()[-1] else last)


def missing_message(item: Item, spec: Spec) -> str | None:
    cats = [c for c in CATEGORIES if item.status_for(c) == "mandatory"]
    if not cats:
        return None
    who = " and ".join(CATEGORY_LABELS[c] for c in cats)
    return f"{item.name} is missing or empty: it must be given for {who}."


def format_message(item: Item, spec: Spec) -> str:
    return f"{item.name} must be {describe_format(item, spec)}."


def not_applicable_message(item: Item, spec: Spec) -> str | None:
    cats = [c for c in CATEGORIES if item.status_for(c) == "not_applicable"]
    if not cats:
        return None
    who = " or ".join(CATEGORY_LABELS[c] for c in cats)
    return f"Please check: {item.name} is not applicable to {who} and should be left out."


def _about(kind: str, element: str) -> Callable[[Noted], pl.Expr]:
    """The check of an item rule: the notes of ``kind`` about one worker item."""

    def check(n: Noted) -> pl.Expr:
        return n.noted(kind, "worker") & (n.element == element)

    return check


def _declare() -> None:
    """Declare each item's rules once, for the years the item exists (and, for 2nn, the
    years it is mandatory for some category); each year's spec gives the exact words."""
    for element, by_year in sorted(_history().items(), key=lambda kv: kv[1][max(kv[1])].number):
        years = sorted(by_year)
        latest_year = years[-1]
        item = by_year[latest_year]
        spec = load_spec(latest_year)
        n = f"{item.number:02d}"
        since, until = _span(years)
        mandatory_years = [y for y in years if "mandatory" in by_year[y].status.values()]
        if mandatory_years:
            first = mandatory_years[0]
            declare(
                id=f"2{n}",
                severity="error",
                message=missing_message(by_year[mandatory_years[-1]], spec) or "",
                items=(element,),
                section=f"Statutory status of data items; {item.section}",
                scope="item",
                since=first,
                until=until,
                check=_about("missing", element),
                table=NOTES,
            )
        declare(
            id=f"3{n}",
            severity="error",
            message=format_message(item, spec),
            items=(element,),
            section=item.section,
            scope="item",
            since=since,
            until=until,
            check=_about("malformed", element),
            table=NOTES,
        )
        na_years = [y for y in years if "not_applicable" in by_year[y].status.values()]
        if na_years:
            declare(
                id=f"4{n}Q",
                severity="query",
                message=not_applicable_message(by_year[na_years[-1]], spec) or "",
                items=(element,),
                section=f"Statutory status of data items; {item.section}",
                scope="item",
                since=na_years[0],
                until=until,
                check=_about("not_applicable", element),
                table=NOTES,
            )
    declare(
        id="350",
        severity="error",
        message="Ethnic origin codes WIRT (Traveller of Irish Heritage) and WROM (Gypsy / Roma) are not used in this collection: use WOTH instead.",
        items=("Ethnicity",),
        section="General Data Items – Ethnic origin",
        scope="item",
        check=lambda n: n.noted("forbidden_code", "worker"),
        table=NOTES,
    )


_declare()


def parser_for(item: Item, spec: Spec) -> Callable[[str], Any]:
    """A function from text to typed value, or ``None`` when the text breaks the format."""
    if item.type == "code":
        codes = spec.codes(item)
        return lambda text: text if text in codes else None
    if item.type == "decimal":
        lo, hi, dp = item.min, item.max, item.dp

        def decimal(text: str) -> float | None:
            value = parse_decimal(text)
            if value is None or (dp is not None and decimal_places(text) > dp):
                return None
            if (lo is not None and value < lo) or (hi is not None and value > hi):
                return None
            return value

        return decimal
    if item.type == "integer":
        lo, hi = item.min, item.max

        def integer(text: str) -> int | None:
            value = parse_integer(text)
            if value is None or (lo is not None and value < lo) or (hi is not None and value > hi):
                return None
            return value

        return integer
    if item.type == "date":
        return parse_date
    if item.type == "datetime":
        return parse_datetime
    if item.type == "regno":
        limit = item.max_length or 12
        return lambda text: text if len(text) <= limit and REGNO.fullmatch(text) else None
    limit = item.max_length or 255
    return lambda text: text if len(text) <= limit else None


class ItemChecker:
    """The compiled item rules for one spec: typing, format, presence and applicability."""

    def __init__(self, ctx: Context) -> None:
        spec = ctx.spec
        self.ctx = ctx
        self.parsers = {e: parser_for(i, spec) for e, i in spec.worker.items()}
        # What the checker notes of an item, and the rule that reports each note.
        self.notes = note_rules(ctx)
        self.format_rule = self._rules("malformed", spec)
        self.missing_rule = self._rules("missing", spec)
        self.na_rule = self._rules("not_applicable", spec)
        self.mandatory: dict[str, frozenset[str]] = {c: spec.mandatory(c) for c in CATEGORIES}
        self.not_applicable: dict[str, frozenset[str]] = {
            c: spec.not_applicable(c) for c in CATEGORIES
        }
        self.forbidden = spec.forbidden_codes
        # A record is a leaver only if it has a leaving date, so rule 213 needs other
        # evidence: items that belong to leavers and are not applicable to workers in post.
        self.leaver_items = (self.not_applicable["inpost"] - self.not_applicable["leaver"]) - {
            LEAVING_DATE
        }
        # A "not yet collected" or "not known" code on a worker in post is what the guide tells
        # an LA to give all its social workers, not evidence that the worker left.
        self.no_information = {
            e: frozenset(c for c, t in spec.codes(spec.worker[e]).items() if _no_info(t))
            for e in self.leaver_items
        }
        self.not_collected = {
            e: frozenset(
                c for c, t in spec.codes(spec.worker[e]).items() if t.lower() == NOT_YET_COLLECTED
            )
            for e in self.leaver_items
        }
        self.cache: dict[tuple[str, str], Any] = {}
        self.removed = spec.removed
        self.repeatable = frozenset(e for e, i in spec.worker.items() if i.repeatable)
        # An item a year replaced, tolerated in its place where the change is uncertain.
        self.stand_ins = {
            i.replaces: e for e, i in spec.worker.items() if i.replaces and i.replaced_tolerated
        }
        self.messages = item_messages(spec)

    def _rules(self, kind: str, spec: Spec) -> dict[str, str]:
        """The rule reporting a note of ``kind`` about each worker item (where one does)."""
        found = {e: self.notes.match(kind, "worker", e) for e in spec.worker}
        return {e: rule.id for e, rule in found.items() if rule is not None}

    def _noted(self, kind: str, element: str) -> str:
        return self.notes.rule(kind, "worker", element).id

    def extra_rule(self, element: str, text: str) -> str | None:
        """The rule for a repeated occurrence of ``element`` (``None``: nothing to report)."""
        if element in self.repeatable:
            value = self.parsers[element](text) if text else None
            return None if value is not None else self.format_rule[element]
        return self._noted("repeated" if element in self.parsers else "unknown", element)

    def check(self, raw: dict[str, str], cat: str, emit: Emit) -> dict[str, Any]:
        """Emit item issues for one worker and return its typed values."""
        typed: dict[str, Any] = {}
        parsers = self.parsers
        cache = self.cache
        empty: list[str] = []
        for element, text in raw.items():
            # Codes, FTEs and dates repeat across workers: type each distinct text once.
            key = (element, text)
            value = cache.get(key, _MISS)
            if value is _MISS:
                parse = parsers.get(element)
                if parse is None:
                    emit(self._noted("unknown", element), element, text)
                    continue
                if text == "":
                    empty.append(element)
                    continue
                value = parse(text)
                if len(cache) < CACHE_LIMIT:
                    cache[key] = value
            if value is None:
                forbidden = self.forbidden.get(element)
                if forbidden and text in forbidden:
                    emit(self._noted("forbidden_code", element), element, text)
                else:
                    emit(self.format_rule[element], element, text)
            else:
                typed[element] = value
        mandatory = self.mandatory[cat]
        for element in empty:
            if element not in mandatory:
                emit(self._noted("empty", element), element, "")
        for element in self._missing(raw, cat, empty):
            emit(self.missing_rule[element], element, None)
        not_applicable = self.not_applicable[cat].intersection(raw.keys())
        for element in sorted(not_applicable) if not_applicable else ():
            if raw[element] == "" or _exempt(element, cat, typed, self.ctx):
                continue
            if cat == "inpost" and raw[element] in self.not_collected.get(element, ()):
                continue  # "select 'not yet collected' for all your social workers"
            emit(self.na_rule[element], element, raw[element])
        return typed

    def _missing(self, raw: dict[str, str], cat: str, empty: list[str]) -> list[str]:
        """The mandatory items a worker lacks (absent or empty), in rule order."""
        mandatory = self.mandatory[cat]
        missing = mandatory.difference(raw.keys())
        if empty:
            missing = missing.union(e for e in empty if e in mandatory)
        if (
            cat == "inpost"
            and not raw.get(LEAVING_DATE)
            and any(raw.get(e) and raw[e] not in self.no_information[e] for e in self.leaver_items)
        ):
            missing = missing.union((LEAVING_DATE,))
        if missing and self.stand_ins:
            missing = missing.difference(new for old, new in self.stand_ins.items() if raw.get(old))
        if not missing:
            return []
        return sorted(missing, key=lambda e: self.missing_rule[e])


def item_messages(spec: Spec) -> dict[str, str]:
    """Each item rule's words for this year's spec (names, statuses and codes change)."""
    out: dict[str, str] = {}
    for item in spec.worker.values():
        n = f"{item.number:02d}"
        missing = missing_message(item, spec)
        if missing:
            out[f"2{n}"] = missing
        out[f"3{n}"] = format_message(item, spec)
        na = not_applicable_message(item, spec)
        if na:
            out[f"4{n}Q"] = na
    return out


def _no_info(label: str) -> bool:
    return label.lower() in NO_INFORMATION


def _exempt(element: str, cat: str, typed: dict[str, Any], ctx: Context) -> bool:
    """Cases the guide itself allows for an otherwise not-applicable item, and one that
    another rule reports in better words."""
    if cat == "agency" and element == LEAVING_DATE:
        # An agency record with a leaving date is query 535Q, which says what it changes.
        return LEAVING_DATE in typed
    if cat != "leaver":
        return False
    if element == "Cases30":
        # "Staff leaving on 30 September ... include the number of cases they have on that date"
        # (the census day: the last working day of September when the 30th is a weekend).
        end = typed.get("RoleEndDate")
        return end is not None and end >= ctx.census_day
    if element == "FTE30":
        # "Starters who leave within the year ... FTE recorded at both time points (0)";
        # rule 506 checks the value is 0.
        start = typed.get("RoleStartDate")
        return start is not None and start > ctx.previous_reference_date
    return False
