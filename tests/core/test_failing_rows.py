"""The core's single pass over a table for every expression rule (used by CSWW's workers)."""

from __future__ import annotations

import polars as pl
import pytest

from csww.core import Rulebook, RuleInputs, Tables, failing_rows
from csww.core.tables import with_bookkeeping


def _inputs(year: int = 2024) -> RuleInputs:
    people = with_bookkeeping(pl.DataFrame({"AGE": [10, 70, None, 30]}))
    return RuleInputs(Tables({"People": people}), year)


def test_every_expression_rule_gives_its_failing_rows_in_one_call() -> None:
    book = Rulebook("toy")
    book.rule("1", "error", "old", items=["AGE"], section="s", table="People", since=2020)(
        lambda _: pl.col("AGE") > 60
    )
    book.rule("2", "error", "young", items=["AGE"], section="s", table="People", since=2020)(
        lambda _: pl.col("AGE") < 18
    )
    book.rule("3", "error", "later", items=["AGE"], section="s", table="People", since=2030)(
        lambda _: pl.lit(True)
    )
    book.rule(
        "4",
        "error",
        "needs",
        items=["AGE"],
        section="s",
        table="People",
        since=2020,
        needs=["previous"],
    )(lambda _: pl.lit(True))
    assert failing_rows(book, _inputs()) == {"1": [1], "2": [0]}


def test_a_frame_rule_is_refused() -> None:
    book = Rulebook("toy")
    book.rule("1", "error", "x", items=["AGE"], section="s", table="People", since=2020)(
        lambda i: i.tables["People"].head(1)
    )
    with pytest.raises(TypeError, match="expression rules only"):
        failing_rows(book, _inputs())
