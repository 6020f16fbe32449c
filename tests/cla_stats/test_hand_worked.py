"""A small return whose every figure is worked out by hand (year 2025: 1 April 2024 to
31 March 2025; LA 202, Camden, in Inner London)."""

from __future__ import annotations

from collections import Counter

import pytest

from csww.cla.stats.compute import Return, compute
from csww.cla.stats.measures import STABILITY_LONG, STABILITY_TWO, STABILITY_YEAR

from .build import ep, tables

HEADER = [
    {"CHILD": "A", "SEX": "1", "DOB": "01/06/2015"},
    {"CHILD": "B", "SEX": "2", "DOB": "15/08/2008"},
    {"CHILD": "C", "SEX": "1", "DOB": "01/01/2020"},
    {"CHILD": "D", "SEX": "2", "DOB": "01/01/2012"},
    {"CHILD": "E", "SEX": "M", "DOB": "10/10/2006"},
    {"CHILD": "F", "SEX": "F", "DOB": "01/02/2005"},
    {"CHILD": "G", "SEX": "1", "DOB": "01/03/2008"},
]
EPISODES = [
    # A: with the same carer since 2020; moved with that carer (RNE T) in June 2024
    ep("A", "01/01/2020", "S", "C2", "N1", "U4", "01/06/2024", "X1", "PLACE", "IN", "3.0"),
    ep("A", "01/06/2024", "T", "C2", "N1", "U4", "", "", "", "IN", "4.0"),
    # B: three carers in the year
    ep("B", "10/02/2024", "S", "C2", "N4", "K2", "01/05/2024", "X1", "CREQB", "OUT", "25.5"),
    ep("B", "01/05/2024", "P", "C2", "N4", "U6", "01/09/2024", "X1", "CARPL", "IN", "999.9"),
    ep("B", "01/09/2024", "B", "C1", "N4", "H5", "", "", "", "OUT", "12.0"),
    # C: started in the year (previously under an SGO), legal status changed, went home
    ep("C", "01/10/2024", "S", "C2", "N2", "R1", "01/12/2024", "X1", "OTHER"),
    ep("C", "01/12/2024", "L", "C1", "N2", "R1", "01/02/2025", "E4A"),
    # D: short breaks only: left out of everything
    ep("D", "01/05/2024", "S", "V3", "N2", "K2", "02/05/2024", "X1", "CARPL", "OUT", "1.0"),
    # E: left foster care on the 18th birthday and stays with the carers
    ep("E", "01/01/2019", "S", "C2", "N1", "U4", "10/10/2024", "E17", "", "IN", "2.0"),
]
OC3 = [
    {"CHILD": "E", "DOB": "10/10/2006", "IN_TOUCH": "YES", "ACTIV": "F2", "ACCOM": "Z1"},
    {"CHILD": "F", "DOB": "01/02/2005", "IN_TOUCH": "NO", "ACTIV": "0", "ACCOM": "0"},
    {"CHILD": "G", "DOB": "01/03/2008", "IN_TOUCH": "DIED", "ACTIV": "0", "ACCOM": "0"},
]
PREV_PERM = [{"CHILD": "C", "DOB": "01/01/2020", "PREV_PERM": "P2"}]


@pytest.fixture(scope="module")
def result():
    return compute([Return("202", 2025, tables(HEADER, EPISODES, OC3, PREV_PERM))])


def counts(result, table: str) -> Counter:
    (c,) = result.counts
    return c.tables[table]


def test_placement_changes_by_reason_and_breakdown(result) -> None:
    c = counts(result, "reason_for_placement_change")
    # A's move with the same carer (PLACE), B's two moves (CREQB, CARPL), C's (OTHER); D is a
    # short break
    total = {k[2]: v for k, v in c.items() if k[:2] == ("Age", "Total")}
    assert total == {
        "Change in the status of a placement only": 1,
        "Carer requests placement ends due to child's behaviour": 1,
        "Change to/Implementation of care plan": 1,
        "Other": 1,
    }
    # ages at the end of the placement: A 9 (birthday that day), B 15 then 16, C 4
    assert c[("Age", "5 to 9 years", "Change in the status of a placement only")] == 1
    assert (
        c[("Age", "10 to 15 years", "Carer requests placement ends due to child's behaviour")] == 1
    )
    assert c[("Age", "16 years and over", "Change to/Implementation of care plan")] == 1
    assert c[("Age", "1 to 4 years", "Other")] == 1
    # A's placement lasted 1 Jan 2020 – 1 Jun 2024; B's 81 days and 4 months; C's 61 days
    assert (
        c[
            (
                "Duration of Placement",
                "7. From 3 years to under 5 years",
                "Change in the status of a placement only",
            )
        ]
        == 1
    )
    assert (
        c[
            (
                "Duration of Placement",
                "3. From 8 weeks to under 6 months",
                "Carer requests placement ends due to child's behaviour",
            )
        ]
        == 1
    )
    assert (
        c[
            (
                "Duration of Placement",
                "3. From 8 weeks to under 6 months",
                "Change to/Implementation of care plan",
            )
        ]
        == 1
    )
    assert c[("Duration of Placement", "3. From 8 weeks to under 6 months", "Other")] == 1
    assert (
        c[
            (
                "Placement type",
                "Secure homes and children's homes",
                "Carer requests placement ends due to child's behaviour",
            )
        ]
        == 1
    )
    assert c[("Placement type", "Foster placements", "Change to/Implementation of care plan")] == 1
    assert c[("Placement type", "Other residential settings", "Other")] == 1
    assert c[("Gender", "Female", "Change to/Implementation of care plan")] == 1
    assert c[("Gender", "Male", "Other")] == 1
    assert (
        c[
            (
                "Category of need",
                "N4. Family in acute stress",
                "Change to/Implementation of care plan",
            )
        ]
        == 1
    )
    assert c[("Category of need", "N2. Child’s disability", "Other")] == 1
    assert sum(v for k, v in c.items() if k[0] == "Gender") == 8  # 4 by sex + 4 in Total


def test_new_placements_by_locality_and_distance(result) -> None:
    c = counts(result, "new_placements_la")
    loc = "Location of new placements during the year"
    # in the year: A's T move (inside, 4 miles), B's P (999.9) and B (outside, 12 miles),
    # C's start (no postcode); C's L episode is not a placement; D is a short break
    assert c[(loc, "Total new placements")] == 4
    assert c[(loc, "Placed inside LA boundary less than 20 miles from home")] == 1
    assert c[(loc, "Placed outside LA boundary less than 20 miles from home")] == 1
    assert c[(loc, "Distance not known or not recorded")] == 2
    assert c[(loc, "Placed outside LA boundary more than 20 miles from home")] == 0


def test_children_at_31_march_by_distance(result) -> None:
    c = counts(result, "distance_31_march")
    # A (foster, inside, 4 miles) and B (H5, outside, 12 miles)
    assert c[("All children", "Total")] == 2
    assert c[("All children", "1. 20 miles or less")] == 2
    assert c[("All children", "1.i 20 miles or less inside LA boundary")] == 1
    assert c[("All children", "1.ii 20 miles or less outside LA boundary")] == 1
    assert c[("Foster placements", "1.i 20 miles or less inside LA boundary")] == 1
    assert (
        c[
            (
                "Independent and semi-independent living arrangements/ supported accommodation",
                "Total",
            )
        ]
        == 1
    )


def test_stability(result) -> None:
    c = counts(result, "stability")
    # at 31 March: A (1 carer: the T move keeps the carer) and B (3 carers)
    assert c[(STABILITY_YEAR, "Total children")] == 2
    assert c[(STABILITY_YEAR, "With 3 or more placements during the year")] == 1
    # "CLA 2 years": at 31 March and in care at least a day the year before: A, and B (started
    # February 2024); B had 3 carers from 1 April 2023
    assert c[(STABILITY_TWO, "Total children")] == 2
    assert c[(STABILITY_TWO, "With 3 or more placements during the previous 2 years")] == 1
    # under 16 and looked after 2.5 years: A, with the same carer since 2020
    assert c[(STABILITY_LONG, "Total children")] == 1
    assert c[(STABILITY_LONG, "Living with the same carer for at least 2 years")] == 1


def test_previous_permanence(result) -> None:
    c = counts(result, "previous_permanence")
    g = "Previous permanence arrangement"
    assert c == Counter({(g, "Special guardianship order"): 1, (g, "Total children"): 1})


def test_care_leavers(result) -> None:
    c = counts(result, "care_leavers")
    # E is 18 (in touch, full-time education, with former foster carers, suitable); F is 20
    # and not in touch; G died and is left out
    assert (
        c[
            (
                "18 years",
                "Activity of care leaver",
                "Full-time education other than higher education",
            )
        ]
        == 1
    )
    assert c[("18 years", "Accommodation of care leaver", "With former foster carers")] == 1
    assert c[("18 years", "Suitability", "Accommodation considered suitable")] == 1
    assert c[("20 years", "Activity of care leaver", "LA not in touch")] == 1
    assert c[("20 years", "Accommodation of care leaver", "Local authority not in touch")] == 1
    assert c[("19 to 21 years", "Suitability", "No information")] == 1
    assert c[("17 years", "Activity of care leaver", "Total activity of care leavers")] == 0
    assert sum(v for k, v in c.items() if k[1:] == ("Gender", "Total gender")) == 3  # 18, 20, 19–21
    sp = counts(result, "staying_put")
    assert sp == Counter({("18 years", "1"): 1, ("18 years", "2"): 1})


def _row(result, table: str, level: str, **labels: str) -> dict[str, str]:
    found = [
        r
        for r in result.tables[table]
        if r["geographic_level"] == level and all(r[k] == v for k, v in labels.items())
    ]
    assert len(found) == 1, (table, labels, len(found))
    return found[0]


def test_published_rows_are_suppressed_and_rounded(result) -> None:
    t = "la_cla_during_year_new_placements"
    loc = "Location of new placements during the year"
    la = _row(result, t, "Local authority", characteristic=loc, breakdown="Total new placements")
    assert (la["children_count"], la["children_percent"]) == ("c", "c")  # 4 is 1 to 5
    zero = _row(
        result,
        t,
        "Local authority",
        characteristic=loc,
        breakdown="Placed inside LA boundary more than 20 miles from home",
    )
    assert (zero["children_count"], zero["children_percent"]) == ("0", "0")
    england = _row(result, t, "National", characteristic=loc, breakdown="Total new placements")
    assert england["children_count"] == "0"  # 4 rounds to 0 nationally
    assert england["la_name"] == "" and england["country_code"] == "E92000001"
    inner = _row(
        result,
        t,
        "Regional",
        characteristic=loc,
        breakdown="Total new placements",
        region_name="Inner London",
    )
    assert inner["region_code"] == "E13000001"
    london = _row(
        result,
        t,
        "Regional",
        characteristic=loc,
        breakdown="Total new placements",
        region_name="London",
    )
    assert london["children_count"] == "0"
    camden = _row(
        result,
        "la_cla_placement_stability",
        "Local authority",
        placement_stability="Total children",
        cla_group=STABILITY_YEAR,
    )
    assert camden["la_name"] == "Camden" and camden["new_la_code"] == "E09000007"


def test_without_distance_and_locality_the_tables_say_not_available() -> None:
    result = compute([Return("202", 2025, tables(HEADER, EPISODES, OC3, PREV_PERM, derived=False))])
    (c,) = result.counts
    assert {
        "new_placements_distance",
        "new_placements_la_location",
        "distance_31_march",
    } <= c.unavailable
    assert any("PL_LOCATION and PL_DISTANCE" in n for n in c.notes)
    rows = [
        r
        for r in result.tables[
            "national_cla_on_31_march_by_placement_distance_and_placement_locality"
        ]
        if r["geographic_level"] == "Local authority"
    ]
    assert rows and {r["number"] for r in rows} == {"x"}
    # the LA file's location rows are x; its reasons are still counted
    la = [
        r
        for r in result.tables["la_cla_during_year_new_placements"]
        if r["geographic_level"] == "Local authority"
    ]
    where = {r["children_count"] for r in la if r["characteristic"].startswith("Location")}
    reasons = {
        r["breakdown"]: r["children_count"] for r in la if r["characteristic"].startswith("Reason")
    }
    assert where == {"x"}
    assert reasons["Total placements changing"] == "c"  # 4, hidden
    assert reasons["Approval removed"] == "0"
