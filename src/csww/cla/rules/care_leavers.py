"""Care leavers (OC3), extended to 17- and 18-year-olds from 2016, and the "not for" rules."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from csww.cla.rules.book import CLA_RULES
from csww.cla.rules.support import (
    QUERY,
    add_years,
    age_on,
    blank,
    c,
    d,
    episodes,
    given,
    oc3_given,
    previous_episodes,
    previous_table,
    rows,
    spec,
)
from csww.cla.spec import available_years, spec_for
from csww.core.evaluate import RuleInputs

SECTION = "DfE rule {} (care leavers)"
OC3_ITEMS = ("IN_TOUCH", "ACTIV", "ACCOM")
OC2_ITEMS = (
    "CONVICTED",
    "HEALTH_CHECK",
    "IMMUNISATIONS",
    "TEETH_CHECK",
    "HEALTH_ASSESSMENT",
    "SUBSTANCE_MISUSE",
    "INTERVENTION_RECEIVED",
    "INTERVENTION_OFFERED",
)
AD1_ITEMS = ("DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR")


def _oc3(inputs: RuleInputs) -> pl.DataFrame:
    """OC3 records that carry care-leaver information."""
    return inputs.tables["OC3"].filter(oc3_given())


def _birthday_in_year(dob: pl.Expr, age: int, start: date, end: date) -> pl.Expr:
    day = add_years(dob, age)
    return (day >= start) & (day <= end)


def _last_episode(inputs: RuleInputs) -> pl.DataFrame:
    return (
        episodes(inputs)
        .filter(pl.col("last"))
        .select(
            "CHILD",
            pl.col("DEC:date").alias("_dec"),
            pl.col("REC:code").alias("_rec"),
            pl.col("DEC").alias("_dec_raw"),
        )
    )


@CLA_RULES.rule(
    "153",
    "query",
    "All data items relating to a child's activity or accommodation after leaving care must be "
    "coded or left blank.",
    items=OC3_ITEMS,
    section=SECTION.format(153),
    table="OC3",
    since=2015,
    assumption=QUERY,
)
def _153(inputs: RuleInputs) -> pl.DataFrame:
    frame = inputs.tables["OC3"]
    some = oc3_given()
    every = given("IN_TOUCH") & given("ACTIV") & given("ACCOM")
    bad = frame.filter(some & ~every)
    first_blank = (
        pl.when(blank("IN_TOUCH"))
        .then(pl.lit("IN_TOUCH"))
        .when(blank("ACTIV"))
        .then(pl.lit("ACTIV"))
        .otherwise(pl.lit("ACCOM"))
    )
    return rows(bad, _item=first_blank)


@CLA_RULES.rule(
    "391",
    "query",
    "Young person was not of care-leaver age (17 to 21 from 2016; 19 to 21 before) during the "
    "current collection year.",
    items=OC3_ITEMS,
    section=SECTION.format(391),
    table="OC3",
    since=2015,
    assumption=QUERY
    + ". Both bounds are tested (the message's whole range), unlike data-to-insight's "
    "validator which tests only the lower one",
)
def _391(inputs: RuleInputs) -> pl.Expr:
    s = spec(inputs)
    ages = s.cohorts["oc3_ages"]
    young = age_on(d("DOB"), s.end) < min(ages)
    old = age_on(d("DOB"), s.start) > max(ages)
    return oc3_given() & (young | old)


@CLA_RULES.rule(
    "1007",
    "query",
    "Care leaver information is not required for 17- or 18-year olds who are still looked after.",
    items=OC3_ITEMS,
    section=SECTION.format(1007),
    table="OC3",
    since=2016,
    assumption=QUERY
    + ". 'Still looked after' is read as: the child's last episode this year has no end date",
)
def _1007(inputs: RuleInputs) -> pl.DataFrame:
    s = spec(inputs)
    oc3 = _oc3(inputs).join(_last_episode(inputs), on="CHILD", how="inner")
    age = age_on(d("DOB"), s.end)
    return rows(oc3.filter(age.is_in([17, 18]) & pl.col("_dec_raw").is_null()))


@CLA_RULES.rule(
    "1016",
    "query",
    "Care leaver information is not required for 17- or 18-year olds who cease to be looked "
    "after, after their birthday.",
    items=OC3_ITEMS,
    section=SECTION.format(1016),
    table="OC3",
    since=2024,
    assumption=QUERY
    + ". The birthday is the 17th or 18th that falls in the year; the child's last episode "
    "ended after it",
)
def _1016(inputs: RuleInputs) -> pl.DataFrame:
    s = spec(inputs)
    oc3 = _oc3(inputs).join(_last_episode(inputs), on="CHILD", how="inner")
    age = age_on(d("DOB"), s.end)
    birthday = add_years(d("DOB"), age)
    return rows(
        oc3.filter(
            age.is_in([17, 18])
            & (birthday >= s.start)
            & (pl.col("_dec") > birthday).fill_null(False)
        )
    )


@CLA_RULES.rule(
    "3001",
    "query",
    "Where care leavers information is being returned for a young person around their 17th "
    "birthday, the accommodation cannot be with their former foster carer(s).",
    items=("ACCOM",),
    section=SECTION.format(3001),
    table="OC3",
    since=2016,
    assumption=QUERY,
)
def _3001(inputs: RuleInputs) -> pl.Expr:
    s = spec(inputs)
    return c("ACCOM").is_in(["Z1", "Z2"]).fill_null(False) & _birthday_in_year(
        d("DOB"), 17, s.start, s.end
    )


@CLA_RULES.rule(
    "344",
    "query",
    "The record shows the young person has died or returned home to live with parent(s) or "
    "someone with parental responsibility for a continuous period of 6 months or more, but "
    "activity and/or accommodation on leaving care have been completed.",
    items=("ACTIV", "ACCOM"),
    section=SECTION.format(344),
    table="OC3",
    since=2015,
    assumption=QUERY,
)
def _344(inputs: RuleInputs) -> pl.DataFrame:
    frame = inputs.tables["OC3"].filter(c("IN_TOUCH").is_in(["DIED", "RHOM"]).fill_null(False))
    activ = given("ACTIV") & (c("ACTIV") != "0")
    accom = given("ACCOM") & (c("ACCOM") != "0")
    return rows(
        frame.filter(activ | accom),
        _item=pl.when(activ).then(pl.lit("ACTIV")).otherwise(pl.lit("ACCOM")),
    )


@CLA_RULES.rule(
    "345",
    "query",
    "The data collection record shows the local authority is in touch with this young person, "
    "but activity and/or accommodation data items are zero.",
    items=("ACTIV", "ACCOM"),
    section=SECTION.format(345),
    table="OC3",
    since=2015,
    assumption=QUERY,
)
def _345(inputs: RuleInputs) -> pl.DataFrame:
    frame = inputs.tables["OC3"].filter(c("IN_TOUCH") == "YES")
    activ = c("ACTIV") == "0"
    accom = c("ACCOM") == "0"
    return rows(
        frame.filter((activ | accom).fill_null(False)),
        _item=pl.when(activ.fill_null(False)).then(pl.lit("ACTIV")).otherwise(pl.lit("ACCOM")),
    )


@CLA_RULES.rule(
    "347",
    "query",
    "Care leavers aged under 18 years cannot be accommodated in a Foyer.",
    items=("ACCOM",),
    section=SECTION.format(347),
    table="OC3",
    since=2024,
    assumption=QUERY
    + ". Foyer is the accommodation letter T (codes T1 and T2); age is taken at the start of "
    "the year",
)
def _347(inputs: RuleInputs) -> pl.Expr:
    return c("ACCOM").str.starts_with("T").fill_null(False) & (
        age_on(d("DOB"), spec(inputs).start) < 18
    )


@CLA_RULES.rule(
    "348",
    "query",
    "Care leaver has previously been reported as having died.",
    items=("IN_TOUCH",),
    section=SECTION.format(348),
    table="OC3",
    since=2026,
    needs=("previous",),
    assumption=QUERY,
)
def _348(inputs: RuleInputs) -> pl.DataFrame:
    last = previous_table(inputs, "OC3")
    died = last.filter(pl.col("IN_TOUCH").str.strip_chars().str.to_uppercase() == "DIED")
    now = inputs.tables["OC3"].filter(given("IN_TOUCH") & (c("IN_TOUCH") != "DIED"))
    return rows(now.join(died.select("CHILD"), on="CHILD", how="semi"))


@CLA_RULES.rule(
    "1000",
    "query",
    "This child is recorded as having died in care and therefore should not have the care "
    "leaver information completed.",
    items=OC3_ITEMS,
    section=SECTION.format(1000),
    table="OC3",
    since=2015,
    assumption=QUERY + ". Checks this year's episodes, and last year's when given",
)
def _1000(inputs: RuleInputs) -> pl.DataFrame:
    died = [episodes(inputs).filter(c("REC") == "E2").select("CHILD")]
    if inputs.previous is not None:
        died.append(previous_episodes(inputs).filter(c("REC") == "E2").select("CHILD"))
    return rows(_oc3(inputs).join(pl.concat(died), on="CHILD", how="semi"))


@CLA_RULES.rule(
    "1002",
    "query",
    "This child has no previous episodes of care, therefore should not have care leaver "
    "information recorded.",
    items=OC3_ITEMS,
    section=SECTION.format(1002),
    table="OC3",
    since=2015,
    needs=("previous",),
    assumption=QUERY
    + ". Only this year's and last year's returns are seen, so a young person is flagged only "
    "when last year's return must have named them: in last year's care-leaver ages, or 17 "
    "now (looked after at 16, so last year or this)",
)
def _1002(inputs: RuleInputs) -> pl.DataFrame:
    s = spec(inputs)
    last_year = s.year - 1
    last_ages = spec_for(last_year).cohorts["oc3_ages"] if last_year in available_years() else ()
    known = [episodes(inputs).select("CHILD"), previous_episodes(inputs).select("CHILD")]
    known.append(previous_table(inputs, "OC3").select("CHILD"))
    unseen = _oc3(inputs).join(pl.concat(known), on="CHILD", how="anti")
    age_then = age_on(d("DOB"), s.start - timedelta(days=1))
    expected = age_then.is_in(list(last_ages)) | (age_on(d("DOB"), s.end) == 17)
    return rows(unseen.filter(expected.fill_null(False)))


@CLA_RULES.rule(
    "1010",
    "query",
    "This child has no episodes loaded for current year even though there was an open episode "
    "of care at the end of the previous year, and care leaver data has been entered.",
    items=OC3_ITEMS,
    section=SECTION.format(1010),
    table="OC3",
    since=2015,
    needs=("previous",),
    assumption=QUERY,
)
def _1010(inputs: RuleInputs) -> pl.DataFrame:
    open_last = previous_episodes(inputs).filter(pl.col("last") & blank("DEC")).select("CHILD")
    oc3 = _oc3(inputs).join(episodes(inputs).select("CHILD"), on="CHILD", how="anti")
    return rows(oc3.join(open_last, on="CHILD", how="semi"))


@CLA_RULES.rule(
    "1011",
    "query",
    "This child is recorded as having his/her care transferred to another local authority for "
    "the final episode and therefore should not have the care leaver information completed.",
    items=OC3_ITEMS,
    section=SECTION.format(1011),
    table="OC3",
    since=2015,
    assumption=QUERY,
)
def _1011(inputs: RuleInputs) -> pl.DataFrame:
    last = _last_episode(inputs).filter(pl.col("_rec") == "E3").select("CHILD")
    return rows(_oc3(inputs).join(last, on="CHILD", how="semi"))


@CLA_RULES.rule(
    "1012",
    "query",
    "No other data should be returned for OC3 children who had no episodes in the current year.",
    items=("CHILD",),
    section=SECTION.format(1012),
    table="Header",
    since=2015,
    assumption=QUERY
    + ". Reported once per child on the header, naming the tables that hold the data",
)
def _1012(inputs: RuleInputs) -> pl.DataFrame:
    no_episodes = (
        inputs.tables["OC3"]
        .select("CHILD")
        .join(episodes(inputs).select("CHILD"), on="CHILD", how="anti")
    )
    found: list[pl.DataFrame] = []
    for name in ("PlacedAdoption", "Missing", "Reviews", "AD1", "PrevPerm", "OC2"):
        table = inputs.tables[name]
        items = [i for i in table.columns if i not in ("CHILD", "DOB") and not i.startswith("_")]
        items = [i for i in items if ":" not in i]
        with_data = table.filter(pl.any_horizontal([given(i) for i in items])) if items else table
        found.append(with_data.select("CHILD").unique().with_columns(pl.lit(name).alias("_table")))
    hits = pl.concat(found).join(no_episodes, on="CHILD", how="semi")
    if hits.is_empty():
        return rows(inputs.tables["Header"].clear())
    named = hits.group_by("CHILD", maintain_order=True).agg(pl.col("_table").sort())
    header = inputs.tables["Header"].join(named, on="CHILD", how="inner")
    return rows(
        header,
        _message=pl.lit(
            "No other data should be returned for OC3 children who had no "
            "episodes in the current year; found in: "
        )
        + pl.col("_table").list.join(", "),
    )


@CLA_RULES.rule(
    "1014",
    "query",
    "UASC information is not required for care leavers.",
    items=("DUC",),
    section=SECTION.format(1014),
    table="UASC",
    since=2015,
    assumption=QUERY
    + ". A care leaver here is a child with care-leaver information and no episode this year",
)
def _1014(inputs: RuleInputs) -> pl.DataFrame:
    leavers = (
        _oc3(inputs).select("CHILD").join(episodes(inputs).select("CHILD"), on="CHILD", how="anti")
    )
    uasc = inputs.tables["UASC"].filter(given("DUC"))
    return rows(uasc.join(leavers, on="CHILD", how="semi"))


@CLA_RULES.rule(
    "215",
    "query",
    "Child has care leaver information but one or more data items relating to children looked "
    "after for 12 months have been completed.",
    items=OC2_ITEMS,
    section=SECTION.format(215),
    table="OC2",
    since=2015,
    assumption=QUERY,
)
def _215(inputs: RuleInputs) -> pl.DataFrame:
    oc2 = inputs.tables["OC2"].filter(pl.any_horizontal([given(i) for i in OC2_ITEMS]))
    return rows(oc2.join(_oc3(inputs).select("CHILD"), on="CHILD", how="semi"))


@CLA_RULES.rule(
    "134",
    "query",
    "Data on adoption should not be entered for the OC3 cohort.",
    items=AD1_ITEMS,
    section=SECTION.format(134),
    table="AD1",
    since=2015,
    assumption=QUERY,
)
def _134(inputs: RuleInputs) -> pl.DataFrame:
    ad1 = inputs.tables["AD1"].filter(pl.any_horizontal([given(i) for i in AD1_ITEMS]))
    return rows(ad1.join(_oc3(inputs).select("CHILD"), on="CHILD", how="semi"))


@CLA_RULES.rule(
    "628",
    "query",
    "Motherhood details are not required for care leavers who have not been looked after "
    "during the year.",
    items=("MOTHER",),
    section=SECTION.format(628),
    table="Header",
    since=2015,
    assumption=QUERY,
)
def _628(inputs: RuleInputs) -> pl.DataFrame:
    leavers = (
        _oc3(inputs).select("CHILD").join(episodes(inputs).select("CHILD"), on="CHILD", how="anti")
    )
    header = inputs.tables["Header"].filter(given("MOTHER"))
    return rows(header.join(leavers, on="CHILD", how="semi"))
