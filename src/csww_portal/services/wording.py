"""Counts in words: "1 error", "2 queries", "0 records". Every message and audit entry the
portal writes in Python counts through :func:`count`, as its templates do through Django's
``pluralize`` filter, so that 0, 1 and 2 all read correctly."""

from __future__ import annotations

# Nouns whose plural is not the noun with "s" added.
IRREGULAR = {"query": "queries", "person": "people", "entry": "entries", "this": "these"}


def plural(n: int, noun: str) -> str:
    """``noun`` as it reads after the number ``n``."""
    if n == 1:
        return noun
    return IRREGULAR.get(noun, noun + "s")


def count(n: int, noun: str) -> str:
    """``n`` and its noun: ``count(1, "query")`` is "1 query", ``count(2, "query")`` is
    "2 queries", ``count(1200, "worker record")`` is "1,200 worker records"."""
    head, _, last = noun.rpartition(" ")
    return f"{n:,} {head + ' ' if head else ''}{plural(n, last)}"
