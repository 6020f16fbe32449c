"""Every CSWW rule carries its own check, and what the readers note is claimed by the rules.

The readers (XML, spreadsheet), the item checker and the engine note what they saw
(:mod:`csww.rules.notes`); no code outside the rulebook decides that a rule fires.
"""

from __future__ import annotations

import pytest

from csww.rules import RULES, Context
from csww.rules.notes import (
    CELL_KINDS,
    ELEMENT_KINDS,
    NOTES,
    SHAPE_KINDS,
    NoteRules,
    Unclaimed,
    note_rules,
    reading_rule,
)
from csww.rules.spreadsheet import SHEET_RULES
from csww.spec import available_years, spec_for


def test_every_declared_rule_has_a_check() -> None:
    lacking = [r.id for r in RULES if r.check is None]
    assert lacking == []


@pytest.mark.parametrize("year", available_years())
def test_every_note_the_years_readers_make_is_claimed_by_at_most_one_rule(year: int) -> None:
    # Building the year's note rules evaluates every check over every note the year's
    # readers can make; two rules claiming one note is refused there.
    rules = note_rules(Context(spec=spec_for(year), year=year))
    assert {r.id for r in rules.rules} == {r.id for r in RULES.for_year(year) if r.table == NOTES}


@pytest.mark.parametrize("year", available_years())
def test_the_notes_that_name_a_problem_each_have_their_rule(year: int) -> None:
    spec = spec_for(year)
    rules = note_rules(Context(spec=spec, year=year))
    for kind in SHAPE_KINDS:
        assert rules.rule(kind, "message").table == NOTES
    for part in ("header", "la", "worker"):
        assert rules.rule("unknown", part, "Mystery").id == "901Q"
    assert rules.rule("absent", "header").id == "111"
    assert rules.rule("absent", "la").id == "154"
    for element, item in spec.header.items():
        assert (rules.match("missing", "header", element) is not None) == item.required
    for element in spec.worker:
        assert rules.rule("malformed", "worker", element).fields == (element,)
        assert rules.rule("repeated", "worker", element).id == "902"
    for element in spec.removed:
        assert rules.rule("unknown", "worker", element).id == "909Q"
    for element, item in spec.la.items():
        assert rules.rule("malformed", "la", element).id == item.format_rule
        if item.required:
            assert rules.rule("missing", "la", element).id == "150"
    assert rules.rule("renamed", "la").id == ("157" if year <= 2024 else "158Q")


def test_a_note_no_rule_claims_is_refused_not_dropped() -> None:
    year = available_years()[0]
    rules = NoteRules(Context(spec=spec_for(year), year=year))
    assert rules.match("missing", "header", "XVersion") is None  # optional: not a problem
    with pytest.raises(Unclaimed):
        rules.rule("missing", "header", "XVersion")
    with pytest.raises(Unclaimed):
        rules.rule("no such kind", "message")


def test_each_spreadsheet_reading_has_its_rule() -> None:
    found = {reading_rule(kind) for kind in CELL_KINDS}
    found |= {reading_rule("ignored_column", "sheet"), reading_rule("not_utf8", "file")}
    assert found == set(SHEET_RULES)


def test_element_kinds_of_a_year_are_all_evaluated_at_once() -> None:
    year = available_years()[-1]
    rules = note_rules(Context(spec=spec_for(year), year=year))
    spec = rules.ctx.spec
    expected = {(k, "worker", e) for k in ELEMENT_KINDS for e in spec.worker}
    assert expected <= set(rules._known)


def test_every_rule_checks_a_table_not_one_record_at_a_time() -> None:
    """Header, LA-level, worker and return rules are column expressions; cross-record rules
    expressions or frames over the key table; continuity rules frames of a join."""
    import polars as pl

    def returns(rule_id: str) -> object:
        check = RULES[rule_id].check
        return getattr(check, "__annotations__", {}).get("return")

    expression = ("pl.Expr", pl.Expr)
    frame = ("pl.DataFrame", pl.DataFrame)
    for rule in RULES:
        if rule.table == NOTES:
            continue
        kinds = frame if rule.scope == "continuity" else expression
        if rule.scope == "records":
            kinds = expression + frame
        assert returns(rule.id) in kinds, rule.id


def test_no_code_outside_the_rulebook_names_a_rule() -> None:
    """The engine, the readers (XML and spreadsheet) and the checks' drivers never write a
    rule's id: what fires is decided by the rules' checks over what they noted."""
    import re
    from pathlib import Path

    import csww

    src = Path(csww.__file__).parent
    rule_id = re.compile(r"""["']\d{3}Q?["']""")
    files = [
        *(src / name for name in ("engine.py", "parts.py", "return_checks.py", "cells.py")),
        *(src / name for name in ("worker_checks.py", "workers.py", "reader.py", "wording.py")),
        *(src / "sheets" / name for name in ("values.py", "rows.py", "csv_reader.py")),
        *(src / "sheets" / name for name in ("workbook_reader.py", "validate.py")),
        *sorted((src / "core").glob("*.py")),
    ]
    found = [
        f"{path.name}:{n}: {line.strip()}"
        for path in files
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if rule_id.search(line)
    ]
    assert found == []
