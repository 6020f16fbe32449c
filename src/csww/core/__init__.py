"""The engine every collection plugs into (docs/adding-a-collection.md).

A collection reads a return into :class:`Tables` (typed columns, one table per kind of
record, each row keeping where it came from), declares its rules once in a
:class:`Rulebook` as column expressions over those tables, and :func:`evaluate` drives: the
year's rules run, their failing rows become :class:`~csww.report.model.Issue` values, and a
rule whose input is missing (no previous return, no reference list) is reported as not run,
with the reason, never skipped in silence.
"""

from csww.core.evaluate import RuleInputs, evaluate, failing_rows
from csww.core.rulebook import Rulebook, TableRule
from csww.core.tables import CELL, ITEM, LINE, MESSAGE, ROW, VALUE, Tables
from csww.report.model import NotRun

__all__ = [
    "CELL",
    "ITEM",
    "LINE",
    "MESSAGE",
    "ROW",
    "VALUE",
    "NotRun",
    "RuleInputs",
    "Rulebook",
    "TableRule",
    "Tables",
    "evaluate",
    "failing_rows",
]
