"""Synthetic adoption, short breaks and placements outside England hold together as DfE's
rules on them ask (including adoption rules csww does not check yet), and derive as they
should."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from csww.cla.derive import derive
from csww.cla.references.postcodes import PostcodeLookup
from csww.cla.spec import spec_for
from csww.cla.synth import synth_return
from csww.cla.synth.returns import SynthReturn

YEAR = 2025


@pytest.fixture(scope="module")
def ons() -> PostcodeLookup:
    return PostcodeLookup.from_package()


@pytest.fixture(scope="module")
def big(ons: PostcodeLookup) -> SynthReturn:
    return synth_return("330", YEAR, seed=5, postcodes=ons, children=1500)


def _dates(frame: pl.DataFrame, *items: str) -> pl.DataFrame:
    """The table's items (no bookkeeping columns), the given ones as dates."""
    frame = frame.select([c for c in frame.columns if not c.startswith("_")])
    return frame.with_columns(
        *[pl.col(i).str.strptime(pl.Date, "%d/%m/%Y", strict=False).alias(i) for i in items]
    )


def _episodes(result: SynthReturn) -> pl.DataFrame:
    return _dates(result.tables["Episodes"], "DECOM", "DEC")


def test_adopted_children_have_their_adoption_recorded(big: SynthReturn) -> None:
    eps = _episodes(big)
    ad1 = _dates(big.tables["AD1"], "DATE_INT", "DATE_MATCH")
    placed = _dates(big.tables["PlacedAdoption"], "DATE_PLACED", "DATE_PLACED_CEASED")
    adopted = eps.filter(pl.col("REC").is_in(["E11", "E12"]))
    assert adopted.height >= 10
    # 601/602: AD1 exactly for the children adopted in the year; 390: from A3-A6.
    assert sorted(ad1["CHILD"].to_list()) == sorted(adopted["CHILD"].to_list())
    assert adopted["PLACE"].is_in(["A3", "A4", "A5", "A6"]).all()
    joined = ad1.join(adopted, on="CHILD").join(placed, on="CHILD", how="left")
    # 523: the decision date is the PlacedAdoption one; 558: not reversed; 333, 331: decided,
    # then matched, then placed.
    assert (joined["DATE_INT"] == joined["DATE_PLACED"]).all()
    assert joined["DATE_PLACED_CEASED"].null_count() == joined.height
    assert (joined["DATE_INT"] <= joined["DATE_MATCH"]).all()
    assert (joined["DATE_MATCH"] <= joined["DECOM"]).all()
    # 335: adopted by the foster carers exactly when placed with them (A3, A5).
    with_carer = joined["PLACE"].is_in(["A3", "A5"])
    assert ((joined["FOSTER_CARE"] == "1") == with_carer).all()
    assert with_carer.any() and (~with_carer).any()
    # 511, 514, 524: the number, sex and legal status of the adopters agree.
    single = joined["NB_ADOPTR"] == "1"
    assert (single == joined["SEX_ADOPTR"].is_in(["M1", "F1"])).all()
    assert (single == (joined["LS_ADOPTR"] == "L0")).all()
    civil = joined.filter(pl.col("LS_ADOPTR") == "L12")
    assert civil["SEX_ADOPTR"].is_in(["MM", "FF"]).all()


def test_placements_for_adoption_follow_a_decision_and_an_order(big: SynthReturn) -> None:
    eps = _episodes(big)
    placed = _dates(big.tables["PlacedAdoption"], "DATE_PLACED", "DATE_PLACED_CEASED")
    adoption = eps.filter(pl.col("PLACE").is_in(["A3", "A4", "A5", "A6"]))
    assert set(adoption["PLACE"].to_list()) >= {"A5", "A6"}
    # 408: with a placement order (A5, A6) the legal status is E1; 217: A3, A5 with the
    # current carers are T (or S, U).
    with_order = adoption.filter(pl.col("PLACE").is_in(["A5", "A6"]))
    assert (with_order["LS"] == "E1").all()
    assert adoption.filter(pl.col("PLACE").is_in(["A3", "A5"]))["RNE"].is_in(["S", "T", "U"]).all()
    # 551, 332: a decision before the placement; 553, 554: before the placement order.
    first_e1 = eps.filter(pl.col("LS") == "E1").group_by("CHILD").agg(pl.col("DECOM").min())
    for frame in (adoption, first_e1):
        joined = frame.join(placed, on="CHILD", how="left")
        assert joined["DATE_PLACED"].null_count() == 0
        assert (joined["DATE_PLACED"] <= joined["DECOM"]).all()
    # Reversed decisions: a date and a reason (RD1-RD4), and the child was not adopted (525).
    ceased = placed.filter(pl.col("DATE_PLACED_CEASED").is_not_null())
    assert ceased.height > 0
    assert ceased["REASON_PLACED_CEASED"].is_in(["RD1", "RD2", "RD3", "RD4"]).all()
    assert (ceased["DATE_PLACED"] <= ceased["DATE_PLACED_CEASED"]).all()
    adopted = eps.filter(pl.col("REC").is_in(["E11", "E12"]))["CHILD"].implode()
    assert not ceased["CHILD"].is_in(adopted).any()
    # 557: a child who left care other than by adoption has no open decision.
    left = eps.group_by("CHILD").agg(pl.col("REC").sort_by("DECOM").last().alias("last"))
    open_decisions = placed.filter(pl.col("DATE_PLACED_CEASED").is_null()).join(left, on="CHILD")
    assert open_decisions["last"].is_in(["E11", "E12"]).fill_null(True).all()


def test_short_breaks(big: SynthReturn) -> None:
    spec = spec_for(YEAR)
    eps = _episodes(big)
    breaks = eps.filter(pl.col("LS").is_in(["V3", "V4"]))
    assert set(breaks["LS"].to_list()) == {"V3", "V4"}
    # Short-break children have nothing else: every episode of theirs is a short break.
    kids = breaks["CHILD"].implode()
    assert eps.filter(pl.col("CHILD").is_in(kids))["LS"].is_in(["V3", "V4"]).all()
    # 214: no placement postcode or URN; a provider (526); each break starts care (S) and ends
    # with the return home; disability.
    assert breaks["PL_POST"].null_count() == breaks.height
    assert breaks["URN"].null_count() == breaks.height
    assert breaks["PLACE_PROVIDER"].null_count() == 0
    assert (breaks["RNE"] == "S").all() and (breaks["CIN"] == "N2").all()
    assert breaks.filter(pl.col("DEC").is_not_null())["REC"].is_in(["E4A"]).all()
    # 367: at most 75 days of V3 in the year.
    v3 = breaks.filter(pl.col("LS") == "V3").with_columns(
        (pl.col("DEC").fill_null(spec.end).clip(upper_bound=spec.end) - pl.col("DECOM"))
        .dt.total_days()
        .alias("days")
    )
    assert v3.group_by("CHILD").agg(pl.col("days").sum())["days"].max() <= 75
    # No OC2, missing episodes or care-leaver information for them.
    for name in ("OC2", "Missing", "OC3"):
        assert not big.tables[name]["CHILD"].is_in(kids).any(), name


def test_placements_in_wales_and_scotland(big: SynthReturn, ons: PostcodeLookup) -> None:
    derived = derive(big.tables["Episodes"], la="330", postcodes=ons)
    abroad = derived.filter(pl.col("PL_LA").is_in(["WAL", "SCO"]))
    assert abroad.height > 0
    # Out of the LA's area, a known distance under DfE's 350 miles (454; not known only for
    # an unaccompanied child, who has no home postcode), no Ofsted URN (218 exempts them), and
    # never the LA's own provision (1015).
    assert (abroad["PL_LOCATION"] == "OUT").all()
    known = abroad.filter(pl.col("HOME_POST").is_not_null())
    assert known.height > 0 and (known["PL_DISTANCE"] < 350).all()
    assert abroad["URN"].null_count() == abroad.height
    assert abroad["PLACE_PROVIDER"].is_in(["PR4", "PR5"]).all()
    assert abroad["PLACE"].is_in(["K2", "S1", "U4", "U6", "U1", "U3"]).all()


def test_adoption_rows_of_last_year_are_last_years(big: SynthReturn) -> None:
    prev = _dates(big.previous["AD1"], "DATE_INT")
    eps = _episodes(big).select("CHILD").unique()
    # A child adopted last year is not in this year's return.
    assert prev.height > 0
    assert not prev["CHILD"].is_in(eps["CHILD"].implode()).any()
    assert (prev["DATE_INT"] < dt.date(YEAR - 1, 4, 1)).all()
