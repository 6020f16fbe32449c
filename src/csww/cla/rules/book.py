"""The 903 rulebook object (rules are added to it by the family modules)."""

from __future__ import annotations

from csww.core.rulebook import Rulebook, TableRule

TABLES = (
    "Header",
    "Episodes",
    "UASC",
    "Reviews",
    "OC2",
    "OC3",
    "AD1",
    "PlacedAdoption",
    "PrevPerm",
    "Missing",
    "SWEpisodes",
    "DoLo",
)


def _convention(rule: TableRule) -> str | None:
    if rule.table not in TABLES:
        return f"names an unknown table {rule.table}"
    if rule.severity == "query" and not rule.assumption and "query" not in rule.section:
        return "is a query with no evidence or assumption written"
    if rule.severity == "error" and not rule.assumption:
        return "is an error with no evidence written"
    return None


CLA_RULES = Rulebook("cla", convention=_convention)
