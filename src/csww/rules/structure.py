"""Structure rules (9xx): what the file holds beyond the specification's shape. The reader
keeps every such element and notes it (:mod:`csww.rules.notes`); each rule here reports its
notes, so nothing is dropped silently."""

from __future__ import annotations

import polars as pl

from csww.rules.notes import NOTES, Noted, noted
from csww.rules.registry import declare

STATUS = "Statutory status of data items"


def _unknown(n: Noted) -> pl.Expr:
    """An element the year does not know, in a record of any part."""
    return n.noted("unknown") & ~n.about(n.spec.removed)


def _no_longer_collected(n: Noted) -> pl.Expr:
    """An element an earlier year collected and this year no longer does."""
    return n.noted("unknown") & n.about(n.spec.removed)


UNKNOWN_ITEM = declare(
    "901Q",
    "query",
    "Please check: this element is not an item of the year's specification, so it will not be used; check its spelling or remove it.",
    items=(),
    section=STATUS,
    scope="structure",
    check=_unknown,
    table=NOTES,
)
REPEATED_ITEM = declare(
    "902",
    "error",
    "This item appears more than once in the same record: keep one value.",
    items=(),
    section=STATUS,
    scope="structure",
    check=noted("repeated"),
    table=NOTES,
)
EMPTY_ITEM = declare(
    "903Q",
    "query",
    "Please check: this item is present but empty; give a value (a count of zero as 0) or leave the element out.",
    items=(),
    section="How to record counts of zero",
    scope="structure",
    check=noted("empty", "worker"),
    table=NOTES,
)
NESTED = declare(
    "904",
    "error",
    "This item contains other elements; it must hold a single value.",
    items=(),
    section=STATUS,
    scope="structure",
    check=noted("nested", "message"),
    table=NOTES,
)
STRAY_TEXT = declare(
    "905",
    "error",
    "There is text outside any item here; every value must sit inside its element.",
    items=(),
    section=STATUS,
    scope="structure",
    check=noted("stray_text", "message"),
    table=NOTES,
)
MISPLACED = declare(
    "906",
    "error",
    "This record is nested inside another element; {header}, {la} and {worker} must sit directly inside {message}.",
    items=(),
    section=STATUS,
    scope="structure",
    check=noted("misplaced", "message"),
    table=NOTES,
)
UNKNOWN_RECORD = declare(
    "907Q",
    "query",
    "Please check: the message holds an element that is not {header}, {la} or {worker}; it will not be used.",
    items=(),
    section=STATUS,
    scope="structure",
    check=noted("unknown_record", "message"),
    table=NOTES,
)
DUPLICATE_RECORD = declare(
    "908",
    "error",
    "The message holds this section more than once; keep a single {header} and a single {la}.",
    items=(),
    section=STATUS,
    scope="structure",
    check=noted("duplicate_record", "message"),
    table=NOTES,
)
NO_LONGER_COLLECTED = declare(
    "909Q",
    "query",
    "Please check: {name} is no longer collected from {removed}, so it will not be used; leave it out of the return.",
    items=(),
    section=STATUS,
    scope="structure",
    since=2024,
    check=_no_longer_collected,
    table=NOTES,
)
