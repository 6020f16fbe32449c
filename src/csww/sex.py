"""A worker's sex, whatever the collection year calls the item.

The specification names the item of each year by the concept "sex" (an element and a code
list that changed in 2024). Everything that compares sex across years goes through
:func:`sex_of` and :func:`normalise`, which read every year's specification, so a person's
2023 record and 2024 record compare by what the codes mean, not how they are written.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from csww.spec import available_years, load_spec

LETTERS = {"Male": "M", "Female": "F"}


@cache
def _elements_and_codes() -> tuple[tuple[str, ...], dict[str, str]]:
    elements: list[str] = []
    codes: dict[str, str] = {}
    for year in sorted(available_years(), reverse=True):  # newest first
        spec = load_spec(year)
        element = spec.element_for("sex")
        if element is None:
            continue
        if element not in elements:
            elements.append(element)
        for code, label in spec.codes(spec.worker[element]).items():
            if label in LETTERS:
                codes.setdefault(code, LETTERS[label])
                codes.setdefault(code.lower(), LETTERS[label])
    return tuple(elements), codes


def normalise(code: str | None) -> str | None:
    """``M`` or ``F``; ``None`` for a missing code, "not known", "not specified" or an
    invalid code (which cannot be compared, so never counts as a change)."""
    return _elements_and_codes()[1].get(code.strip()) if code else None


def sex_of(values: Mapping[str, str]) -> str | None:
    """The worker's sex from a record's values, as ``M``, ``F`` or ``None``."""
    for element in _elements_and_codes()[0]:
        if values.get(element):
            return normalise(values[element])
    return None
