"""The placement's Ofsted URN (from 2016: the 2015–16 collection) and the Ofsted URN list.

The list (``urn_list``) is a :class:`UrnList`-like object with a ``frame`` whose columns are
``URN, PLACE_CODES (list[str]), PROVIDER_CODES (list[str]), POSTCODE, REG_START, REG_END,
LA_CODE``. Rules that need it are reported as not run without it.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from csww.cla.rules.book import CLA_RULES
from csww.cla.rules.support import (
    NOT_GIVEN_XXX,
    QUERY,
    blank,
    c,
    d,
    given,
    is_in,
    norm_postcode,
    rows,
    spec,
)
from csww.core.evaluate import RuleInputs

SECTION = "DfE rule {} (URN)"
NEEDS_LIST = ("urn_list",)


def _urn() -> pl.Expr:
    return pl.col("URN").str.strip_chars().str.to_uppercase()


def _ofsted_urn() -> pl.Expr:
    """A URN given that is an Ofsted one (not XXXXXXX)."""
    return given("URN") & (_urn() != NOT_GIVEN_XXX)


def _list_frame(inputs: RuleInputs) -> pl.DataFrame:
    urn_list: Any = inputs.references["urn_list"]
    frame = urn_list.frame if hasattr(urn_list, "frame") else urn_list
    assert isinstance(frame, pl.DataFrame)
    return frame.with_columns(pl.col("URN").cast(pl.String).str.strip_chars().str.to_uppercase())


def _with_list(inputs: RuleInputs) -> pl.DataFrame:
    """Episodes with an Ofsted URN found in the list, joined to the list's row."""
    ep = inputs.tables["Episodes"].filter(_ofsted_urn()).with_columns(_urn().alias("_urn"))
    listed = _list_frame(inputs).rename(lambda col: "urn_" + col)
    return ep.join(listed, left_on="_urn", right_on="urn_URN", how="inner")


def _outside_england(inputs: RuleInputs) -> pl.Expr:
    return is_in(pl.col("PL_LA").str.to_uppercase(), spec(inputs).group("outside_england"))


@CLA_RULES.rule(
    "218",
    "query",
    "Ofsted Unique reference number (URN) is required.",
    items=("URN",),
    section=SECTION.format(218),
    table="Episodes",
    since=2016,
    needs=("postcodes",),
    assumption=QUERY
    + ". An episode whose placement LA is not known (postcode not found) is left to rule 169",
)
def _218(inputs: RuleInputs) -> pl.Expr:
    s = spec(inputs)
    ends = d("DEC").is_null() | (d("DEC") >= s.dates["urn_from"])
    return (
        blank("URN")
        & given("PLACE")
        & ~is_in(c("PLACE"), s.group("urn_exempt"))
        & pl.col("PL_LA").is_not_null()
        & ~_outside_england(inputs)
        & ends
    )


@CLA_RULES.rule(
    "222",
    "query",
    "Ofsted Unique reference number (URN) should not be recorded for this placement type.",
    items=("URN",),
    section=SECTION.format(222),
    table="Episodes",
    since=2016,
    assumption=QUERY,
)
def _222(inputs: RuleInputs) -> pl.Expr:
    return _ofsted_urn() & is_in(c("PLACE"), spec(inputs).group("urn_not_expected"))


@CLA_RULES.rule(
    "214",
    "query",
    "Placement location information not required.",
    items=("PL_POST", "URN"),
    section=SECTION.format(214),
    table="Episodes",
    since=2016,
    assumption=QUERY,
)
def _214(inputs: RuleInputs) -> pl.DataFrame:
    ep = inputs.tables["Episodes"]
    short = is_in(c("LS"), spec(inputs).group("short_breaks"))
    bad = ep.filter(short & (given("PL_POST") | given("URN")))
    return rows(
        bad, _item=pl.when(given("PL_POST")).then(pl.lit("PL_POST")).otherwise(pl.lit("URN"))
    )


@CLA_RULES.rule(
    "230",
    "query",
    "Placements in supported accommodation (H5) in England from 28 October 2023 need an Ofsted "
    "URN.",
    items=("URN",),
    section=SECTION.format(230),
    table="Episodes",
    since=2024,
    until=2024,
    needs=("postcodes",),
    assumption=QUERY,
)
def _230(inputs: RuleInputs) -> pl.Expr:
    regulated = spec(inputs).dates["supported_accommodation_regulated"]
    open_then = d("DEC").is_null() | (d("DEC") > regulated)
    return (
        (c("PLACE") == "H5")
        & open_then
        & (blank("URN") | (_urn() == NOT_GIVEN_XXX))
        & pl.col("PL_LA").is_not_null()
        & ~_outside_england(inputs)
    )


@CLA_RULES.rule(
    "1008",
    "query",
    "Ofsted Unique Reference Number (URN) is not valid: it is not in the Ofsted list of "
    "providers open during the year.",
    items=("URN",),
    section=SECTION.format(1008),
    table="Episodes",
    since=2016,
    needs=NEEDS_LIST,
    assumption=QUERY,
)
def _1008(inputs: RuleInputs) -> pl.DataFrame:
    ep = inputs.tables["Episodes"].filter(_ofsted_urn()).with_columns(_urn().alias("_urn"))
    listed = _list_frame(inputs).select("URN")
    return rows(ep.join(listed, left_on="_urn", right_on="URN", how="anti"))


@CLA_RULES.rule(
    "219",
    "query",
    "The Ofsted URN provided for the child's placement does not match the placement type recorded.",
    items=("PLACE",),
    section=SECTION.format(219),
    table="Episodes",
    since=2016,
    needs=("urn_codes",),
    assumption=QUERY + ". A list row without placement codes is not checked",
)
def _219(inputs: RuleInputs) -> pl.DataFrame:
    joined = _with_list(inputs)
    codes = pl.col("urn_PLACE_CODES")
    bad = joined.filter(
        (codes.list.len() > 0) & given("PLACE") & ~codes.list.contains(c("PLACE")).fill_null(False)
    )
    return rows(bad)


@CLA_RULES.rule(
    "224",
    "query",
    "The Ofsted URN provided for the child's placement does not match the placement provider "
    "recorded.",
    items=("PLACE_PROVIDER",),
    section=SECTION.format(224),
    table="Episodes",
    since=2016,
    needs=("urn_codes",),
    assumption=QUERY + ". A list row without provider codes is not checked",
)
def _224(inputs: RuleInputs) -> pl.DataFrame:
    joined = _with_list(inputs)
    codes = pl.col("urn_PROVIDER_CODES")
    bad = joined.filter(
        (codes.list.len() > 0)
        & given("PLACE_PROVIDER")
        & ~codes.list.contains(c("PLACE_PROVIDER")).fill_null(False)
    )
    return rows(bad)


@CLA_RULES.rule(
    "221",
    "query",
    "The Ofsted URN provided for the child's placement does not match the placement postcode.",
    items=("PL_POST",),
    section=SECTION.format(221),
    table="Episodes",
    since=2016,
    needs=("urn_postcodes",),
    assumption=QUERY,
)
def _221(inputs: RuleInputs) -> pl.DataFrame:
    s = spec(inputs)
    joined = _with_list(inputs)
    bad = joined.filter(
        ~is_in(c("LS"), s.group("short_breaks"))
        & is_in(c("PLACE"), s.group("urn_setting_postcode"))
        & given("PL_POST")
        & pl.col("urn_POSTCODE").is_not_null()
        & (norm_postcode(pl.col("PL_POST")) != norm_postcode(pl.col("urn_POSTCODE")))
    )
    return rows(bad)


@CLA_RULES.rule(
    "227",
    "query",
    "Ofsted Unique reference number (URN) is not valid for the episode start date.",
    items=("DECOM",),
    section=SECTION.format(227),
    table="Episodes",
    since=2016,
    needs=NEEDS_LIST,
    assumption=QUERY,
)
def _227(inputs: RuleInputs) -> pl.DataFrame:
    joined = _with_list(inputs)
    return rows(joined.filter(d("DECOM") >= pl.col("urn_REG_END")))


@CLA_RULES.rule(
    "228",
    "query",
    "Ofsted Unique reference number (URN) is not valid for the episode end date.",
    items=("DEC",),
    section=SECTION.format(228),
    table="Episodes",
    since=2016,
    needs=NEEDS_LIST,
    assumption=QUERY + ". An open episode is checked at the year's 31 March",
)
def _228(inputs: RuleInputs) -> pl.DataFrame:
    end = spec(inputs).end
    joined = _with_list(inputs)
    until = pl.coalesce(d("DEC"), pl.lit(end))
    return rows(joined.filter(until > pl.col("urn_REG_END")))


@CLA_RULES.rule(
    "229",
    "query",
    "Placement provider does not match between the placing authority and the local authority "
    "code of the provider.",
    items=("PLACE_PROVIDER",),
    section=SECTION.format(229),
    table="Episodes",
    since=2016,
    needs=("urn_postcodes",),
    assumption=QUERY + ". The provider's LA is inferred from its postcode in the URN list",
)
def _229(inputs: RuleInputs) -> pl.DataFrame:
    la = inputs.la
    if la is None:
        return rows(inputs.tables["Episodes"].clear())
    s = spec(inputs)
    exempt = s.group("urn_exempt") | s.group("provider_la_also_exempt")
    joined = _with_list(inputs).filter(
        pl.col("urn_LA_CODE").is_not_null() & ~is_in(c("PLACE"), exempt)
    )
    provider_la = pl.col("urn_LA_CODE").cast(pl.String)
    bad = joined.filter(
        ((c("PLACE_PROVIDER") == "PR1") & (provider_la != la))
        | ((c("PLACE_PROVIDER") == "PR2") & (provider_la == la))
    )
    return rows(bad)
