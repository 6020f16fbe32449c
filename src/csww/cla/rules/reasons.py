"""Reason for placement change (from 2016: the 2015–16 collection)."""

from __future__ import annotations

import polars as pl

from csww.cla.rules.book import CLA_RULES
from csww.cla.rules.support import QUERY, add_years, c, d, episodes, given, is_in, rows, spec
from csww.core.evaluate import RuleInputs
from csww.core.tables import ROW

SECTION = "DfE rule {} (reason for placement change)"


@CLA_RULES.rule(
    "225",
    "query",
    "Reason for placement change must be recorded.",
    items=("REASON_PLACE_CHANGE",),
    section=SECTION.format(225),
    table="Episodes",
    since=2016,
    assumption=QUERY,
)
def _225(inputs: RuleInputs) -> pl.DataFrame:
    temporary = spec(inputs).group("temporary")
    ep = episodes(inputs)
    moves = (
        (c("REC") == "X1")
        & ~is_in(c("PLACE"), temporary)
        & is_in(pl.col("next_RNE:code"), {"P", "B", "T", "U"})
        & ~is_in(pl.col("next_PLACE:code"), temporary)
        & (pl.col("next_DECOM:date") == d("DEC")).fill_null(False)
    )
    return rows(ep.filter(moves & ~given("REASON_PLACE_CHANGE")))


@CLA_RULES.rule(
    "226",
    "query",
    "Reason for placement change is not required for temporary placements.",
    items=("REASON_PLACE_CHANGE",),
    section=SECTION.format(226),
    table="Episodes",
    since=2016,
    assumption=QUERY
    + ". The reason is not expected on a temporary placement (T0–T4), nor on the episode "
    "just before one",
)
def _226(inputs: RuleInputs) -> pl.DataFrame:
    temporary = spec(inputs).group("temporary")
    ep = episodes(inputs)
    on_temporary = ep.filter(is_in(c("PLACE"), temporary) & given("REASON_PLACE_CHANGE"))
    before = ep.filter(is_in(pl.col("next_PLACE:code"), temporary) & given("REASON_PLACE_CHANGE"))
    return rows(pl.concat([on_temporary, before]).sort(ROW))


@CLA_RULES.rule(
    "233",
    "query",
    "Reason for placement change is not required when the episode has not ceased.",
    items=("REASON_PLACE_CHANGE",),
    section=SECTION.format(233),
    table="Episodes",
    since=2026,
    assumption=QUERY,
)
def _233(inputs: RuleInputs) -> pl.Expr:
    return ~given("DEC") & given("REASON_PLACE_CHANGE")


@CLA_RULES.rule(
    "234",
    "query",
    "A child aged under 10 cannot change placement due to being admitted to custody.",
    items=("REASON_PLACE_CHANGE",),
    section=SECTION.format(234),
    table="Episodes",
    since=2026,
    assumption=QUERY
    + ". Age is taken at the start of the next episode, or at the end of this one when none "
    "follows",
)
def _234(inputs: RuleInputs) -> pl.DataFrame:
    header = inputs.tables["Header"].select("CHILD", pl.col("DOB:date").alias("_dob"))
    header = header.unique(subset=["CHILD"], keep="first")
    ep = episodes(inputs).join(header, on="CHILD", how="left")
    when = pl.coalesce(pl.col("next_DECOM:date"), d("DEC"))
    return rows(
        ep.filter((c("REASON_PLACE_CHANGE") == "CUSTOD") & (when < add_years(pl.col("_dob"), 10)))
    )
