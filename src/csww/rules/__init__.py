"""The rulebook. Importing this package declares every rule in :data:`RULES`."""

from csww.rules import (  # noqa: F401
    continuity,
    header,
    items,
    la_level,
    pay,
    records,
    return_level,
    structure,
    worker,
)
from csww.rules.registry import RULES, Context, Rule, View

# The spreadsheet reader's rules (95x) belong to the same rulebook, so that every listing of
# the registry is complete whichever module was imported first.
from csww.sheets import rules as _sheet_rules  # noqa: F401

__all__ = ["RULES", "Context", "Rule", "View"]
