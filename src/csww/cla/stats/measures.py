"""What one LA's returns count towards each published table, before rounding.

Every count is keyed by the labels of the table's rows (``Counts[table][(group, ...)]``), so
LAs add up to regions and England by summing. The counting rules are DfE's as far as its
files and data guidance state them; where they do not, the rule csww follows is stated in
docs/cla-statistics.md and in the function that applies it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from csww.cla.stats import labels as lab
from csww.cla.stats.episodes import Linked
from csww.cla.stats.periods import age_at, end, parse, start, years_before
from csww.core import Tables

Key = tuple[str, ...]

AGE_BANDS = ((1, "Under 1 year"), (5, "1 to 4 years"), (10, "5 to 9 years"), (16, "10 to 15 years"))
AGE_TOP = "16 years and over"
DURATIONS = (
    ("14d", "1. Under 2 weeks"),
    ("56d", "2. From 2 weeks to under 8 weeks"),
    ("6mo", "3. From 8 weeks to under 6 months"),
    ("1y", "4. From 6 months to under 1 year"),
    ("2y", "5. From 1 year to under 2 years"),
    ("3y", "6. From 2 years to under 3 years"),
    ("5y", "7. From 3 years to under 5 years"),
    ("10y", "8. From 5 years to under 10 years"),
)
DURATION_TOP = "9. 10 years and over"
NEAR_MILES = 20.0
NOT_KNOWN_MILES = 999.9
STABILITY_YEAR = "CLA on 31 March"
STABILITY_TWO = "CLA 2 years on 31 March"
STABILITY_LONG = (
    "Children looked after continuously for at least 2.5 years on 31 March aged under 16 years"
)
FOSTER = ("U1", "U2", "U3", "U4", "U5", "U6")
ADOPTION = ("A3", "A4", "A5", "A6")


@dataclass
class Counts:
    """One LA-year's counts by table, and what could not be counted."""

    year: int
    la: str
    tables: dict[str, Counter[Key]] = field(default_factory=dict)
    covered: set[int] = field(default_factory=set)  # years whose returns were given
    unavailable: set[str] = field(default_factory=set)  # tables shown as x
    notes: list[str] = field(default_factory=list)

    def add(self, table: str, keys: Iterable[Key]) -> None:
        self.tables.setdefault(table, Counter()).update(keys)


def _age_band(age: pl.Expr) -> pl.Expr:
    expr: pl.Expr = pl.lit(AGE_TOP)
    for below, label in reversed(AGE_BANDS):
        expr = pl.when(age < below).then(pl.lit(label)).otherwise(expr)
    return pl.when(age.is_null()).then(None).otherwise(expr)


def _duration_band(since: pl.Expr, until: pl.Expr) -> pl.Expr:
    expr: pl.Expr = pl.lit(DURATION_TOP)
    for offset, label in reversed(DURATIONS):
        expr = pl.when(until < since.dt.offset_by(offset)).then(pl.lit(label)).otherwise(expr)
    return pl.when(since.is_null() | until.is_null()).then(None).otherwise(expr)


def _rows(frame: pl.DataFrame, columns: list[str]) -> list[Key]:
    return [tuple(r) for r in frame.select(columns).iter_rows()]


def _with_child(eps: pl.DataFrame, header: pl.DataFrame) -> pl.DataFrame:
    return eps.join(header.select("CHILD", "SEX", "DOB"), on="CHILD", how="left")


def placement_changes(c: Counts, linked: Linked) -> None:
    """Placements that ended in the year with a reason for the change (each counts once; a
    child who moved three times counts three times). Breakdowns: age at the end of the
    placement, gender, type of the placement that ended, its duration (from the episode that
    started the placement, through legal-status-only episodes), category of need at the
    start of the period of care."""
    a, b = start(c.year), end(c.year)
    reasons = lab.mapping("reason", "national")
    la_reasons = lab.mapping("reason", "la")
    eps = _with_child(linked.episodes, linked.header).filter(
        pl.col("DEC").is_between(a, b) & pl.col("REASON_PLACE_CHANGE").is_not_null()
    )
    unknown = eps.filter(~pl.col("REASON_PLACE_CHANGE").is_in(list(reasons))).height
    if unknown:
        c.notes.append(f"{unknown} placement change(s) with a reason code DfE does not publish")
    eps = eps.filter(pl.col("REASON_PLACE_CHANGE").is_in(list(reasons))).with_columns(
        pl.col("REASON_PLACE_CHANGE").replace_strict(reasons).alias("reason"),
        pl.col("REASON_PLACE_CHANGE").replace_strict(la_reasons).alias("la_reason"),
        _age_band(age_at(pl.col("DOB"), pl.col("DEC"))).alias("Age"),
        pl.col("SEX").replace_strict(lab.mapping("sex"), default=None).alias("Gender"),
        pl.col("PLACE")
        .replace_strict(lab.groups("placement_group"), default=None)
        .alias("Placement type"),
        _duration_band(pl.col("placement_start"), pl.col("DEC")).alias("Duration of Placement"),
        pl.col("period_CIN")
        .replace_strict(lab.mapping("need"), default=None)
        .alias("Category of need"),
    )
    keys: list[Key] = []
    for group in ("Age", "Gender", "Placement type", "Duration of Placement", "Category of need"):
        known = eps.filter(pl.col(group).is_not_null())
        keys += [(group, v, r) for v, r in _rows(known, [group, "reason"])]
        keys += [(group, "Total", r) for (r,) in _rows(eps, ["reason"])]
    c.add("reason_for_placement_change", keys)
    c.add(
        "new_placements_la",
        [("Reason for placement change during the year", r) for (r,) in _rows(eps, ["la_reason"])],
    )


def _locality(frame: pl.DataFrame) -> pl.DataFrame:
    miles = pl.col("PL_DISTANCE")
    known = miles.is_not_null() & (miles != NOT_KNOWN_MILES) & (miles >= 0)
    band = (
        pl.when(~known)
        .then(None)
        .when(miles <= NEAR_MILES)
        .then(pl.lit("near"))
        .otherwise(pl.lit("far"))
    )
    return frame.with_columns(band.alias("band"), pl.col("PL_LOCATION").alias("where"))


NATIONAL_BANDS = {
    ("near", None): ("1. 20 miles or less",),
    ("near", "IN"): ("1. 20 miles or less", "1.i 20 miles or less inside LA boundary"),
    ("near", "OUT"): ("1. 20 miles or less", "1.ii 20 miles or less outside LA boundary"),
    ("far", None): ("2. Over 20 miles",),
    ("far", "IN"): ("2. Over 20 miles", "2.i Over 20 miles inside LA boundary"),
    ("far", "OUT"): ("2. Over 20 miles", "2.ii Over 20 miles outside LA boundary"),
}
LA_BANDS = {
    ("near", "IN"): "Placed inside LA boundary less than 20 miles from home",
    ("far", "IN"): "Placed inside LA boundary more than 20 miles from home",
    ("near", "OUT"): "Placed outside LA boundary less than 20 miles from home",
    ("far", "OUT"): "Placed outside LA boundary more than 20 miles from home",
}


def _distance_keys(rows: list[Key], not_known: str) -> list[Key]:
    keys: list[Key] = []
    for group, band, where in rows:
        labels = (
            NATIONAL_BANDS.get((band, where if where in ("IN", "OUT") else None)) if band else None
        )
        for label in labels or (not_known,):
            keys.append((group, label))
            keys.append(("All", label))
        keys.append((group, "Total"))
        keys.append(("All", "Total"))
    return keys


def new_placements(c: Counts, linked: Linked) -> None:
    """Placements that started in the year (``RNE`` S, P, B, T or U), by locality and
    distance from home; a placement whose distance is 999.9 or blank is "not known"."""
    if not linked.has_derived:
        c.unavailable |= {"new_placements_distance", "new_placements_la_location"}
        c.notes.append(
            "placement distance and locality need PL_LOCATION and PL_DISTANCE (postcodes)"
        )
        return
    a, b = start(c.year), end(c.year)
    eps = _locality(
        linked.episodes.filter(pl.col("DECOM").is_between(a, b) & pl.col("new_placement"))
    ).with_columns(
        pl.col("PLACE")
        .replace_strict(lab.groups("placement_group"), default="Other placement")
        .alias("group")
    )
    rows = _rows(eps, ["group", "band", "where"])
    c.add("new_placements_distance", _distance_keys(rows, "Distance not Known or not recorded"))
    la: list[Key] = []
    for _, band, where in rows:
        label = LA_BANDS.get((band, where)) if band else "Distance not known or not recorded"
        if label:
            la.append(("Location of new placements during the year", label))
        la.append(("Location of new placements during the year", "Total new placements"))
    c.add("new_placements_la", la)


def at_31_march(linked: Linked, year: int) -> pl.DataFrame:
    b = end(year)
    return linked.episodes.filter(
        (pl.col("DECOM") <= b) & (pl.col("DEC").is_null() | (pl.col("DEC") > b))
    ).unique("CHILD", keep="last")


def distance_31_march(c: Counts, linked: Linked) -> None:
    """Children looked after at 31 March by distance and locality of their placement."""
    if not linked.has_derived:
        c.unavailable.add("distance_31_march")
        return
    eps = _locality(at_31_march(linked, c.year)).with_columns(
        pl.col("PLACE")
        .replace_strict(lab.groups("placement_group_31_march"), default="Other placements")
        .alias("group")
    )
    keys = _distance_keys(
        _rows(eps, ["group", "band", "where"]), "Distance not known or not recorded"
    )
    c.add("distance_31_march", [("All children" if g == "All" else g, v) for g, v in keys])


def _carers_in(eps: pl.DataFrame, since: date, until: date) -> pl.DataFrame:
    """Distinct carers (placements with a different carer) each child had between two days."""
    return (
        eps.filter((pl.col("DECOM") <= until) & (pl.col("DEC").is_null() | (pl.col("DEC") > since)))
        .group_by("CHILD")
        .agg(pl.col("carer").n_unique().alias("carers"))
    )


def stability(c: Counts, linked: Linked) -> None:
    """Placement stability of children looked after at 31 March (DfE's data guidance,
    ``la_cla_placement_stability`` footnotes, followed as written):

    * 3 or more placements during the year: distinct carers (see ``new_carer``) whose
      placement was open at some time from 1 April to 31 March;
    * "CLA 2 years on 31 March": looked after on 31 March "who also spent at least one day
      in care in the previous year ending 31 March"; 3 or more placements from 1 April two
      years earlier;
    * under 16 at 31 March, "period of care start date on or before 30 September" two and a
      half years earlier, not begun under short breaks: "with the same carer for at least 2
      years if their episode start date for the relevant placement was on or before 31
      March" two years earlier — csww's relevant placement is the carer's (moves with the
      same carer, ``RNE`` T/U, and temporary placements do not break it); a child placed for
      adoption counts when "their adoptive placement and their previous placement combined
      last for at least two years".
    """
    a, b = start(c.year), end(c.year)
    two = years_before(b, 2)
    two_and_half = years_before(b, 2, 6)
    last_year = years_before(a, 1)
    now = _with_child(at_31_march(linked, c.year), linked.header)
    year = now.join(_carers_in(linked.episodes, a, b), on="CHILD", how="left")
    keys: list[Key] = []
    for (n,) in _rows(year, ["carers"]):
        keys.append((STABILITY_YEAR, "Total children"))
        if n is not None and int(n) >= 3:
            keys.append((STABILITY_YEAR, "With 3 or more placements during the year"))
    in_care_last_year = (
        linked.episodes.filter(
            (pl.col("DECOM") < a) & (pl.col("DEC").is_null() | (pl.col("DEC") >= last_year))
        )
        .select("CHILD")
        .unique()
    )
    cohort = now.join(in_care_last_year, on="CHILD", how="semi")
    cohort = cohort.join(_carers_in(linked.episodes, last_year, b), on="CHILD", how="left")
    for (n,) in _rows(cohort, ["carers"]):
        keys.append((STABILITY_TWO, "Total children"))
        if n is not None and int(n) >= 3:
            keys.append((STABILITY_TWO, "With 3 or more placements during the previous 2 years"))
    long = now.filter(
        (age_at(pl.col("DOB"), b) < 16)
        & (pl.col("period_start") <= two_and_half)
        & ~pl.col("short_break_start")
    )
    adoption = pl.col("PLACE").is_in(ADOPTION) & pl.col("previous_carer_start").is_not_null()
    long = long.with_columns(
        pl.when(adoption)
        .then(pl.col("previous_carer_start"))
        .otherwise(pl.col("carer_start"))
        .alias("since")
    )
    for (since,) in _rows(long, ["since"]):
        keys.append((STABILITY_LONG, "Total children"))
        if isinstance(since, date) and since <= two:
            keys.append((STABILITY_LONG, "Living with the same carer for at least 2 years"))
    truncated = now.filter(
        ~pl.col("history_known") & (pl.col("period_start") > two_and_half)
    ).height
    if truncated:
        c.notes.append(
            f"{truncated} child(ren) at 31 March whose first episode given is not RNE S and began "
            "within 2.5 years: give earlier returns (--previous-years) to count them fully"
        )
    c.add("stability", keys)


def previous_permanence(c: Counts, linked: Linked, tables: Tables) -> None:
    """Children who started to be looked after in the year (first start only) by previous
    permanence (``PREV_PERM``; a child with no PrevPerm record counts as unknown)."""
    a, b = start(c.year), end(c.year)
    starters = linked.episodes.filter(
        pl.col("DECOM").is_between(a, b) & (pl.col("RNE") == "S")
    ).unique("CHILD")
    perm = tables.get("PrevPerm", pl.DataFrame())
    names = lab.mapping("previous_permanence")
    if perm.is_empty() or "PREV_PERM" not in perm.columns:
        perm = pl.DataFrame(schema={"CHILD": pl.String, "PREV_PERM": pl.String})
    perm = perm.select(
        pl.col("CHILD").cast(pl.String).str.strip_chars(),
        pl.col("PREV_PERM").cast(pl.String).str.strip_chars().str.to_uppercase(),
    ).unique("CHILD", keep="last")
    rows = starters.join(perm, on="CHILD", how="left").with_columns(
        pl.col("PREV_PERM").replace_strict(names, default=names["P4"]).alias("label")
    )
    keys: list[Key] = []
    for (label,) in _rows(rows, ["label"]):
        keys += [
            ("Previous permanence arrangement", label),
            ("Previous permanence arrangement", "Total children"),
        ]
    c.add("previous_permanence", keys)


def _age_label(age: int) -> list[str]:
    out = [f"{age} years"]
    if age >= 19:
        out.append("19 to 21 years")
    return out


def care_leavers(c: Counts, linked: Linked, tables: Tables) -> None:
    """Care leavers now aged 17 to 21 (age at their birthday in the year, i.e. on 31 March):
    activity, accommodation, suitability, in touch; leaving out those who died or returned
    home for 6 months or more (``IN_TOUCH`` DIED, RHOM)."""
    oc3 = tables.get("OC3", pl.DataFrame())
    if oc3.is_empty():
        c.add("care_leavers", [])
        return
    b = end(c.year)
    frame = oc3.select(
        pl.col("CHILD").cast(pl.String).str.strip_chars(),
        *(
            pl.col(x).cast(pl.String).str.strip_chars().str.to_uppercase().alias(x)
            for x in ("IN_TOUCH", "ACTIV", "ACCOM")
        ),
        parse("DOB").alias("oc3_dob")
        if "DOB" in oc3.columns
        else pl.lit(None, dtype=pl.Date).alias("oc3_dob"),
    ).join(linked.header.select("CHILD", "SEX", "DOB"), on="CHILD", how="left")
    frame = frame.with_columns(pl.coalesce("DOB", "oc3_dob").alias("DOB"))
    frame = frame.with_columns(age_at(pl.col("DOB"), b).alias("age")).filter(
        pl.col("age").is_between(17, 21)
        & ~pl.col("IN_TOUCH").is_in(("DIED", "RHOM")).fill_null(False)
    )
    activity = lab.mapping("care_leaver_activity")
    accom = lab.mapping("care_leaver_accommodation")
    out_act = lab.mapping("care_leaver_not_in_touch", "activity")
    out_acc = lab.mapping("care_leaver_not_in_touch", "accommodation")
    touch = lab.mapping("care_leaver_not_in_touch", "in_touch")
    totals = {
        code: t
        for t, codes in lab.labels()["care_leaver_activity_totals"].items()
        for code in codes
    }
    unknown_suit = set(lab.labels()["care_leaver_suitability"]["unknown_suitability"])
    sexes = lab.mapping("sex")
    keys: list[Key] = []
    for _child, touch_code, act, acc, _d, sex, _dob, age in frame.iter_rows():
        for age_label in _age_label(int(age)):
            k = ("Activity of care leaver",)
            if act in activity:
                keys.append((age_label, *k, activity[act]))
                keys.append((age_label, *k, totals[act]))
            elif touch_code in out_act:
                keys.append((age_label, *k, out_act[touch_code]))
                keys.append((age_label, *k, totals[touch_code]))
            keys.append((age_label, *k, "Total activity of care leavers"))
            if sex in sexes:
                keys.append((age_label, "Gender", sexes[sex]))
            keys.append((age_label, "Gender", "Total gender"))
            if touch_code in touch:
                keys.append((age_label, "LA in-touch with the care leaver", touch[touch_code]))
            keys.append((age_label, "LA in-touch with the care leaver", "Total in touch"))
            letter = acc[:1] if acc else None
            k = ("Accommodation of care leaver",)
            if letter in accom:
                keys.append((age_label, *k, accom[letter]))
            elif touch_code in out_acc:
                keys.append((age_label, *k, out_acc[touch_code]))
                keys.append((age_label, *k, "Total information not known"))
            keys.append((age_label, *k, "Total care leavers"))
            suit = None
            if letter in accom and letter not in unknown_suit:
                suit = {
                    "1": "Accommodation considered suitable",
                    "2": "Accommodation considered unsuitable",
                }.get(acc[1:2])
            elif touch_code in out_acc:
                suit = "No information"
            if suit:
                keys.append((age_label, "Suitability", suit))
                keys.append((age_label, "Suitability", "Total"))
    c.add("care_leavers", keys)
    staying_put(c, linked, frame)


def staying_put(c: Counts, linked: Linked, cohort: pl.DataFrame) -> None:
    """Care leavers aged 18, 19 and 20 who ceased to be looked after in a foster placement on
    their 18th birthday, and how many live with their former foster carers (``ACCOM`` Z).
    Ages 19 and 20 need the return of the year they turned 18 (``--previous-years``)."""
    eps = _with_child(linked.episodes, linked.header).filter(
        pl.col("PLACE").is_in(FOSTER)
        & (pl.col("REC") != "X1")
        & (pl.col("DEC") == pl.col("DOB").dt.offset_by("18y"))
    )
    left = cohort.join(eps.select("CHILD").unique(), on="CHILD", how="semi")
    keys: list[Key] = []
    for age, acc in left.select("age", "ACCOM").iter_rows():
        if age not in (18, 19, 20):
            continue
        labels = [f"{age} years"] + (["19 to 20 years"] if age in (19, 20) else [])
        for label in labels:
            keys.append((label, "1"))
            if acc and acc.startswith("Z"):
                keys.append((label, "2"))
    c.add("staying_put", keys)
    for age in (19, 20):
        if not {c.year - n for n in range(1, age - 17)} <= c.covered:
            c.unavailable.add(f"staying_put:{age}")


def count(
    year: int, la: str, returns: list[Tables], linked: Linked, years: Iterable[int] = ()
) -> Counts:
    """Everything one LA's returns count (``returns`` oldest first; the last is ``year``;
    ``years``: the years of the returns given)."""
    c = Counts(year, la, covered=set(years) | {year})
    current = returns[-1]
    placement_changes(c, linked)
    new_placements(c, linked)
    distance_31_march(c, linked)
    stability(c, linked)
    previous_permanence(c, linked, current)
    care_leavers(c, linked, current)
    return c
