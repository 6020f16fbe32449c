"""Postcodes, distance, placement LA and location, and the placement provider.

``PL_LA``, ``PL_LOCATION`` and ``PL_DISTANCE`` are derived from the postcodes (DfE derives
them; see :mod:`csww.cla.derive`). Rules on them need the postcode lookup and are reported
as not run without it. Distance 999.9 means "not known".
"""

from __future__ import annotations

import polars as pl

from csww.cla.rules.book import CLA_RULES
from csww.cla.rules.support import (
    QUERY,
    blank,
    c,
    first_this_year,
    given,
    is_in,
    norm_postcode,
    open_at_end_of_last_year,
    rows,
    spec,
    uasc_children,
)
from csww.core.evaluate import RuleInputs

SECTION = "DfE rule {} (placement)"
POSTCODES = ("postcodes",)
NOT_KNOWN = 999.9
# A UK postcode: outward code (area, district) and inward code (sector, unit).
POSTCODE = r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$"


def _short_break(inputs: RuleInputs) -> pl.Expr:
    return is_in(c("LS"), spec(inputs).group("short_breaks"))


def _distance_known() -> pl.Expr:
    return pl.col("PL_DISTANCE").is_not_null() & (pl.col("PL_DISTANCE") != NOT_KNOWN)


def _not_uasc(inputs: RuleInputs) -> pl.Expr:
    return ~pl.col("CHILD").is_in(uasc_children(inputs).to_list())


def _uasc(inputs: RuleInputs) -> pl.Expr:
    return pl.col("CHILD").is_in(uasc_children(inputs).to_list())


@CLA_RULES.rule(
    "392a",
    "query",
    "Child is looked after but no distance is recorded (the postcodes do not give one).",
    items=("PL_DISTANCE",),
    section=SECTION.format("392a"),
    table="Episodes",
    since=2015,
    needs=POSTCODES,
    assumption=QUERY + ". UASC status is known from this year's return and last year's when given",
)
def _392a(inputs: RuleInputs) -> pl.Expr:
    no_distance = pl.col("PL_DISTANCE").is_null() | (pl.col("PL_DISTANCE") == NOT_KNOWN)
    return ~_short_break(inputs) & given("LS") & _not_uasc(inputs) & no_distance


@CLA_RULES.rule(
    "392b",
    "query",
    "Child is looked after but no postcodes are recorded.",
    items=("HOME_POST", "PL_POST"),
    section=SECTION.format("392b"),
    table="Episodes",
    since=2015,
    assumption=QUERY + ". UASC status is known from this year's return and last year's when given",
)
def _392b(inputs: RuleInputs) -> pl.DataFrame:
    ep = inputs.tables["Episodes"]
    bad = ep.filter(
        ~_short_break(inputs)
        & given("LS")
        & _not_uasc(inputs)
        & (blank("HOME_POST") | blank("PL_POST"))
    )
    return rows(
        bad,
        _item=pl.when(blank("HOME_POST")).then(pl.lit("HOME_POST")).otherwise(pl.lit("PL_POST")),
    )


@CLA_RULES.rule(
    "392c",
    "query",
    "Postcode(s) provided are invalid.",
    items=("HOME_POST", "PL_POST"),
    section=SECTION.format("392c"),
    table="Episodes",
    since=2015,
    assumption=QUERY + ". 'Invalid' is read as not in the form of a UK postcode",
)
def _392c(inputs: RuleInputs) -> pl.DataFrame:
    ep = inputs.tables["Episodes"]

    def bad(item: str) -> pl.Expr:
        text = pl.col(item).str.strip_chars().str.to_uppercase()
        return given(item) & ~text.str.contains(POSTCODE).fill_null(False)

    return rows(
        ep.filter(bad("HOME_POST") | bad("PL_POST")),
        _item=pl.when(bad("HOME_POST")).then(pl.lit("HOME_POST")).otherwise(pl.lit("PL_POST")),
    )


@CLA_RULES.rule(
    "392d",
    "query",
    "Home and placement postcodes should not be the same unless the placement type is P1.",
    items=("PL_POST",),
    section=SECTION.format("392d"),
    table="Episodes",
    since=2015,
    assumption=QUERY,
)
def _392d(inputs: RuleInputs) -> pl.Expr:
    same = norm_postcode(pl.col("HOME_POST")) == norm_postcode(pl.col("PL_POST"))
    return given("HOME_POST") & given("PL_POST") & same & given("PLACE") & (c("PLACE") != "P1")


@CLA_RULES.rule(
    "164",
    "query",
    "Distance is not valid. Please check a valid postcode has been entered.",
    items=("PL_DISTANCE",),
    section=SECTION.format(164),
    table="Episodes",
    since=2015,
    needs=POSTCODES,
    assumption=QUERY,
)
def _164(inputs: RuleInputs) -> pl.Expr:
    distance = pl.col("PL_DISTANCE").cast(pl.Float64, strict=False)
    return (
        pl.col("PL_DISTANCE").is_not_null()
        & _not_uasc(inputs)
        & ~distance.is_between(0, NOT_KNOWN).fill_null(False)
    )


@CLA_RULES.rule(
    "454",
    "query",
    "Placement distance from home is over 350 miles.",
    items=("PL_DISTANCE",),
    section=SECTION.format(454),
    table="Episodes",
    since=2026,
    needs=POSTCODES,
    assumption=QUERY,
)
def _454(inputs: RuleInputs) -> pl.Expr:
    return _distance_known() & (pl.col("PL_DISTANCE") > 350)


@CLA_RULES.rule(
    "406",
    "query",
    "Child is Unaccompanied Asylum-Seeking Child (UASC) or was formerly UASC. Distance should "
    "be blank.",
    items=("PL_DISTANCE",),
    section=SECTION.format(406),
    table="Episodes",
    since=2015,
    needs=POSTCODES,
    assumption=QUERY + ". UASC status is known from this year's return and last year's when given",
)
def _406(inputs: RuleInputs) -> pl.Expr:
    return _uasc(inputs) & _distance_known()


@CLA_RULES.rule(
    "398",
    "query",
    "Distance field completed but child looked after under legal status V3 or V4.",
    items=("PL_DISTANCE",),
    section=SECTION.format(398),
    table="Episodes",
    since=2015,
    needs=POSTCODES,
    assumption=QUERY,
)
def _398(inputs: RuleInputs) -> pl.Expr:
    return _short_break(inputs) & _distance_known()


@CLA_RULES.rule(
    "420",
    "query",
    "LA of placement completed but child is looked after under legal status V3 or V4.",
    items=("PL_LA",),
    section=SECTION.format(420),
    table="Episodes",
    since=2015,
    needs=POSTCODES,
    assumption=QUERY,
)
def _420(inputs: RuleInputs) -> pl.Expr:
    return _short_break(inputs) & pl.col("PL_LA").is_not_null()


@CLA_RULES.rule(
    "169",
    "query",
    "Local Authority (LA) of placement is not valid or is missing. Please check a valid "
    "postcode has been entered.",
    items=("PL_LA",),
    section=SECTION.format(169),
    table="Episodes",
    since=2015,
    needs=POSTCODES,
    assumption=QUERY,
)
def _169(inputs: RuleInputs) -> pl.Expr:
    return given("LS") & ~_short_break(inputs) & pl.col("PL_LA").is_null()


@CLA_RULES.rule(
    "179",
    "query",
    "Placement location code is not a valid code.",
    items=("PL_LOCATION",),
    section=SECTION.format(179),
    table="Episodes",
    since=2015,
    needs=POSTCODES,
    assumption=QUERY,
)
def _179(inputs: RuleInputs) -> pl.Expr:
    return (
        given("LS")
        & ~_short_break(inputs)
        & pl.col("PL_LA").is_not_null()
        & ~pl.col("PL_LOCATION").is_in(["IN", "OUT"]).fill_null(False)
    )


@CLA_RULES.rule(
    "411",
    "query",
    "Placement location code disagrees with LA of placement.",
    items=("PL_LOCATION",),
    section=SECTION.format(411),
    table="Episodes",
    since=2015,
    needs=POSTCODES,
    assumption=QUERY,
)
def _411(inputs: RuleInputs) -> pl.Expr:
    la = inputs.la or ""
    return ((pl.col("PL_LOCATION") == "IN") & (pl.col("PL_LA") != la)) | (
        (pl.col("PL_LOCATION") == "OUT") & (pl.col("PL_LA") == la)
    )


def _first_against_last(inputs: RuleInputs) -> pl.DataFrame:
    last = open_at_end_of_last_year(inputs)
    last = last.rename({col: col + "_last" for col in last.columns if col != "CHILD"})
    return first_this_year(inputs).join(last, on="CHILD", how="inner")


@CLA_RULES.rule(
    "452",
    "query",
    "Contradiction between local authority of placement code in the last episode of the "
    "previous year and in the first episode of the current year.",
    items=("PL_LA",),
    section=SECTION.format(452),
    table="Episodes",
    since=2016,
    needs=("previous", "postcodes"),
    assumption=QUERY,
)
def _452(inputs: RuleInputs) -> pl.DataFrame:
    both = _first_against_last(inputs)
    if "PL_LA_last" not in both.columns:
        return rows(both.clear())
    return rows(both.filter((pl.col("PL_LA") != pl.col("PL_LA_last")).fill_null(False)))


@CLA_RULES.rule(
    "453",
    "query",
    "Contradiction between placement distance in the last episode of the previous year and in "
    "the first episode of the current year.",
    items=("PL_DISTANCE",),
    section=SECTION.format(453),
    table="Episodes",
    since=2016,
    needs=("previous", "postcodes"),
    assumption=QUERY + ". Distances within 0.2 miles (rounding) are taken to agree",
)
def _453(inputs: RuleInputs) -> pl.DataFrame:
    both = _first_against_last(inputs)
    if "PL_DISTANCE_last" not in both.columns:
        return rows(both.clear())
    differs = (pl.col("PL_DISTANCE") - pl.col("PL_DISTANCE_last")).abs() > 0.2
    return rows(both.filter(differs.fill_null(False)))


@CLA_RULES.rule(
    "1015",
    "query",
    "Placement provider is own provision but child not placed in own LA.",
    items=("PL_LA",),
    section=SECTION.format(1015),
    table="Episodes",
    since=2015,
    needs=POSTCODES,
    assumption=QUERY + ". An episode whose placement LA is not known is left to rule 169",
)
def _1015(inputs: RuleInputs) -> pl.Expr:
    s = spec(inputs)
    return (
        (c("PLACE_PROVIDER") == "PR1")
        & given("PLACE")
        & given("LS")
        & ~is_in(c("PLACE"), s.group("own_provision_anywhere"))
        & ~_short_break(inputs)
        & pl.col("PL_LA").is_not_null()
        & (pl.col("PL_LA") != (inputs.la or ""))
    )


@CLA_RULES.rule(
    "213",
    "query",
    "Placement provider information not required.",
    items=("PLACE_PROVIDER",),
    section=SECTION.format(213),
    table="Episodes",
    since=2015,
    assumption=QUERY,
)
def _213(inputs: RuleInputs) -> pl.Expr:
    return is_in(c("PLACE"), spec(inputs).group("provider_not_expected")) & given("PLACE_PROVIDER")


@CLA_RULES.rule(
    "526",
    "query",
    "Child is missing a placement provider code for at least one episode.",
    items=("PLACE_PROVIDER",),
    section=SECTION.format(526),
    table="Episodes",
    since=2015,
    assumption=QUERY,
)
def _526(inputs: RuleInputs) -> pl.Expr:
    return (
        given("PLACE")
        & ~is_in(c("PLACE"), spec(inputs).group("no_provider"))
        & blank("PLACE_PROVIDER")
    )


def _provider_rule(rule: str, provider: str, places: tuple[str, ...], message: str) -> None:
    @CLA_RULES.rule(
        rule,
        "query",
        message,
        items=("PLACE_PROVIDER",),
        section=SECTION.format(rule),
        table="Episodes",
        since=2015,
        assumption=QUERY,
    )
    def check(inputs: RuleInputs) -> pl.Expr:
        return (c("PLACE_PROVIDER") == provider) & is_in(c("PLACE"), set(places))


_provider_rule(
    "527",
    "PR1",
    ("P1", "R2", "R5"),
    "A placement provider code of PR1 cannot be associated with placements P1, R2 or R5.",
)
_provider_rule(
    "528",
    "PR2",
    ("P1", "R2", "R5"),
    "A placement provider code of PR2 cannot be associated with placements P1, R2 or R5.",
)
_provider_rule(
    "529",
    "PR3",
    ("P1", "A3", "A4", "A5", "A6", "K1", "K2", "U1", "U2", "U3", "U4", "U5", "U6"),
    "Placement provider code of PR3 cannot be associated with placements P1, A3 to A6, K1, K2 "
    "and U1 to U6 as these placements cannot be provided by other public organisations.",
)
_provider_rule(
    "530",
    "PR4",
    ("P1",),
    "A placement provider code of PR4 cannot be associated with placement P1.",
)
_provider_rule(
    "531",
    "PR5",
    ("P1",),
    "A placement provider code of PR5 cannot be associated with placement P1.",
)


@CLA_RULES.rule(
    "550",
    "query",
    "A placement provider code of PR0 can only be associated with placement P1.",
    items=("PLACE_PROVIDER",),
    section=SECTION.format(550),
    table="Episodes",
    since=2015,
    assumption=QUERY,
)
def _550(inputs: RuleInputs) -> pl.Expr:
    return (c("PLACE_PROVIDER") == "PR0") & given("PLACE") & (c("PLACE") != "P1")
