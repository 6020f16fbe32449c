"""Adoption: the adoption record (AD1), the decisions that a child should be placed for
adoption (PlacedAdoption) and the episodes of a placement for adoption.

A child's placement for adoption is read from the episodes: it begins with an episode placed
for adoption (the year's ``adoption`` placements) and carries on through further episodes
placed for adoption that follow on the same day with the same carer (reason for new episode
L, T or U). Its start is the date the child was placed for adoption; the episode that ends
it with an adoption order (E11, E12) is the adoption.
"""

from __future__ import annotations

import polars as pl

from csww.cla.rules.book import CLA_RULES
from csww.cla.rules.care_leavers import AD1_ITEMS
from csww.cla.rules.relevant_child import ADOPTED
from csww.cla.rules.support import (
    QUERY,
    blank,
    c,
    d,
    episodes,
    given,
    is_in,
    previous_table,
    rows,
    spec,
)
from csww.core.evaluate import RuleInputs
from csww.core.tables import ROW

SECTION = "DfE rule {} (adoption)"
PLACEMENT_ORDER = "E1"  # legal status: placement order granted
SAME_CARER = ("L", "T", "U")  # reason for new episode: the carer does not change
LEGAL_STATUS_CHANGE = ("L", "B", "U")  # reason for new episode: the legal status changes
SINGLE = ("M1", "F1")  # sex of adopters: a single adopter
COUPLE = ("MM", "FF", "MF")  # sex of adopters: a couple
TRANSFERRED = "E3"  # reason episode ceased: care taken over by another local authority


def _placements(inputs: RuleInputs) -> pl.DataFrame:
    """The year's episodes, each with ``_placed_on``: for an episode placed for adoption,
    the start of the placement for adoption it belongs to; for any other, its own start."""
    adoption = spec(inputs).group("adoption")
    ep = episodes(inputs)
    carries_on = (
        is_in(c("PLACE"), adoption)
        & is_in(pl.col("prev_PLACE:code"), adoption)
        & (pl.col("prev_DEC:date") == d("DECOM")).fill_null(False)
        & is_in(c("RNE"), list(SAME_CARER))
    )
    ep = ep.with_columns((~carries_on).cast(pl.Int32).cum_sum().over("CHILD").alias("_run"))
    return ep.with_columns(d("DECOM").first().over(["CHILD", "_run"]).alias("_placed_on"))


def _adoptions(inputs: RuleInputs) -> pl.DataFrame:
    """Each adopted child's adoption episode (the last ending E11 or E12): ``_placed_on``
    (the start of the placement for adoption), ``_adopted_on`` (its end), ``_place``."""
    ep = _placements(inputs).filter(is_in(c("REC"), list(ADOPTED)))
    return (
        ep.group_by("CHILD", maintain_order=True)
        .last()
        .select(
            "CHILD",
            "_placed_on",
            d("DEC").alias("_adopted_on"),
            d("DECOM").alias("_adoption_decom"),
            c("PLACE").alias("_place"),
        )
    )


def _ad1_adopted(inputs: RuleInputs) -> pl.DataFrame:
    return inputs.tables["AD1"].join(_adoptions(inputs), on="CHILD", how="inner")


def _decisions(inputs: RuleInputs) -> pl.DataFrame:
    """Each child's decisions to place for adoption with a date: the earliest and latest
    dates, and whether the latest (the last in the file among equal dates) was reversed."""
    pa = inputs.tables["PlacedAdoption"].filter(d("DATE_PLACED").is_not_null())
    ordered = pa.sort(["CHILD", "DATE_PLACED:date", ROW])
    return ordered.group_by("CHILD", maintain_order=True).agg(
        d("DATE_PLACED").min().alias("_first_decision"),
        d("DATE_PLACED").max().alias("_last_decision"),
        pl.col(ROW).last().alias("_last_row"),
        given("DATE_PLACED_CEASED").last().alias("_last_ceased"),
        given("REASON_PLACED_CEASED").last().alias("_last_reason"),
    )


def _last_decision_rows(inputs: RuleInputs) -> pl.DataFrame:
    """Each child's latest decision (its PlacedAdoption row) with the child's decisions."""
    dec = _decisions(inputs)
    pa = inputs.tables["PlacedAdoption"]
    return pa.join(dec, left_on=["CHILD", ROW], right_on=["CHILD", "_last_row"], how="inner")


def _sex_not(codes: tuple[str, ...]) -> pl.Expr:
    return given("SEX_ADOPTR") & ~is_in(c("SEX_ADOPTR"), list(codes))


# ---- the adoption record (AD1) against itself ------------------------------------------------


@CLA_RULES.rule(
    "333",
    "query",
    "Date should be placed for adoption must be on or prior to the date of matching child with "
    "adopter(s).",
    items=("DATE_INT", "DATE_MATCH"),
    section=SECTION.format(333),
    table="AD1",
    since=2015,
    assumption=QUERY
    + ". Fires when both dates are given and the decision is later than the match; a blank "
    "date should be placed is left to the rules on missing items (data-to-insight's validator "
    "also reports it here)",
)
def _333(inputs: RuleInputs) -> pl.Expr:
    return d("DATE_INT") > d("DATE_MATCH")


@CLA_RULES.rule(
    "511",
    "query",
    "If reporting that the number of person(s) adopting the looked after child is two adopters "
    "then the code should only be MM, FF or MF. MM = the adopting couple are both males; FF = "
    "the adopting couple are both females; MF = The adopting couple are male and female.",
    items=("NB_ADOPTR", "SEX_ADOPTR"),
    section=SECTION.format(511),
    table="AD1",
    since=2015,
    assumption=QUERY
    + ". Fires when two adopters are recorded with a single adopter's sex (M1, F1); a code "
    "outside the list is rule 176's",
)
def _511(inputs: RuleInputs) -> pl.Expr:
    return (c("NB_ADOPTR") == "2") & is_in(c("SEX_ADOPTR"), list(SINGLE))


@CLA_RULES.rule(
    "514",
    "query",
    "Data entry on the legal status of adopters shows a single adopter but data entry for the "
    "numbers of adopters shows it as a couple.",
    items=("LS_ADOPTR", "SEX_ADOPTR"),
    section=SECTION.format(514),
    table="AD1",
    since=2015,
    assumption=QUERY
    + ". A single adopter (L0) contradicted by a couple's sex of adopters (MM, FF, MF) or by "
    "two adopters; a blank or unknown sex of adopters is left to other rules",
)
def _514(inputs: RuleInputs) -> pl.Expr:
    couple = is_in(c("SEX_ADOPTR"), list(COUPLE)) | (c("NB_ADOPTR") == "2").fill_null(False)
    return (c("LS_ADOPTR") == "L0") & couple


def _status_and_sex(rule: str, status: str, allowed: tuple[str, ...], message: str) -> None:
    @CLA_RULES.rule(
        rule,
        "query",
        message,
        items=("LS_ADOPTR", "SEX_ADOPTR"),
        section=SECTION.format(rule),
        table="AD1",
        since=2015,
        assumption=QUERY
        + f". Legal status {status} with a sex of adopters given and not "
        + " or ".join(allowed)
        + " (a blank sex of adopters is left to other rules)",
    )
    def check(inputs: RuleInputs) -> pl.Expr:
        return (c("LS_ADOPTR") == status) & _sex_not(allowed)


for _rule, _status, _allowed, _message in (
    (
        "517",
        "L3",
        ("MF",),
        "If reporting legal status of adopters is L3 then the genders of adopters should be "
        "coded as MF. MF = the adopting couple are male and female.",
    ),
    (
        "518",
        "L4",
        ("MM", "FF"),
        "If reporting legal status of adopters is L4 then the genders of adopters should be "
        "coded as MM or FF. MM = the adopting couple are both males. FF = the adopting couple "
        "are both females.",
    ),
    (
        "519",
        "L2",
        COUPLE,
        "Data entered on the legal status of adopters shows civil partnership couple, but data "
        "entered on genders of adopters does not show it as a couple.",
    ),
    (
        "520",
        "L11",
        ("MF",),
        "Data entry on the legal status of adopters shows different gender married couple but "
        "data entry on genders of adopters shows it as a same gender couple.",
    ),
    (
        "524",
        "L12",
        ("MM", "FF"),
        "If reporting legal status of adopters is L12 then the genders of adopters should be "
        "coded as MM or FF. MM = the adopting couple are both males. FF = the adopting couple "
        "are both females.",
    ),
):
    _status_and_sex(_rule, _status, _allowed, _message)


# ---- the adoption record against the episodes ------------------------------------------------


@CLA_RULES.rule(
    "331",
    "query",
    "Date of matching child and adopter(s) should be the same as, or prior to, the date of "
    "placement of adoption.",
    items=("DATE_MATCH",),
    section=SECTION.format(331),
    table="AD1",
    since=2015,
    assumption=QUERY
    + ". The date of placement is the start of the placement for adoption that ended in the "
    "adoption (E11, E12): episodes placed for adoption that follow on with the same carer "
    "(reason for new episode L, T or U) continue it; when the adoption episode is not a "
    "placement for adoption its own start is used",
)
def _331(inputs: RuleInputs) -> pl.DataFrame:
    ad1 = _ad1_adopted(inputs)
    return rows(ad1.filter((d("DATE_MATCH") > pl.col("_placed_on")).fill_null(False)))


@CLA_RULES.rule(
    "521",
    "query",
    "Date of local authority's decision (LA) that adoption is in the best interests of the "
    "child (date should be placed) must be on or prior to the date the child is placed for "
    "adoption.",
    items=("DATE_INT",),
    section=SECTION.format(521),
    table="AD1",
    since=2015,
    assumption=QUERY
    + ". The date the child is placed for adoption is the start of the placement for adoption "
    "that ended in the adoption (as rule 331 reads it); an earlier placement for adoption that "
    "ended is not compared, since it may have followed an earlier, reversed decision",
)
def _521(inputs: RuleInputs) -> pl.DataFrame:
    ad1 = _ad1_adopted(inputs).filter(is_in(pl.col("_place"), spec(inputs).group("adoption")))
    return rows(ad1.filter((d("DATE_INT") > pl.col("_placed_on")).fill_null(False)))


@CLA_RULES.rule(
    "334",
    "query",
    "Date child started to be looked after in latest period of care must be on or prior to the "
    "date should be placed for adoption.",
    items=("DATE_INT",),
    section=SECTION.format(334),
    table="AD1",
    since=2015,
    assumption=QUERY
    + ". The latest period of care is the one that began with the child's latest episode "
    "with reason for new episode S on or before the adoption episode's start (the latest of "
    "all when there is no adoption episode); a period that began in an earlier year is not "
    "seen, and then the rule does not fire",
)
def _334(inputs: RuleInputs) -> pl.DataFrame:
    ep = episodes(inputs)
    starts = ep.filter(c("RNE") == "S").select("CHILD", d("DECOM").alias("_began"))
    adoption = _adoptions(inputs).select("CHILD", "_adoption_decom")
    starts = starts.join(adoption, on="CHILD", how="left").filter(
        (pl.col("_began") <= pl.col("_adoption_decom")).fill_null(True)
    )
    latest = starts.group_by("CHILD").agg(pl.col("_began").max())
    ad1 = inputs.tables["AD1"].join(latest, on="CHILD", how="inner")
    return rows(ad1.filter((d("DATE_INT") < pl.col("_began")).fill_null(False)))


@CLA_RULES.rule(
    "335",
    "query",
    "The current foster value (0) suggests that child is not adopted by current foster carer, "
    "but last placement is A2, A3, or A5. Or the current foster value (1) suggests that child "
    "is adopted by current foster carer, but last placement is A1, A4 or A6.",
    items=("FOSTER_CARE",),
    section=SECTION.format(335),
    table="AD1",
    since=2015,
    assumption=QUERY
    + ". The last placement is the adoption episode's (E11, E12); A1 and A2 are codes no "
    "longer in use, so the year's placements for adoption with the current foster carer(s) "
    "(A3, A5) and not with them (A4, A6) are compared",
)
def _335(inputs: RuleInputs) -> pl.DataFrame:
    s = spec(inputs)
    with_carer = s.group("adoption_with_current_carer")
    others = s.group("adoption") - with_carer
    ad1 = _ad1_adopted(inputs)
    place = pl.col("_place")
    wrong = (is_in(place, with_carer) & (c("FOSTER_CARE") == "0")) | (
        is_in(place, others) & (c("FOSTER_CARE") == "1")
    )
    return rows(ad1.filter(wrong.fill_null(False)))


@CLA_RULES.rule(
    "582",
    "query",
    "Child is showing as ceasing to be looked after due to adoption, but the date of adoption "
    "is the same as the date reported for being matched with adopters. In most circumstances "
    "we expect the date the child is matched with adopters to be before the date of adoption.",
    items=("DEC",),
    section=SECTION.format(582),
    table="Episodes",
    since=2023,
    assumption=QUERY + ". From 2022–23, the first year data-to-insight's validator applies it",
)
def _582(inputs: RuleInputs) -> pl.DataFrame:
    matched = inputs.tables["AD1"].select("CHILD", d("DATE_MATCH").alias("_matched"))
    ep = episodes(inputs).filter(is_in(c("REC"), list(ADOPTED)))
    ep = ep.join(matched, on="CHILD", how="inner")
    return rows(ep.filter((d("DEC") == pl.col("_matched")).fill_null(False)))


# ---- episodes ----------------------------------------------------------------------------------


@CLA_RULES.rule(
    "336",
    "query",
    "Child does not have a foster placement immediately prior to being placed for adoption.",
    items=("PLACE",),
    section=SECTION.format(336),
    table="Episodes",
    since=2015,
    assumption=QUERY
    + ". A placement for adoption with the current foster carer(s) (A3, A5) must follow on the "
    "same day from a foster placement or another placement for adoption; an episode that does "
    "not follow on from one this year (the first of a period of care, or the year's first) is "
    "not judged. Data-to-insight's validator tests A3 and A4, against its own comment and the "
    "message",
)
def _336(inputs: RuleInputs) -> pl.DataFrame:
    s = spec(inputs)
    before = s.group("foster") | s.group("adoption")
    ep = episodes(inputs)
    follows = (pl.col("prev_DEC:date") == d("DECOM")).fill_null(False)
    bad = is_in(c("PLACE"), s.group("adoption_with_current_carer")) & follows
    return rows(ep.filter(bad & ~is_in(pl.col("prev_PLACE:code"), before)))


@CLA_RULES.rule(
    "516",
    "query",
    "The episode data submitted for this child does not show that he/she was with their former "
    "foster carer(s) during the year. If the code in the reason episode ceased is E45 or E46 "
    "the child must have a placement code of U1 to U6.",
    items=("REC",),
    section=SECTION.format(516),
    table="Episodes",
    since=2019,
    assumption=QUERY
    + ". E45 and E46 (special guardianship to former foster carers) are codes from 2018–19. "
    "Fires when none of the child's episodes this year is a foster placement (U1 to U6): the "
    "former foster carers may have fostered the child in an earlier episode of the year",
)
def _516(inputs: RuleInputs) -> pl.DataFrame:
    s = spec(inputs)
    sgo = {"E45", "E46"} & s.codes("REC")
    ep = episodes(inputs)
    fostered = ep.filter(is_in(c("PLACE"), s.group("foster"))).select("CHILD")
    ended = ep.filter(is_in(c("REC"), sgo))
    return rows(ended.join(fostered, on="CHILD", how="anti"))


# ---- decisions to place for adoption (PlacedAdoption) -----------------------------------------


@CLA_RULES.rule(
    "522",
    "query",
    "Date of decision that the child should be placed for adoption must be on or before the "
    "date that a child should no longer be placed for adoption.",
    items=("DATE_PLACED", "DATE_PLACED_CEASED"),
    section=SECTION.format(522),
    table="PlacedAdoption",
    since=2015,
    assumption=QUERY,
)
def _522(inputs: RuleInputs) -> pl.Expr:
    return d("DATE_PLACED_CEASED") < d("DATE_PLACED")


@CLA_RULES.rule(
    "579",
    "query",
    "A new decision that the child should be placed for adoption this year cannot start when "
    "the previous decision is still open. Decisions to place the child for adoption should "
    "also not overlap. The date of any new decision to place the child for adoption must not "
    "be before the date placed ceased of previous decisions.",
    items=("DATE_PLACED", "DATE_PLACED_CEASED"),
    section=SECTION.format(579),
    table="PlacedAdoption",
    since=2015,
    assumption=QUERY
    + ". A child's decisions are taken in date order (file order for equal dates); a decision "
    "is reported when the one before it has no date it ceased, or ceased after it",
)
def _579(inputs: RuleInputs) -> pl.DataFrame:
    pa = inputs.tables["PlacedAdoption"].filter(d("DATE_PLACED").is_not_null())
    pa = pa.sort(["CHILD", "DATE_PLACED:date", ROW]).with_columns(
        pl.col("DATE_PLACED_CEASED").shift(1).over("CHILD").alias("_prev_ceased_raw"),
        d("DATE_PLACED_CEASED").shift(1).over("CHILD").alias("_prev_ceased"),
        pl.int_range(pl.len()).over("CHILD").alias("_n"),
    )
    prev_open = pl.col("_prev_ceased_raw").is_null() | (
        pl.col("_prev_ceased_raw").str.strip_chars() == ""
    )
    overlaps = (d("DATE_PLACED") < pl.col("_prev_ceased")).fill_null(False)
    return rows(pa.filter((pl.col("_n") > 0) & (prev_open | overlaps)))


@CLA_RULES.rule(
    "583",
    "query",
    "More than one date the child should be placed for adoption has been reported, but an "
    "earlier decision has not been revoked. Check that both dates are required and add in the "
    "date the earlier decision was revoked. Note this may be in a previous year.",
    items=("DATE_PLACED", "DATE_PLACED_CEASED"),
    section=SECTION.format(583),
    table="PlacedAdoption",
    since=2023,
    assumption=QUERY
    + ". From 2022–23, the first year data-to-insight's validator applies it. Every decision "
    "dated before the child's latest has a date it ceased",
)
def _583(inputs: RuleInputs) -> pl.DataFrame:
    pa = inputs.tables["PlacedAdoption"].join(_decisions(inputs), on="CHILD", how="inner")
    earlier = (d("DATE_PLACED") < pl.col("_last_decision")).fill_null(False)
    return rows(pa.filter(earlier & blank("DATE_PLACED_CEASED")))


@CLA_RULES.rule(
    "523",
    "query",
    "Date of decision that the child should be placed for adoption should be the same date as "
    "the decision that adoption is in the best interest (date should be placed).",
    items=("DATE_INT",),
    section=SECTION.format(523),
    table="AD1",
    since=2015,
    assumption=QUERY
    + ". Fires when none of the child's decisions to place for adoption has the date should be "
    "placed: a child may have an earlier decision that was reversed",
)
def _523(inputs: RuleInputs) -> pl.DataFrame:
    dates = inputs.tables["PlacedAdoption"].select("CHILD", d("DATE_PLACED").alias("_decided"))
    dates = dates.filter(pl.col("_decided").is_not_null())
    ad1 = inputs.tables["AD1"].filter(d("DATE_INT").is_not_null())
    ad1 = ad1.join(dates.select("CHILD").unique(), on="CHILD", how="semi")
    same = ad1.join(
        dates, left_on=["CHILD", "DATE_INT:date"], right_on=["CHILD", "_decided"], how="semi"
    )
    return rows(ad1.join(same.select(ROW), on=ROW, how="anti"))


@CLA_RULES.rule(
    "525",
    "query",
    "A child for whom the decision to be placed for adoption has been reversed cannot be "
    "adopted during the year.",
    items=("DATE_PLACED_CEASED",),
    section=SECTION.format(525),
    table="PlacedAdoption",
    since=2015,
    assumption=QUERY
    + ". Fires on the child's latest decision when it was reversed (a date or a reason it "
    "ceased) and adoption information (AD1) is given; an earlier decision that was reversed "
    "before a new one is not an error",
)
def _525(inputs: RuleInputs) -> pl.DataFrame:
    ad1 = inputs.tables["AD1"].filter(pl.any_horizontal([given(i) for i in AD1_ITEMS]))
    last = _last_decision_rows(inputs).filter(pl.col("_last_ceased") | pl.col("_last_reason"))
    return rows(last.join(ad1.select("CHILD"), on="CHILD", how="semi"))


@CLA_RULES.rule(
    "558",
    "query",
    "If a child has been adopted, then the decision to place them for adoption has not been "
    "disrupted and the date of the decision that a child should no longer be placed for "
    "adoption should be left blank.",
    items=("REC",),
    section=SECTION.format(558),
    table="Episodes",
    since=2015,
    assumption=QUERY
    + ". Fires on the adoption episode (E11, E12) when the child's latest decision to place "
    "for adoption has a date it ceased; an earlier decision that was reversed before a new "
    "one is not an error",
)
def _558(inputs: RuleInputs) -> pl.DataFrame:
    ceased = _decisions(inputs).filter(pl.col("_last_ceased")).select("CHILD")
    ep = episodes(inputs).filter(is_in(c("REC"), list(ADOPTED)))
    return rows(ep.join(ceased, on="CHILD", how="semi"))


@CLA_RULES.rule(
    "551",
    "query",
    "Child has been placed for adoption but there is no date of the decision that the child "
    "should be placed for adoption.",
    items=("PLACE",),
    section=SECTION.format(551),
    table="Episodes",
    since=2015,
    assumption=QUERY
    + ". Fires on each episode placed for adoption of a child with no decision to place for "
    "adoption dated in the return",
)
def _551(inputs: RuleInputs) -> pl.DataFrame:
    ep = episodes(inputs).filter(is_in(c("PLACE"), spec(inputs).group("adoption")))
    return rows(ep.join(_decisions(inputs).select("CHILD"), on="CHILD", how="anti"))


@CLA_RULES.rule(
    "553",
    "query",
    "Placement order has been granted but there is no date of decision that the child should "
    "be placed for adoption.",
    items=("LS",),
    section=SECTION.format(553),
    table="Episodes",
    since=2015,
    assumption=QUERY
    + ". Fires on each episode with a placement order (legal status E1) of a child with no "
    "decision to place for adoption dated in the return. Data-to-insight's validator also "
    "reports a decision that ceased while the placement order is open; that is not reported "
    "here, since the order stands until the court revokes it",
)
def _553(inputs: RuleInputs) -> pl.DataFrame:
    ep = episodes(inputs).filter(c("LS") == PLACEMENT_ORDER)
    return rows(ep.join(_decisions(inputs).select("CHILD"), on="CHILD", how="anti"))


@CLA_RULES.rule(
    "552",
    "query",
    "Date of Decision to place a child for adoption should be on or prior to the date that the "
    "child was placed for adoption.",
    items=("DATE_PLACED",),
    section=SECTION.format(552),
    table="PlacedAdoption",
    since=2015,
    assumption=QUERY
    + ". Fires on the child's earliest decision when every decision is dated after the "
    "child's first placement for adoption of the year began",
)
def _552(inputs: RuleInputs) -> pl.DataFrame:
    placed = (
        _placements(inputs)
        .filter(is_in(c("PLACE"), spec(inputs).group("adoption")))
        .group_by("CHILD")
        .agg(pl.col("_placed_on").min().alias("_first_placed"))
    )
    return rows(_earliest_decision_after(inputs, placed, "_first_placed"))


def _earliest_decision_after(inputs: RuleInputs, when: pl.DataFrame, column: str) -> pl.DataFrame:
    """Each child's earliest decision row when every decision is dated after ``column``."""
    dec = _decisions(inputs).join(when, on="CHILD", how="inner")
    late = dec.filter((pl.col("_first_decision") > pl.col(column)).fill_null(False))
    pa = inputs.tables["PlacedAdoption"].join(late, on="CHILD", how="inner")
    first = pa.filter(d("DATE_PLACED") == pl.col("_first_decision")).sort(ROW)
    return first.unique(subset=["CHILD"], keep="first", maintain_order=True)


@CLA_RULES.rule(
    "554",
    "query",
    "Date of decision that the child should be placed for adoption should be on or prior to "
    "the date that the placement order was granted.",
    items=("DATE_PLACED",),
    section=SECTION.format(554),
    table="PlacedAdoption",
    since=2015,
    assumption=QUERY
    + ". The placement order was granted on the start of an episode in the year with legal "
    "status E1 that changes the legal status (reason for new episode L, B or U) from another, "
    "or begins the return with that reason; an order granted in an earlier year is not "
    "judged (a decision before it may have been reversed and left out). Fires on the "
    "child's earliest decision when every decision is dated after the order",
)
def _554(inputs: RuleInputs) -> pl.DataFrame:
    ep = episodes(inputs)
    granted = (
        (c("LS") == PLACEMENT_ORDER)
        & is_in(c("RNE"), list(LEGAL_STATUS_CHANGE))
        & (pl.col("first") | (pl.col("prev_LS:code") != PLACEMENT_ORDER).fill_null(True))
        & (d("DECOM") >= spec(inputs).start).fill_null(False)
    )
    orders = ep.filter(granted).group_by("CHILD").agg(d("DECOM").min().alias("_granted"))
    return rows(_earliest_decision_after(inputs, orders, "_granted"))


@CLA_RULES.rule(
    "557",
    "query",
    "Child for whom the decision was made that they should be placed for adoption has left "
    "care but was not adopted and information on the decision that they should no longer be "
    "placed for adoption items has not been completed.",
    items=("DATE_PLACED_CEASED", "REASON_PLACED_CEASED"),
    section=SECTION.format(557),
    table="PlacedAdoption",
    since=2015,
    assumption=QUERY
    + ". Fires on the child's latest decision, when it lacks the date or the reason it "
    "ceased, and an episode placed for adoption or with a placement order (E1) ended the "
    "period of care other than by adoption (not X1, E11, E12; nor E3, care taken over by "
    "another authority, where the child is still looked after) on or after that decision "
    "(a later decision, after the child came back into care, is not judged). A freeing order "
    "(D1), which "
    "data-to-insight's validator counted until 2024, has not been made since 2005",
)
def _557(inputs: RuleInputs) -> pl.DataFrame:
    ep = episodes(inputs)
    placed_or_order = is_in(c("PLACE"), spec(inputs).group("adoption")) | (
        c("LS") == PLACEMENT_ORDER
    ).fill_null(False)
    left = given("REC") & ~is_in(c("REC"), ["X1", TRANSFERRED, *ADOPTED])
    children = (
        ep.filter(placed_or_order & left).group_by("CHILD").agg(d("DEC").max().alias("_left_on"))
    )
    last = _last_decision_rows(inputs).join(children, on="CHILD", how="inner")
    last = last.filter((pl.col("_last_decision") <= pl.col("_left_on")).fill_null(False))
    incomplete = blank("DATE_PLACED_CEASED") | blank("REASON_PLACED_CEASED")
    return rows(
        last.filter(incomplete),
        _item=pl.when(blank("DATE_PLACED_CEASED"))
        .then(pl.lit("DATE_PLACED_CEASED"))
        .otherwise(pl.lit("REASON_PLACED_CEASED")),
    )


# ---- decisions against last year's return ----------------------------------------------------


def _last_years_decisions(inputs: RuleInputs) -> pl.DataFrame:
    last = previous_table(inputs, "PlacedAdoption")
    return last.filter(d("DATE_PLACED").is_not_null()).select(
        "CHILD",
        d("DATE_PLACED").alias("_then"),
        (given("DATE_PLACED_CEASED") | given("REASON_PLACED_CEASED")).alias("_then_ceased"),
    )


def _this_years_dated(inputs: RuleInputs) -> pl.DataFrame:
    return inputs.tables["PlacedAdoption"].filter(d("DATE_PLACED").is_not_null())


@CLA_RULES.rule(
    "559",
    "query",
    "Date of decision that a child should be placed for adoption was not in the current year "
    "but the date of the decision that the child should be placed for adoption was not "
    "completed in a previous return.",
    items=("DATE_PLACED",),
    section=SECTION.format(559),
    table="PlacedAdoption",
    since=2016,
    needs=("previous",),
    assumption=QUERY
    + ". Fires on a decision dated before the year began when last year's return has no "
    "dated decision for the child",
)
def _559(inputs: RuleInputs) -> pl.DataFrame:
    earlier = _this_years_dated(inputs).filter(d("DATE_PLACED") < spec(inputs).start)
    return rows(earlier.join(_last_years_decisions(inputs), on="CHILD", how="anti"))


@CLA_RULES.rule(
    "560",
    "query",
    "Date of decision that the child should be placed for adoption this year is different from "
    "that recorded last year but the decision to place the child for adoption did not change.",
    items=("DATE_PLACED",),
    section=SECTION.format(560),
    table="PlacedAdoption",
    since=2016,
    needs=("previous",),
    assumption=QUERY
    + ". Last year's return ended with a decision still open (no date or reason it ceased) "
    "whose date no decision this year has; the child's decisions this year with a date last "
    "year's return does not have are reported. A decision open last year and reversed this "
    "year, followed by a new one, is not an error",
)
def _560(inputs: RuleInputs) -> pl.DataFrame:
    then = _last_years_decisions(inputs)
    now = _this_years_dated(inputs)
    open_then = then.filter(~pl.col("_then_ceased"))
    kept = open_then.join(
        now.select("CHILD", d("DATE_PLACED").alias("_then")), on=["CHILD", "_then"], how="semi"
    )
    lost = open_then.join(kept, on=["CHILD", "_then"], how="anti").select("CHILD").unique()
    new = now.join(
        then.select("CHILD", pl.col("_then").alias("DATE_PLACED:date")),
        on=["CHILD", "DATE_PLACED:date"],
        how="anti",
    )
    return rows(new.join(lost, on="CHILD", how="semi"))


@CLA_RULES.rule(
    "561",
    "query",
    "Date of the decision that the child should be placed for adoption this year is the same "
    "as that recorded last year but records show that the decision changed, and the child "
    "should no longer be placed for adoption last year.",
    items=("DATE_PLACED",),
    section=SECTION.format(561),
    table="PlacedAdoption",
    since=2016,
    needs=("previous",),
    assumption=QUERY
    + ". Fires on a decision this year with no date it ceased whose date is that of a decision "
    "last year's return showed had ceased (a date or a reason); a decision that repeats last "
    "year's with its date ceased is not an error",
)
def _561(inputs: RuleInputs) -> pl.DataFrame:
    ceased = _last_years_decisions(inputs).filter(pl.col("_then_ceased"))
    now = _this_years_dated(inputs).filter(blank("DATE_PLACED_CEASED"))
    return rows(
        now.join(
            ceased.select("CHILD", pl.col("_then").alias("DATE_PLACED:date")),
            on=["CHILD", "DATE_PLACED:date"],
            how="semi",
        )
    )


@CLA_RULES.rule(
    "584",
    "query",
    "Date of decision that the child should be placed for adoption this year is different from "
    "that recorded last year, but the decision to placed the child for adoption changed and "
    "the child should no longer be placed for adoption.",
    items=("DATE_PLACED",),
    section=SECTION.format(584),
    table="PlacedAdoption",
    since=2016,
    needs=("previous",),
    assumption=QUERY
    + ". A new decision after one that last year's return showed had ceased (a date or a "
    "reason) must be dated after it: fires on a decision this year whose date last year's "
    "return does not have and that is earlier than the latest ceased decision of last year. "
    "A decision that repeats one of last year's dates is left to rule 561",
)
def _584(inputs: RuleInputs) -> pl.DataFrame:
    then = _last_years_decisions(inputs)
    ceased = then.filter(pl.col("_then_ceased")).group_by("CHILD").agg(pl.col("_then").max())
    now = _this_years_dated(inputs).join(
        then.select("CHILD", pl.col("_then").alias("DATE_PLACED:date")),
        on=["CHILD", "DATE_PLACED:date"],
        how="anti",
    )
    now = now.join(ceased, on="CHILD", how="inner")
    return rows(now.filter(d("DATE_PLACED") < pl.col("_then")))
