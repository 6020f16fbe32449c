"""The rulebook. Importing this package declares every rule in :data:`RULES`."""

from csww.rules import (  # noqa: F401
    continuity,
    header,
    items,
    la_level,
    pay,
    records,
    return_level,
    spreadsheet,
    structure,
    worker,
)
from csww.rules.registry import RULES, Context, Rule, View

__all__ = ["RULES", "Context", "Rule", "View"]
