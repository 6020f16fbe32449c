"""Synthetic 903 returns: deterministic, consistent chains, last year consistent with this
year, real postcodes, and a URN list that knows every URN used."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from csww.cla.derive import derive
from csww.cla.read import read_return
from csww.cla.references.postcodes import PostcodeLookup
from csww.cla.spec import spec_for
from csww.cla.synth import synth_return
from csww.cla.synth.chains import age_on
from csww.cla.synth.returns import SynthReturn, upn
from csww.cla.write import write_xml


@pytest.fixture(scope="module")
def ons() -> PostcodeLookup:
    return PostcodeLookup.from_package()


@pytest.fixture(scope="module")
def cumberland(ons: PostcodeLookup) -> SynthReturn:
    return synth_return("942", 2025, seed=7, postcodes=ons, children=400)


def _date(col: str) -> pl.Expr:
    return pl.col(col).str.strptime(pl.Date, "%d/%m/%Y", strict=True)


def test_same_seed_same_return_other_seed_other_return(ons: PostcodeLookup) -> None:
    a = synth_return("213", 2025, seed=1, postcodes=ons, children=60)
    b = synth_return("213", 2025, seed=1, postcodes=ons, children=60)
    c = synth_return("213", 2025, seed=2, postcodes=ons, children=60)
    assert write_xml(a.tables) == write_xml(b.tables)
    assert write_xml(a.previous) == write_xml(b.previous)
    assert a.urn_list.equals(b.urn_list)
    assert write_xml(a.tables) != write_xml(c.tables)


def test_size_and_every_table_present(cumberland: SynthReturn) -> None:
    t = cumberland.tables
    assert t["Episodes"]["CHILD"].n_unique() == 400  # looked after in the year
    leavers = t["OC3"].height
    assert leavers > 0 and t["Header"].height == 400 + leavers
    assert t["Header"]["CHILD"].n_unique() == t["Header"].height
    assert t["Episodes"]["CHILD"].is_in(t["Header"]["CHILD"].implode()).all()
    assert t["Reviews"].height > 0 and t["OC2"].height > 0 and t["UASC"].height > 0


def test_care_leavers_left_care_at_16_or_more_and_last_year_knew_them(
    cumberland: SynthReturn,
) -> None:
    t, prev = cumberland.tables, cumberland.previous
    oc3 = t["OC3"].with_columns(_date("DOB").alias("dob"))
    assert not oc3["CHILD"].is_in(t["Episodes"]["CHILD"].implode()).any()
    ages = [age_on(d, dt.date(2025, 3, 31)) for d in oc3["dob"].to_list()]
    assert set(ages) <= {17, 18, 19, 20, 21} and len(set(ages)) > 1
    known = pl.concat([prev["Episodes"]["CHILD"], prev["OC3"]["CHILD"]]).implode()
    assert oc3["CHILD"].is_in(known).all()
    # No other data for them (1012), and "in touch" always with an activity and accommodation.
    for name in ("Reviews", "OC2", "PrevPerm", "UASC", "Missing"):
        assert not t[name]["CHILD"].is_in(oc3["CHILD"].implode()).any(), name
    in_touch = oc3.filter(pl.col("IN_TOUCH") == "YES")
    assert (in_touch["ACTIV"] != "0").all() and (in_touch["ACCOM"] != "0").all()


def test_codes_are_the_years_own(cumberland: SynthReturn) -> None:
    spec = spec_for(2025)
    eps = cumberland.tables["Episodes"]
    for item in ("RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "REC", "REASON_PLACE_CHANGE"):
        used = set(eps[item].drop_nulls().to_list())
        assert used <= spec.codes(item), (item, used - spec.codes(item))
    assert set(cumberland.tables["Header"]["SEX"].to_list()) <= spec.codes("SEX")
    assert set(cumberland.previous["Header"]["SEX"].to_list()) <= spec_for(2024).codes("SEX")


def test_chains_hold_together(cumberland: SynthReturn, ons: PostcodeLookup) -> None:
    eps = cumberland.tables["Episodes"].with_columns(
        _date("DECOM").alias("start"), pl.col("DEC").str.strptime(pl.Date, "%d/%m/%Y").alias("end")
    )
    spec = spec_for(2025)
    nxt = eps.with_columns(
        pl.col("start").shift(-1).over("CHILD").alias("next_start"),
        pl.col("RNE").shift(-1).over("CHILD").alias("next_rne"),
        pl.col("PLACE").shift(-1).over("CHILD").alias("next_place"),
    )
    x1 = nxt.filter(pl.col("REC") == "X1")
    assert (x1["next_start"] == x1["end"]).all()  # 388: X1 is followed the same day
    assert x1["next_rne"].is_in(["P", "T", "L", "B", "U"]).all()
    finals = nxt.filter(pl.col("next_start").is_null())
    assert finals.filter(pl.col("REC") == "X1").is_empty()
    assert (eps["DEC"].is_null() == eps["REC"].is_null()).all()  # 148
    # 225/226: a reason exactly when X1 into a move and neither placement is temporary.
    temporary = spec.group("temporary")
    wants = (
        (pl.col("REC") == "X1")
        & pl.col("next_rne").is_in(["P", "B", "T", "U"])
        & ~pl.col("PLACE").is_in(list(temporary))
        & ~pl.col("next_place").is_in(list(temporary))
    )
    assert (
        nxt.select(wants.fill_null(False))["REC"] == nxt["REASON_PLACE_CHANGE"].is_not_null()
    ).all()
    # 392d: home and placement postcodes agree only for placements with parents.
    same = eps.filter(pl.col("HOME_POST") == pl.col("PL_POST"))
    assert set(same["PLACE"].to_list()) <= {"P1"}
    # 222: no URN for the exempt placement types; one for the others placed in England
    # (short breaks have no placement postcode or URN, 214; Wales and Scotland have their
    # own regulators, 218).
    exempt = eps.filter(pl.col("PLACE").is_in(list(spec.group("urn_exempt"))))
    assert exempt["URN"].null_count() == exempt.height
    in_england = ~ons.locate(eps["PL_POST"])["LA"].is_in(["WAL", "SCO"])
    others = eps.filter(
        ~pl.col("PLACE").is_in(list(spec.group("urn_exempt")))
        & ~pl.col("LS").is_in(list(spec.group("short_breaks")))
        & in_england
    )
    assert others.height > 0 and others["URN"].null_count() == 0
    # 234: no custody reason for a child under 10 (all synthetic reasons are checked at draw).
    assert (eps["start"] <= dt.date(2025, 3, 31)).all()


def test_moves_with_the_same_carer_keep_the_postcode(cumberland: SynthReturn) -> None:
    eps = cumberland.tables["Episodes"].with_columns(
        pl.col("PL_POST").shift(1).over("CHILD").alias("before"),
        pl.col("PLACE").shift(1).over("CHILD").alias("place_before"),
    )
    same_carer = eps.filter(pl.col("RNE").is_in(["T", "U"]) & pl.col("before").is_not_null())
    assert same_carer.height > 0
    assert (same_carer["PL_POST"] == same_carer["before"]).all()
    assert (same_carer["PLACE"] != same_carer["place_before"]).all()  # 435/436: something changed


def test_reasons_follow_the_national_mix(ons: PostcodeLookup) -> None:
    big = synth_return("330", 2025, seed=3, postcodes=ons, children=4000)
    reasons = big.tables["Episodes"]["REASON_PLACE_CHANGE"].drop_nulls()
    share = reasons.value_counts(normalize=True).rows()
    got = dict(share)
    # England 2024: CARPL 31%, PLACE 24%, OTHER 22%, CREQB 8% (of 66,070 changes).
    assert abs(got["CARPL"] - 0.31) < 0.04 and abs(got["PLACE"] - 0.24) < 0.04
    assert abs(got["OTHER"] - 0.22) < 0.04 and abs(got["CREQB"] - 0.08) < 0.03


def test_last_year_is_consistent_with_this_year(cumberland: SynthReturn) -> None:
    prev = cumberland.previous["Episodes"]
    this = cumberland.tables["Episodes"]
    open_last = prev.filter(pl.col("DEC").is_null())
    first_now = this.group_by("CHILD", maintain_order=True).first()
    joined = open_last.join(first_now, on="CHILD", how="left", suffix="_now")
    assert joined.height > 100
    for item in (
        "DECOM",
        "RNE",
        "LS",
        "CIN",
        "PLACE",
        "PLACE_PROVIDER",
        "URN",
        "PL_POST",
        "HOME_POST",
    ):
        assert joined.filter(pl.col(item).ne_missing(pl.col(f"{item}_now"))).is_empty(), item
    # Every episode open last 31 March that carried on is in this year's return.
    assert joined["DECOM_now"].null_count() == 0


def test_postcodes_are_real_and_placements_inside_and_outside_the_la(
    cumberland: SynthReturn, ons: PostcodeLookup
) -> None:
    # Short breaks have no placement postcode (214), so no placement LA or distance (398, 420).
    everything = derive(cumberland.tables["Episodes"], la="942", postcodes=ons)
    breaks = everything.filter(pl.col("LS").is_in(["V3", "V4"]))
    assert breaks.height > 0 and breaks["PL_LA"].null_count() == breaks.height
    derived = everything.filter(~pl.col("LS").is_in(["V3", "V4"]))
    assert derived["PL_LA"].null_count() == 0
    uasc = cumberland.tables["UASC"]["CHILD"].implode()
    local = derived.filter(~pl.col("CHILD").is_in(uasc))
    assert (ons.locate(local["HOME_POST"])["LA"] == "942").all()
    inside = (local["PL_LOCATION"] == "IN").mean()
    assert inside is not None and 0.4 < inside < 0.8
    assert (local["PL_DISTANCE"] < 999.9).all()
    # Unaccompanied asylum-seeking children have no home postcode, so no distance (406).
    asylum = derived.filter(pl.col("CHILD").is_in(uasc))
    assert asylum.height > 0
    assert asylum["HOME_POST"].null_count() == asylum.height
    assert (asylum["PL_DISTANCE"] == 999.9).all() and (asylum["CIN"] == "N8").all()


def test_missing_episodes_lie_within_care(cumberland: SynthReturn) -> None:
    missing = cumberland.tables["Missing"]
    assert missing.height > 0 and set(missing["MISSING"].to_list()) <= {"M", "A"}
    eps = cumberland.tables["Episodes"].select(
        "CHILD",
        _date("DECOM").alias("s"),
        pl.col("DEC").str.strptime(pl.Date, "%d/%m/%Y").alias("e"),
    )
    spans = missing.select("CHILD", _date("MIS_START").alias("ms"), _date("MIS_END").alias("me"))
    inside = spans.join(eps, on="CHILD").filter(
        (pl.col("ms") > pl.col("s")) & (pl.col("e").is_null() | (pl.col("me") <= pl.col("e")))
    )
    assert inside.select("CHILD", "ms").unique().height == missing.height
    assert (spans["me"] >= spans["ms"]).all()


def test_urn_list_knows_every_urn_and_the_settings_postcodes(cumberland: SynthReturn) -> None:
    urns = cumberland.urn_list
    eps = cumberland.tables["Episodes"].filter(pl.col("URN").is_not_null())
    assert eps["URN"].is_in(urns["URN"].implode()).all()
    joined = eps.join(urns, on="URN")
    assert joined.filter(
        ~pl.col("placement codes").str.contains(pl.col("PLACE"), literal=True)
    ).is_empty()
    assert (joined["provider codes"] == joined["PLACE_PROVIDER"]).all()
    settings = joined.filter(pl.col("PLACE").is_in(["K1", "K2", "K3", "R3", "S1"]))
    assert settings.height > 0 and (settings["postcode"] == settings["PL_POST"]).all()


def test_upn_check_letter() -> None:
    # DfE's worked example shape: the letter is the weighted sum of the 12 digits mod 23.
    assert upn("000000000000") == "A000000000000"
    assert upn("100000000000") == "C100000000000"  # 1 x weight 2 = 2 -> C
    assert len(upn("942123412001")) == 13


def test_the_return_reads_back_through_the_xml(cumberland: SynthReturn) -> None:
    back = read_return(write_xml(cumberland.tables))
    assert back.tables is not None
    for name, frame in cumberland.tables.items():
        assert back.tables[name].drop("_line", "_cell").equals(frame.drop("_line", "_cell")), name
