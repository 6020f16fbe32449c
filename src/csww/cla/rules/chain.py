"""A child's episodes in order (the X1 rules) and their continuity with last year."""

from __future__ import annotations

import polars as pl

from csww.cla.rules.book import CLA_RULES
from csww.cla.rules.support import (
    CHAIN_ITEMS,
    QUERY,
    blank,
    c,
    d,
    episodes,
    first_this_year,
    given,
    is_in,
    open_at_end_of_last_year,
    previous_episodes,
    rows,
    spec,
)
from csww.core.evaluate import RuleInputs

SECTION = "DfE rule {} (episodes)"


def _changed(item: str) -> pl.Expr:
    """The item differs from the previous episode's (blank and blank are the same)."""
    now = pl.col(item).str.strip_chars().str.to_uppercase().fill_null("")
    before = pl.col("prev_" + item).str.strip_chars().str.to_uppercase().fill_null("")
    return now != before


def _placement_changed(columns: list[str]) -> pl.Expr:
    """Placement type, postcode, URN or provider differ from the previous episode's (the
    items the year has)."""
    return pl.any_horizontal([_changed(i) for i in CHAIN_ITEMS if "prev_" + i in columns])


def _has_prev() -> pl.Expr:
    return ~pl.col("first")


@CLA_RULES.rule(
    "142",
    "query",
    "A new episode has started, but the previous episode has not ended.",
    items=("DEC", "REC"),
    section=SECTION.format(142),
    table="Episodes",
    since=2015,
    assumption=QUERY,
)
def _142(inputs: RuleInputs) -> pl.DataFrame:
    ep = episodes(inputs)
    bad = ep.filter(~pl.col("last") & (blank("DEC") | blank("REC")))
    return rows(bad, _item=pl.when(blank("DEC")).then(pl.lit("DEC")).otherwise(pl.lit("REC")))


@CLA_RULES.rule(
    "148",
    "query",
    "Date episode ceased and reason episode ceased must both be coded, or both left blank.",
    items=("DEC", "REC"),
    section=SECTION.format(148),
    table="Episodes",
    since=2015,
    assumption=QUERY,
)
def _148(inputs: RuleInputs) -> pl.Expr:
    return given("DEC") != given("REC")


@CLA_RULES.rule(
    "355",
    "query",
    "Episode appears to have lasted for less than 24 hours.",
    items=("DEC",),
    section=SECTION.format(355),
    table="Episodes",
    since=2015,
    assumption=QUERY,
)
def _355(inputs: RuleInputs) -> pl.Expr:
    return d("DEC") == d("DECOM")


@CLA_RULES.rule(
    "356",
    "query",
    "The date the episode ceased is before the date the same episode started.",
    items=("DEC",),
    section=SECTION.format(356),
    table="Episodes",
    since=2015,
    assumption=QUERY,
)
def _356(inputs: RuleInputs) -> pl.Expr:
    return d("DEC") < d("DECOM")


@CLA_RULES.rule(
    "357",
    "query",
    "If this is the first episode ever for this child, reason for new episode must be S. Check "
    "whether there is an episode immediately preceding this one, which has been left out.",
    items=("RNE",),
    section=SECTION.format(357),
    table="Episodes",
    since=2015,
    assumption=QUERY
    + ". A child's first episode in the return that starts within the year is taken to be "
    "the first of a period of care: an earlier episode still open on 1 April would be in "
    "this return too",
)
def _357(inputs: RuleInputs) -> pl.DataFrame:
    start = spec(inputs).start
    ep = episodes(inputs)
    bad = ep.filter(pl.col("first") & (d("DECOM") >= start) & given("RNE") & (c("RNE") != "S"))
    return rows(bad)


@CLA_RULES.rule(
    "388",
    "query",
    "Reason episode ceased is coded new episode begins, but there is no continuation episode.",
    items=("REC",),
    section=SECTION.format(388),
    table="Episodes",
    since=2015,
    assumption=QUERY,
)
def _388(inputs: RuleInputs) -> pl.DataFrame:
    ep = episodes(inputs)
    continues = pl.col("next_DECOM:date").is_not_null() & (pl.col("next_DECOM:date") == d("DEC"))
    x1_without_next = (c("REC") == "X1") & ~continues.fill_null(False)
    ended_but_continues = (
        given("REC") & (c("REC") != "X1") & continues.fill_null(False) & d("DEC").is_not_null()
    )
    bad = ep.filter(x1_without_next | ended_but_continues)
    return rows(
        bad,
        _message=pl.when(c("REC") == "X1")
        .then(
            pl.lit(
                "Reason episode ceased is coded new episode begins, but there is no "
                "continuation episode."
            )
        )
        .otherwise(
            pl.lit(
                "A new episode begins on the day this one ceased, so reason episode ceased "
                "should be X1."
            )
        ),
    )


@CLA_RULES.rule(
    "431",
    "query",
    "The reason for new episode is started to be looked after, but the previous episode ended "
    "on the same day.",
    items=("RNE",),
    section=SECTION.format(431),
    table="Episodes",
    since=2015,
    assumption=QUERY,
)
def _431(inputs: RuleInputs) -> pl.DataFrame:
    ep = episodes(inputs)
    return rows(
        ep.filter(_has_prev() & (c("RNE") == "S") & (pl.col("prev_DEC:date") >= d("DECOM")))
    )


@CLA_RULES.rule(
    "432",
    "query",
    "The child ceased to be looked after at the end of the previous episode but the reason for "
    "the new episode is not started to be looked after.",
    items=("RNE",),
    section=SECTION.format(432),
    table="Episodes",
    since=2015,
    assumption=QUERY,
)
def _432(inputs: RuleInputs) -> pl.DataFrame:
    ep = episodes(inputs)
    left = pl.col("prev_REC:code").is_not_null() & (pl.col("prev_REC:code") != "X1")
    return rows(ep.filter(_has_prev() & left & given("RNE") & (c("RNE") != "S")))


@CLA_RULES.rule(
    "433",
    "query",
    "The reason for new episode suggests that this is a continuation episode, but the episode "
    "does not start on the same day as the last episode finished.",
    items=("RNE",),
    section=SECTION.format(433),
    table="Episodes",
    since=2015,
    assumption=QUERY,
)
def _433(inputs: RuleInputs) -> pl.DataFrame:
    ep = episodes(inputs)
    continuation = is_in(c("RNE"), {"P", "L", "T", "U", "B"})
    same_day = (pl.col("prev_DEC:date") == d("DECOM")).fill_null(False)
    return rows(ep.filter(_has_prev() & continuation & ~same_day & d("DECOM").is_not_null()))


@CLA_RULES.rule(
    "434",
    "query",
    "Reason for new episode is that child's legal status has changed but not the placement, "
    "but this is not reflected in the episode data.",
    items=("RNE",),
    section=SECTION.format(434),
    table="Episodes",
    since=2015,
    assumption=QUERY,
)
def _434(inputs: RuleInputs) -> pl.DataFrame:
    ep = episodes(inputs)
    wrong = ~_changed("LS") | _placement_changed(ep.columns)
    return rows(ep.filter(_has_prev() & (c("RNE") == "L") & wrong))


@CLA_RULES.rule(
    "435",
    "query",
    "Reason for new episode is that child's placement has changed but not the legal status, "
    "but this is not reflected in the episode data recorded.",
    items=("RNE",),
    section=SECTION.format(435),
    table="Episodes",
    since=2015,
    assumption=QUERY
    + ". The data cannot tell a change of carer (P) from the same carer (T): both must show "
    "a change of placement type, postcode, URN or provider and no change of legal status",
)
def _435(inputs: RuleInputs) -> pl.DataFrame:
    ep = episodes(inputs)
    wrong = _changed("LS") | ~_placement_changed(ep.columns)
    return rows(ep.filter(_has_prev() & is_in(c("RNE"), {"P", "T"}) & wrong))


@CLA_RULES.rule(
    "436",
    "query",
    "Reason for new episode is that both child's placement and legal status have changed, but "
    "this is not reflected in the episode data.",
    items=("RNE",),
    section=SECTION.format(436),
    table="Episodes",
    since=2015,
    assumption=QUERY,
)
def _436(inputs: RuleInputs) -> pl.DataFrame:
    ep = episodes(inputs)
    wrong = ~_changed("LS") | ~_placement_changed(ep.columns)
    return rows(ep.filter(_has_prev() & is_in(c("RNE"), {"B", "U"}) & wrong))


@CLA_RULES.rule(
    "437",
    "query",
    "Reason episode ceased is child has died or is aged 18 or over but there are further episodes.",
    items=("REC",),
    section=SECTION.format(437),
    table="Episodes",
    since=2015,
    assumption=QUERY,
)
def _437(inputs: RuleInputs) -> pl.DataFrame:
    ep = episodes(inputs)
    ended = is_in(c("REC"), spec(inputs).group("died_or_adult"))
    return rows(ep.filter(ended & ~pl.col("last")))


@CLA_RULES.rule(
    "501",
    "query",
    "A new episode has started before the end date of the previous episode.",
    items=("DECOM",),
    section=SECTION.format(501),
    table="Episodes",
    since=2015,
    assumption=QUERY,
)
def _501(inputs: RuleInputs) -> pl.DataFrame:
    ep = episodes(inputs)
    return rows(ep.filter(_has_prev() & (d("DECOM") < pl.col("prev_DEC:date"))))


@CLA_RULES.rule(
    "217",
    "query",
    "Children who are placed for adoption with current foster carers (placement types A3 or "
    "A5) must have a reason for new episode of S, T or U.",
    items=("RNE",),
    section=SECTION.format(217),
    table="Episodes",
    since=2016,
    assumption=QUERY,
)
def _217(inputs: RuleInputs) -> pl.Expr:
    s = spec(inputs)
    return (
        is_in(c("PLACE"), s.group("adoption_with_current_carer"))
        & (d("DECOM") >= s.dates["urn_from"])
        & given("RNE")
        & ~is_in(c("RNE"), {"S", "T", "U"})
    )


# ---- continuity with last year's return ------------------------------------------------------


def _against_last_year(inputs: RuleInputs) -> pl.DataFrame:
    last = open_at_end_of_last_year(inputs)
    last = last.rename({col: col + "_last" for col in last.columns if col != "CHILD"})
    first = first_this_year(inputs)
    return first.join(last, on="CHILD", how="inner")


@CLA_RULES.rule(
    "502",
    "query",
    "Last year's record ended with an open episode. The date on which that episode started "
    "does not match the start date of the first episode on this year's record.",
    items=("DECOM",),
    section=SECTION.format(502),
    table="Episodes",
    since=2016,
    needs=("previous",),
    assumption=QUERY,
)
def _502(inputs: RuleInputs) -> pl.DataFrame:
    both = _against_last_year(inputs)
    return rows(both.filter(d("DECOM") != pl.col("DECOM:date_last")))


def _continuity(rule: str, item: str, what: str, needs: tuple[str, ...] = ("previous",)) -> None:
    @CLA_RULES.rule(
        rule,
        "query",
        f"The {what} in the first episode does not match the open episode at the end of last year.",
        items=(item,),
        section=SECTION.format(rule),
        table="Episodes",
        since=2016,
        needs=needs,
        assumption=QUERY,
    )
    def check(inputs: RuleInputs) -> pl.DataFrame:
        both = _against_last_year(inputs).filter(d("DECOM") == pl.col("DECOM:date_last"))
        if item not in both.columns or item + "_last" not in both.columns:
            return rows(both.clear())  # an item last year's return did not have
        if item == "PL_DISTANCE":
            differs = (pl.col(item) - pl.col(item + "_last")).abs() > 0.2
        else:
            now = pl.col(item).cast(pl.String).str.strip_chars().str.to_uppercase().fill_null("")
            then = (
                pl.col(item + "_last")
                .cast(pl.String)
                .str.strip_chars()
                .str.to_uppercase()
                .fill_null("")
            )
            differs = now != then
            if item == "PLACE":
                pairs = [p.split(">") for p in spec(inputs).group("continuity_place")]
                for old, new in pairs:
                    differs = differs & ~((then == old) & (now == new))
        return rows(both.filter(differs.fill_null(False)))


for _rule, _item, _what in (
    ("503A", "RNE", "reason for new episode"),
    ("503B", "LS", "legal status"),
    ("503C", "CIN", "category of need"),
    ("503D", "PLACE", "placement type"),
    ("503E", "PLACE_PROVIDER", "placement provider"),
    ("503F", "URN", "Ofsted URN"),
):
    _continuity(_rule, _item, _what)
for _rule, _item, _what in (
    ("503G", "PL_DISTANCE", "distance (by more than 0.2 miles)"),
    ("503H", "PL_LA", "placement LA"),
    ("503J", "PL_LOCATION", "placement location"),
):
    _continuity(_rule, _item, _what, ("previous", "postcodes"))


@CLA_RULES.rule(
    "562",
    "query",
    "Episode commenced before the start of the current collection year but there is a missing "
    "continuous episode in the previous year.",
    items=("DECOM",),
    section=SECTION.format(562),
    table="Episodes",
    since=2016,
    needs=("previous",),
    assumption=QUERY,
)
def _562(inputs: RuleInputs) -> pl.DataFrame:
    start = spec(inputs).start
    last = previous_episodes(inputs).select("CHILD", pl.col("DECOM:date").alias("_last_decom"))
    first = first_this_year(inputs).filter(d("DECOM") < start)
    known = first.join(
        last, left_on=["CHILD", "DECOM:date"], right_on=["CHILD", "_last_decom"], how="semi"
    )
    return rows(first.join(known.select("_row"), on="_row", how="anti"))
