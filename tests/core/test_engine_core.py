"""The collection-agnostic engine: rules as column expressions over related tables."""

from __future__ import annotations

import polars as pl
import pytest

from csww.core import ITEM, ROW, VALUE, Rulebook, RuleInputs, Tables, evaluate
from csww.core.tables import with_bookkeeping


def _tables() -> Tables:
    children = with_bookkeeping(pl.DataFrame({"CHILD": ["A", "B"], "SEX": ["1", "7"]}), [3, 9])
    episodes = with_bookkeeping(
        pl.DataFrame(
            {
                "CHILD": ["A", "A", "B"],
                "DECOM": ["01/04/2024", "05/05/2024", "02/02/2025"],
                "REC": ["X1", "E11", None],
            }
        ),
        [4, 5, 10],
    )
    return Tables({"Header": children, "Episodes": episodes})


def _book() -> Rulebook:
    book = Rulebook("toy", convention=lambda r: "bad id" if " " in r.id else None)

    @book.rule(
        "1", "error", "Sex must be 1 or 2.", items=["SEX"], section="s", table="Header", since=2020
    )
    def sex(_: RuleInputs) -> pl.Expr:
        return ~pl.col("SEX").is_in(["1", "2"])

    @book.rule(
        "2",
        "query",
        "Last episode ends X1.",
        items=["REC"],
        section="s",
        table="Episodes",
        since=2020,
    )
    def last_x1(inputs: RuleInputs) -> pl.DataFrame:
        eps = inputs.tables["Episodes"]
        last = eps.filter(pl.col(ROW) == pl.col(ROW).max().over("CHILD"))
        return last.filter(pl.col("REC") == "X1").select(ROW, pl.lit("REC").alias(ITEM))

    @book.rule(
        "3",
        "error",
        "Same as last year.",
        items=["DECOM"],
        section="s",
        table="Episodes",
        since=2020,
        needs=["previous"],
    )
    def same(inputs: RuleInputs) -> pl.Expr:
        assert inputs.previous is not None
        return pl.col("DECOM").is_in(inputs.previous["Episodes"]["DECOM"].implode()).not_()

    @book.rule(
        "4",
        "error",
        "Old rule.",
        items=["SEX"],
        section="s",
        table="Header",
        since=2015,
        until=2016,
    )
    def old(_: RuleInputs) -> pl.Expr:
        return pl.lit(True)

    return book


def test_expression_rule_points_at_the_failing_row_and_its_subject() -> None:
    outcome = evaluate(_book(), RuleInputs(_tables(), 2024), subject="CHILD")
    sex = [i for i in outcome.issues if i.rule == "1"]
    assert [(i.subject, i.record, i.line, i.field, i.value) for i in sex] == [
        ("B", 2, 9, "SEX", "7")
    ]
    assert sex[0].table == "Header" and sex[0].severity == "error"


def test_frame_rule_gets_its_rows_located() -> None:
    outcome = evaluate(_book(), RuleInputs(_tables(), 2024), subject="CHILD")
    assert [(i.rule, i.subject, i.record, i.line) for i in outcome.issues if i.rule == "2"] == []
    tables = _tables()
    eps = tables["Episodes"].with_columns(pl.lit("X1").alias("REC"))
    outcome = evaluate(
        _book(), RuleInputs(Tables({**tables.frames, "Episodes": eps}), 2024), subject="CHILD"
    )
    found = [(i.subject, i.record, i.line, i.value) for i in outcome.issues if i.rule == "2"]
    assert found == [("A", 2, 5, "X1"), ("B", 3, 10, "X1")]


def test_a_rule_without_its_input_is_reported_not_run_with_the_reason() -> None:
    outcome = evaluate(
        _book(),
        RuleInputs(_tables(), 2024),
        missing={"previous": "give last year's return with --previous"},
    )
    assert [(n.rule, n.reason) for n in outcome.not_run] == [
        ("3", "give last year's return with --previous")
    ]
    ran = evaluate(_book(), RuleInputs(_tables(), 2024, previous=_tables()))
    assert ran.not_run == [] and not [i for i in ran.issues if i.rule == "3"]


def test_rules_apply_only_in_their_years() -> None:
    assert not [i for i in evaluate(_book(), RuleInputs(_tables(), 2024)).issues if i.rule == "4"]
    assert (
        len([i for i in evaluate(_book(), RuleInputs(_tables(), 2016)).issues if i.rule == "4"])
        == 2
    )


def test_the_rulebook_refuses_a_rule_declared_twice_or_against_its_convention() -> None:
    book = _book()
    with pytest.raises(ValueError, match="declared twice"):
        book.rule("1", "error", "x", items=[], section="s", table="Header", since=2020)(
            lambda _: pl.lit(False)
        )
    with pytest.raises(ValueError, match="bad id"):
        book.rule("9 x", "error", "x", items=[], section="s", table="Header", since=2020)(
            lambda _: pl.lit(False)
        )


def test_a_frame_without_row_numbers_is_a_defect_not_a_silence() -> None:
    book = Rulebook("toy")
    book.rule("1", "error", "x", items=["SEX"], section="s", table="Header", since=2020)(
        lambda _: pl.DataFrame({"SEX": ["7"]})
    )
    with pytest.raises(ValueError, match="_row"):
        evaluate(book, RuleInputs(_tables(), 2024))


def test_value_column_overrides_the_items_text() -> None:
    book = Rulebook("toy")
    book.rule("1", "error", "x", items=["SEX"], section="s", table="Header", since=2020)(
        lambda i: i.tables["Header"].select(ROW, pl.lit("shown").alias(VALUE))
    )
    assert {i.value for i in evaluate(book, RuleInputs(_tables(), 2024)).issues} == {"shown"}
