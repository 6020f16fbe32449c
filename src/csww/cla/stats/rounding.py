"""DfE's rounding and suppression of the children looked after statistics.

From the release's data guidance (``ees_cla/release_2023/data-guidance.txt``, "Rounding and
suppression"), and what DfE's own LA files show:

* national and regional numbers are rounded to the nearest 10; LA numbers are unrounded;
* a number shown as zero was zero;
* ``c`` protects confidentiality: an LA count from 1 to 5 is never shown in the new-placement
  and stability files (2021–2025: the smallest LA count shown is 6), and no group of figures
  that adds to a shown total ever has exactly one ``c`` (secondary suppression: one more
  figure, the smallest other one, is hidden so the first cannot be worked out; DfE hides
  zeros this way too: South Tyneside 2025 care leavers 17–18, 40 + c + c = 41);
* in the care leavers' suitability file DfE shows "No information" (the LA not in touch)
  whatever its size: every LA count of 1 to 5 it shows in 2021–2025 is one of those;
* percentages are whole numbers, rounded from the unrounded counts; ``c`` when the count or
  its denominator is suppressed (a zero count still shows 0%, as in DfE's LA files),
  ``k`` when a percentage would round to zero but is not zero;
* ``z`` not applicable (a percentage of nothing), ``x`` not available.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

SUPPRESSED = "c"
NOT_APPLICABLE = "z"
NOT_AVAILABLE = "x"
ROUNDS_TO_ZERO = "k"
SMALLEST_SHOWN = 6  # LA counts 1..5 are suppressed


def round_to_ten(n: int) -> int:
    """Nearest 10, halves up (DfE's national and regional numbers)."""
    return int((Decimal(n) / 10).quantize(Decimal(1), rounding=ROUND_HALF_UP)) * 10


def percent(numerator: int, denominator: int) -> str:
    """A whole-number percentage as DfE prints it (``k`` for a non-zero share under 0.5%)."""
    if denominator <= 0:
        return NOT_APPLICABLE
    value = Decimal(100 * numerator) / Decimal(denominator)
    shown = value.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if shown == 0 and numerator > 0:
        return ROUNDS_TO_ZERO
    return str(int(shown))


def number(n: int | None, level: str) -> str:
    """A count as shown at ``level`` before suppression (national/regional rounded to 10)."""
    if n is None:
        return NOT_AVAILABLE
    return str(n if level == "Local authority" else round_to_ten(n))


def primary(n: int | None, level: str) -> bool:
    """Whether an LA count is hidden for itself (1 to 5)."""
    return level == "Local authority" and n is not None and 0 < n < SMALLEST_SHOWN


@dataclass
class Cell:
    """One count of a table row and what it is a share of."""

    count: int | None
    denominator: int | None = None  # None: no percentage
    is_total: bool = False
    suppressed: bool = False
    exempt: bool = False  # never hidden for itself (DfE shows it whatever its size)


def suppress(cells: Sequence[Cell], level: str) -> None:
    """Mark primary and secondary suppression over one group of cells (in place).

    A group is a set of figures that adds to a shown total (the total itself is one of them,
    flagged ``is_total``). Only LA rows are suppressed.
    """
    if level != "Local authority":
        return
    for cell in cells:
        cell.suppressed = primary(cell.count, level) and not cell.exempt
    parts = [c for c in cells if not c.is_total]
    hidden = [c for c in parts if c.suppressed]
    if len(hidden) == 1:
        others = [c for c in parts if not c.suppressed and c.count is not None]
        if others:
            min(others, key=lambda c: c.count or 0).suppressed = True


def shown(cell: Cell, level: str, denominator_suppressed: bool = False) -> tuple[str, str]:
    """The (number, percentage) text of a cell after :func:`suppress`."""
    if cell.suppressed:
        return SUPPRESSED, SUPPRESSED
    text = number(cell.count, level)
    if cell.denominator is None or cell.count is None:
        return text, ""
    if denominator_suppressed and cell.count != 0:
        return text, SUPPRESSED
    return text, percent(cell.count, cell.denominator)
