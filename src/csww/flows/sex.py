"""A worker's sex, whatever the collection year calls the item.

The item was ``GenderCurrent`` (codes 1 Male, 2 Female; 2021–2023 also 0 Not known and
9 Not specified) and is ``Sex`` (codes M, F) from 2024 (``docs/years.md``). Everything that
compares sex across years goes through :func:`sex_of` and :func:`normalise`, so this is the
one place to point at the specification when it names the item per year.
"""

from __future__ import annotations

from collections.abc import Mapping

# Elements that have held the worker's sex, newest first (see the module docstring).
SEX_ELEMENTS = ("Sex", "GenderCurrent")
_CODES = {"1": "M", "2": "F", "M": "M", "F": "F", "m": "M", "f": "F"}


def normalise(code: str | None) -> str | None:
    """``M`` or ``F``; ``None`` for a missing code, "not known", "not specified" or an
    invalid code (which cannot be compared, so never counts as a change)."""
    return _CODES.get(code.strip()) if code else None


def sex_of(values: Mapping[str, str]) -> str | None:
    """The worker's sex from a record's values, as ``M``, ``F`` or ``None``."""
    for element in SEX_ELEMENTS:
        if values.get(element):
            return normalise(values[element])
    return None
