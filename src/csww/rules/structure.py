"""Structure rules (9xx): what the file holds beyond the specification's shape. The reader
keeps every such element and the engine reports it here; nothing is dropped silently."""

from __future__ import annotations

from collections.abc import Callable

from csww.rules.registry import declare

STATUS = "Statutory status of data items"


def _noted(kind: str) -> Callable[[object], bool]:
    """The check of a rule about the file's shape: the reader's note is of its kind."""

    def check(note: object) -> bool:
        return getattr(note, "kind", None) == kind

    return check


UNKNOWN_ITEM = declare(
    "901Q",
    "query",
    "Please check: this element is not an item of the year's specification, so it will not be used; check its spelling or remove it.",
    fields=(),
    section=STATUS,
    scope="structure",
)
REPEATED_ITEM = declare(
    "902",
    "error",
    "This item appears more than once in the same record: keep one value.",
    fields=(),
    section=STATUS,
    scope="structure",
)
EMPTY_ITEM = declare(
    "903Q",
    "query",
    "Please check: this item is present but empty; give a value (a count of zero as 0) or leave the element out.",
    fields=(),
    section="How to record counts of zero",
    scope="structure",
)
NESTED = declare(
    "904",
    "error",
    "This item contains other elements; it must hold a single value.",
    fields=(),
    section=STATUS,
    scope="structure",
    check=_noted("nested"),
)
STRAY_TEXT = declare(
    "905",
    "error",
    "There is text outside any item here; every value must sit inside its element.",
    fields=(),
    section=STATUS,
    scope="structure",
    check=_noted("stray_text"),
)
MISPLACED = declare(
    "906",
    "error",
    "This record is nested inside another element; {header}, {la} and {worker} must sit directly inside {message}.",
    fields=(),
    section=STATUS,
    scope="structure",
    check=_noted("misplaced"),
)
UNKNOWN_RECORD = declare(
    "907Q",
    "query",
    "Please check: the message holds an element that is not {header}, {la} or {worker}; it will not be used.",
    fields=(),
    section=STATUS,
    scope="structure",
    check=_noted("unknown_record"),
)
DUPLICATE_RECORD = declare(
    "908",
    "error",
    "The message holds this section more than once; keep a single {header} and a single {la}.",
    fields=(),
    section=STATUS,
    scope="structure",
    check=_noted("duplicate_record"),
)
NO_LONGER_COLLECTED = declare(
    "909Q",
    "query",
    "Please check: {name} is no longer collected from {removed}, so it will not be used; leave it out of the return.",
    fields=(),
    section=STATUS,
    scope="structure",
    since=2024,
)

# The rules about what the reader notes of the file's shape, each recognising its notes.
NOTE_RULES = (NESTED, STRAY_TEXT, MISPLACED, UNKNOWN_RECORD, DUPLICATE_RECORD)
