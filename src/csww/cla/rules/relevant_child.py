"""Rule 1001: care-leaver information only for a relevant or former relevant child.

A young person is a relevant or former relevant child (Children Act 1989 s23A and s23C, as
the Children (Leaving Care) Act 2000 made them; schedule 2 paragraph 19B; the Care Planning,
Placement and Case Review (England) Regulations 2010, regulation 40) when they were looked
after for at least 13 weeks in all since their 14th birthday, some of it on or after their
16th. Pre-planned short breaks (legal status V3 or V4) do not count.

Only this year's and last year's returns are seen, so the rule fires only where they settle
the question; it never guesses at care before last year began.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from csww.cla.rules.book import CLA_RULES
from csww.cla.rules.care_leavers import OC3_ITEMS
from csww.cla.rules.support import (
    QUERY,
    add_years,
    c,
    d,
    episodes,
    oc3_given,
    previous_episodes,
    rows,
    spec,
)
from csww.cla.spec import ClaSpec
from csww.core.evaluate import RuleInputs

ADOPTED = ("E11", "E12")  # reason episode ceased: adopted
THIRTEEN_WEEKS = 91
MESSAGE = (
    "The episodes recorded for this young person suggest they are not a relevant or a former "
    "relevant child and therefore should not have care leaver information completed."
)
# A date before any episode: an episode without a readable start is taken to have begun
# before the 14th birthday, so it can only add to the time counted.
LONG_AGO = date(1900, 1, 1)


def _seen_from(s: ClaSpec) -> date:
    """The first day the two returns cover: the start of last year."""
    return s.start.replace(year=s.start.year - 1)


def _both_years(inputs: RuleInputs) -> pl.DataFrame:
    """This year's and last year's episodes, once each (an episode open at the end of last
    year is this year's first: this year's copy, with its end, is kept)."""
    keep = ["CHILD", "DECOM:date", "DEC:date", "LS:code", "REC:code"]
    now = episodes(inputs).select(keep).with_columns(pl.lit(0).alias("_year"))
    last = previous_episodes(inputs).select(keep).with_columns(pl.lit(1).alias("_year"))
    both = pl.concat([now, last]).with_columns(pl.col("DECOM:date").fill_null(LONG_AGO))
    return (
        both.sort(["CHILD", "DECOM:date", "_year"])
        .unique(["CHILD", "DECOM:date"], keep="first", maintain_order=True)
        .drop("_year")
    )


def _care_since(inputs: RuleInputs, young: pl.DataFrame) -> pl.DataFrame:
    """Per young person (``CHILD``, ``_dob``): days looked after since the 14th birthday,
    whether looked after on or after the 16th, and whether the last episode ended in
    adoption."""
    s = spec(inputs)
    both = _both_years(inputs).join(young, on="CHILD", how="inner")
    last = both.group_by("CHILD").agg(
        pl.col("REC:code").sort_by("DECOM:date").last().is_in(list(ADOPTED)).alias("_adopted")
    )
    counted = both.filter(~c("LS").is_in(sorted(s.group("short_breaks"))).fill_null(False))
    end = pl.coalesce(d("DEC"), pl.lit(s.end))
    start14 = pl.max_horizontal(d("DECOM"), add_years(pl.col("_dob"), 14))
    care = counted.group_by("CHILD").agg(
        (end - start14).dt.total_days().clip(lower_bound=0).sum().alias("_days14"),
        (end >= add_years(pl.col("_dob"), 16)).any().alias("_since16"),
    )
    return last.join(care, on="CHILD", how="left")


@CLA_RULES.rule(
    "1001",
    "query",
    MESSAGE,
    items=OC3_ITEMS,
    section="DfE rule 1001 (care leavers)",
    table="OC3",
    since=2015,
    needs=("previous",),
    assumption=QUERY
    + ". A relevant or former relevant child was looked after for 13 weeks (91 days) in all "
    "since their 14th birthday, some of it on or after their 16th (Children Act 1989 s23A, "
    "s23C and schedule 2 paragraph 19B; Care Planning, Placement and Case Review (England) "
    "Regulations 2010 regulation 40); short breaks (V3, V4) do not count. Only this year's "
    "and last year's returns are seen, so the rule fires only where they settle it: the last "
    "episode ended in adoption (E11, E12; data-to-insight's reading of DfE's rule); or the "
    "16th birthday fell on or after the start of last year and neither return shows care "
    "since; or the care the returns show since the 14th birthday, with all the time between "
    "that birthday and the start of last year counted as care, is under 13 weeks. Unlike "
    "data-to-insight's validator it does not fire when the 13 weeks may lie before last "
    "year, which neither return shows",
)
def _1001(inputs: RuleInputs) -> pl.DataFrame:
    seen_from = _seen_from(spec(inputs))
    oc3 = inputs.tables["OC3"].filter(oc3_given())
    young = oc3.select("CHILD", d("DOB").alias("_dob")).unique("CHILD", keep="first")
    young = young.filter(pl.col("_dob").is_not_null())
    facts = _care_since(inputs, young)
    checked = oc3.join(facts, on="CHILD", how="left").with_columns(
        pl.col("_days14").fill_null(0),
        pl.col("_since16").fill_null(False),
        pl.col("_adopted").fill_null(False),
    )
    fourteen, sixteen = add_years(d("DOB"), 14), add_years(d("DOB"), 16)
    unseen = (pl.lit(seen_from) - fourteen).dt.total_days().clip(lower_bound=0)
    adopted = pl.col("_adopted")
    none_since_16 = (sixteen >= seen_from) & ~pl.col("_since16")
    too_short = (pl.col("_days14") + unseen) < THIRTEEN_WEEKS
    bad = checked.filter((adopted | none_since_16 | too_short).fill_null(False))
    return rows(
        bad,
        _message=pl.when(adopted)
        .then(pl.lit(MESSAGE + " The young person's last episode ended in adoption."))
        .when(none_since_16)
        .then(pl.lit(MESSAGE + " Neither return shows care on or after their 16th birthday."))
        .otherwise(
            pl.lit(
                MESSAGE + " They were looked after for under 13 weeks since their 14th birthday."
            )
        ),
    )
