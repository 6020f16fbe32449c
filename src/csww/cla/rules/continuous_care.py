"""Rule 187: a child looked after continuously for 12 months at 31 March (the OC2 cohort)
has no care-leaver (OC3) or adoption (AD1) information."""

from __future__ import annotations

import polars as pl

from csww.cla.rules.book import CLA_RULES
from csww.cla.rules.care_leavers import AD1_ITEMS
from csww.cla.rules.support import QUERY, c, d, episodes, given, oc3_given, rows, spec
from csww.core.evaluate import RuleInputs


def continuously_looked_after(inputs: RuleInputs) -> pl.DataFrame:
    """Children looked after continuously for at least 12 months at 31 March: their current
    period of care (episodes joined end to start, not short breaks) began on or before
    1 April of the year before, and is still open at 31 March."""
    s = spec(inputs)
    ep = episodes(inputs).filter(~c("LS").is_in(sorted(s.group("short_breaks"))).fill_null(False))
    ep = ep.with_columns(
        (
            pl.col("first")
            | (c("RNE") == "S")
            | (pl.col("prev_DEC:date") != d("DECOM")).fill_null(True)
        ).alias("_starts")
    )
    ep = ep.with_columns(
        pl.when(pl.col("_starts"))
        .then(d("DECOM"))
        .otherwise(None)
        .forward_fill()
        .over("CHILD")
        .alias("_period_start")
    )
    last = ep.filter(pl.col("last"))
    still = d("DEC").is_null() | (d("DEC") > s.end)
    return last.filter(still & (pl.col("_period_start") <= s.start)).select("CHILD")


RULE_187 = (
    "Child cannot be looked after continuously for 12 months at 31 March (OC2) and have any of "
    "adoption or care leavers returns completed."
)


def _completed(inputs: RuleInputs) -> pl.DataFrame:
    """Children with care-leaver (OC3) or adoption (AD1) information, and the table."""
    oc3 = inputs.tables["OC3"].filter(oc3_given()).select("CHILD")
    ad1 = inputs.tables["AD1"].filter(pl.any_horizontal([given(i) for i in AD1_ITEMS]))
    return pl.concat(
        [
            oc3.with_columns(pl.lit("OC3").alias("_table")),
            ad1.select("CHILD").with_columns(pl.lit("AD1").alias("_table")),
        ]
    ).unique()


@CLA_RULES.rule(
    "187",
    "query",
    RULE_187,
    items=("CHILD",),
    section="DfE rule 187 (care leavers)",
    table="Header",
    since=2015,
    assumption=QUERY
    + ". Both parts are checked: care-leaver information (OC3) and adoption information "
    "(AD1). The rule spans two tables, so it is reported once per child on the header, "
    "naming the tables that hold the information",
)
def _187(inputs: RuleInputs) -> pl.DataFrame:
    hits = _completed(inputs).join(continuously_looked_after(inputs), on="CHILD", how="semi")
    named = hits.group_by("CHILD", maintain_order=True).agg(pl.col("_table").sort())
    header = inputs.tables["Header"].join(named, on="CHILD", how="inner")
    return rows(
        header,
        _message=pl.lit(RULE_187 + " Found in: ") + pl.col("_table").list.join(", ") + pl.lit("."),
    )
