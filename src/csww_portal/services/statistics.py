"""Headline statistics over submitted returns, computed by the core's ``csww.stats``.

The portal only reads the submitted returns back with the core reader and hands them over;
every formula (rates, de-duplication, rounding) is the statistics module's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from csww.reader import read
from csww_portal.models import LAReturn


@dataclass
class Headline:
    available: bool
    message: str = ""
    national: list[tuple[str, str]] = field(default_factory=list)
    regions: list[dict[str, Any]] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)


def headline(year: int, returns: list[LAReturn]) -> Headline:
    try:
        from csww import stats  # type: ignore[attr-defined]
    except ImportError:
        return Headline(
            False,
            "Statistics are not available in this installation (the csww.stats module is missing).",
        )
    if not returns:
        return Headline(True, "No returns have been submitted yet.")
    parsed = [read(r.current.xml_bytes()) for r in returns if r.current is not None]
    return _from_stats(stats, year, parsed)


def _from_stats(stats: Any, year: int, parsed: list[Any]) -> Headline:
    raise NotImplementedError
