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

from csww.rules.registry import RULES, Context, Rule
from csww.spec import CATEGORIES, CATEGORY_LABELS, Item, Spec, available_years, load_spec
from csww.values import decimal_places, parse_date, parse_datetime, parse_decimal, parse_integer

LABELLED_CODES = 10
REGNO = re.compile(r"[A-Za-z]{2}\d{1,10}", re.ASCII)
Emit = Callable[[str, str | None, str | None], None]
LEAVING_DATE = "RoleEndDate"
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
            f"with at most {item.dp} decimal places"
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


def _statuses(element: str) -> dict[str, set[str]]:
    """Every category's statuses for an item across all years with a specification."""
    out: dict[str, set[str]] = {}
    for year in available_years():
        item = load_spec(year).worker.get(element)
        if item:
            for cat in ("inpost", "leaver", "agency"):
                out.setdefault(cat, set()).add(item.status_for(cat))
    return out


def _first_year(element: str, status: str) -> int:
    for year in available_years():
        item = load_spec(year).worker.get(element)
        if item and status in item.status.values():
            return year
    return available_years()[0]


def _declare() -> None:
    latest = load_spec(available_years()[-1])
    for element, item in latest.worker.items():
        n = f"{item.number:02d}"
        statuses = _statuses(element)
        mandatory_cats = [c for c, s in statuses.items() if "mandatory" in s]
        if mandatory_cats:
            who = " and ".join(CATEGORY_LABELS[c] for c in mandatory_cats)  # type: ignore[index]
            RULES.add(
                Rule(
                    id=f"2{n}",
                    severity="error",
                    message=f"{item.name} is missing or empty: it must be given for {who}.",
                    fields=(element,),
                    section=f"Statutory status of data items; {item.section}",
                    scope="item",
                    since=_first_year(element, "mandatory"),
                )
            )
        RULES.add(
            Rule(
                id=f"3{n}",
                severity="error",
                message=f"{item.name} must be {describe_format(item, latest)}.",
                fields=(element,),
                section=item.section,
                scope="item",
            )
        )
        na_cats = [c for c, s in statuses.items() if "not_applicable" in s]
        if na_cats:
            who = " or ".join(CATEGORY_LABELS[c] for c in na_cats)  # type: ignore[index]
            RULES.add(
                Rule(
                    id=f"4{n}Q",
                    severity="query",
                    message=f"Please check: {item.name} is not applicable to {who} and should be left out.",
                    fields=(element,),
                    section=f"Statutory status of data items; {item.section}",
                    scope="item",
                )
            )
    RULES.add(
        Rule(
            id="350",
            severity="error",
            message="Ethnic origin codes WIRT (Traveller of Irish Heritage) and WROM (Gypsy / Roma) are not used in this collection: use WOTH instead.",
            fields=("Ethnicity",),
            section="General Data Items – Ethnic origin",
            scope="item",
        )
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
        self.format_rule = {e: f"3{i.number:02d}" for e, i in spec.worker.items()}
        self.missing_rule = {e: f"2{i.number:02d}" for e, i in spec.worker.items()}
        self.na_rule = {e: f"4{i.number:02d}Q" for e, i in spec.worker.items()}
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
        self.cache: dict[tuple[str, str], Any] = {}

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
                    emit("901Q", element, text)
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
                    emit("350", element, text)
                else:
                    emit(self.format_rule[element], element, text)
            else:
                typed[element] = value
        mandatory = self.mandatory[cat]
        for element in empty:
            if element not in mandatory:
                emit("903Q", element, "")
        missing = mandatory.difference(raw.keys())
        if empty:
            missing = missing.union(e for e in empty if e in mandatory)
        if (
            cat == "inpost"
            and not raw.get(LEAVING_DATE)
            and any(raw.get(e) for e in self.leaver_items)
        ):
            missing = missing.union((LEAVING_DATE,))
        if missing:
            for element in sorted(missing, key=lambda e: self.missing_rule[e]):
                emit(self.missing_rule[element], element, None)
        not_applicable = self.not_applicable[cat].intersection(raw.keys())
        for element in sorted(not_applicable) if not_applicable else ():
            if raw[element] != "" and not _exempt(element, cat, typed, self.ctx):
                emit(self.na_rule[element], element, raw[element])
        return typed


def _exempt(element: str, cat: str, typed: dict[str, Any], ctx: Context) -> bool:
    """Cases the guide itself allows for an otherwise not-applicable item."""
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
