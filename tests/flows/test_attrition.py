"""Attrition on the hand-written returns (tests/flows/scenario.py), every figure worked out by
hand from the scenario's table: FTEs add the leaver records' own FTE, rates are over the
in-post FTE at 30 September 2021."""

from __future__ import annotations

import pytest

from csww.flows import attrition
from csww.flows.store import Store
from csww.model import Record
from csww.stats import published as pub
from csww.stats.quality import build, dfe_quality_flags
from tests.factories import make_return, make_worker
from tests.flows.scenario import SALT, inpost, leaver, returns_2020, returns_2021


@pytest.fixture(scope="module")
def store() -> Store:
    linked = Store(SALT)
    for ret in returns_2020() + returns_2021():
        linked.load_return(ret)
    return linked


def table(store: Store, suppress: bool = False) -> dict[tuple[str, str, str, str], dict[str, str]]:
    """Rows of 2021 by (level, area code, topic, category)."""
    out = {}
    for row in attrition.rows(attrition.measure(store, 2021), suppress):
        code = row["old_la_code"] or row["region_code"] or row["country_code"]
        out[(row["geographic_level"], code, row["breakdown_topic"], row["breakdown"])] = row
    return out


def nums(text: str) -> tuple[str, ...]:
    return tuple(text.split(" "))


def figures(row: dict[str, str]) -> tuple[str, ...]:
    return tuple(row[c] for c in attrition.MEASURES[2:])


# inpost, leavers, leavers headcount, moved, attrition, into agency, full,
# attrition rate, into agency rate, full rate, attrition as a share of leavers
EXPECTED = {
    # 301: in post 1 + 0.5 + 1 = 2.5; leavers 1 + 0.8 + 0.6 + 0.4 + 1 = 3.8;
    # moved SW2001 + SW2005 = 2; agency SW2002 0.8; full SW2003 + no number = 1.
    # 1.8 / 2.5 = 72%; 0.8 / 2.5 = 32%; 1 / 2.5 = 40%; 1.8 / 3.8 = 47.37%.
    ("Local authority", "301"): "2.5 3.8 5 2 1.8 0.8 1 72 32 40 47.4",
    # 302: in post 2; SW3002 (1) is an agency worker in 302 on 30 September.
    ("Local authority", "302"): "2 1 1 0 1 1 0 50 50 0 100",
    # 330: in post 0.9 + 1 = 1.9; SW4002 (0.5) full: 0.5 / 1.9 = 26.3%.
    ("Local authority", "330"): "1.9 0.5 1 0 0.5 0 0.5 26.3 0 26.3 100",
    # London and Outer London (301 + 302): in post 4.5; leavers 4.8; moved 2; agency 1.8;
    # full 1; attrition 2.8 = 62.2% of in post, 58.3% of leavers.
    ("Regional", "E12000007"): "4.5 4.8 6 2 2.8 1.8 1 62.2 40 22.2 58.3",
    ("Regional", "E13000002"): "4.5 4.8 6 2 2.8 1.8 1 62.2 40 22.2 58.3",
    # West Midlands holds 330 only.
    ("Regional", "E12000005"): "1.9 0.5 1 0 0.5 0 0.5 26.3 0 26.3 100",
    # England: in post 6.4; leavers 5.3; moved 2; agency 1.8; full 1.5; attrition 3.3.
    # 3.3 / 6.4 = 51.56%; 1.8 / 6.4 = 28.13%; 1.5 / 6.4 = 23.44%; 3.3 / 5.3 = 62.26%.
    ("National", "E92000001"): "6.4 5.3 7 2 3.3 1.8 1.5 51.6 28.1 23.4 62.3",
}


@pytest.mark.parametrize("key", list(EXPECTED), ids=lambda k: f"{k[0]}-{k[1]}")
def test_totals_worked_out_by_hand(store: Store, key: tuple[str, str]) -> None:
    row = table(store)[(*key, "Total", "Total")]
    assert figures(row) == nums(EXPECTED[key])


def test_layout_is_dfes(store: Store) -> None:
    rows = attrition.rows(attrition.measure(store, 2021))
    # The geography columns of DfE's own indicators file, in its order.
    assert tuple(rows[0])[:10] == pub.layout_columns()[:10]
    assert pub.layout_columns()[9] == "la_name"
    assert rows[0]["geographic_level"] == "National"
    la = table(store)[("Local authority", "330", "Total", "Total")]
    assert (la["la_name"], la["new_la_code"], la["region_name"]) == (
        "Birmingham",
        "E08000025",
        "West Midlands",
    )


def test_breakdowns_by_age_role_and_reason(store: Store) -> None:
    rows = table(store)
    # DfE's age group "20 to 29 years old" on 30 September 2021: SW1002 in post (0.5) and
    # SW2003, a leaver (0.6, born 1998-10-01, so 22), full attrition. 0.6 / 0.5 = 120%.
    under = rows[("National", "E92000001", "Age band", "20 to 29 years old")]
    assert figures(under) == nums("0.5 0.6 1 0 0.6 0 0.6 120 0 120 100")
    # First line manager: SW2002 (0.8, into agency); nobody of that role is in post.
    flm = rows[("National", "E92000001", "Role", "First Line Manager")]
    assert (flm["inpost_fte"], flm["attrition_into_agency_fte"], flm["attrition_rate"]) == (
        "0",
        "0.8",
        "x",
    )
    # Reason for leaving: in-post FTE has no reason, so rates over it are not applicable.
    retired = rows[("National", "E92000001", "Reason for leaving", "Retired")]
    assert figures(retired) == nums("z 0.6 1 0 0.6 0 0.6 z z z 100")
    resigned = rows[("National", "E92000001", "Reason for leaving", "Resignation")]
    assert (resigned["leavers_fte"], resigned["moved_fte"], resigned["full_attrition_fte"]) == (
        "4.7",
        "2",
        "0.9",
    )


def test_small_numbers_are_suppressed_below_national_totals(store: Store) -> None:
    rows = table(store, suppress=True)
    # 301: two moved, one into agency, two full: classes of one or two people are hidden,
    # with everything that would give them away; leavers' FTE (published anyway) stays.
    la = rows[("Local authority", "301", "Total", "Total")]
    assert la["leavers_fte"] == "3.8"
    assert {la[c] for c in attrition.DISCLOSIVE} == {"c"}
    # National totals are never suppressed; national breakdowns of one person are.
    assert figures(rows[("National", "E92000001", "Total", "Total")]) == nums(
        EXPECTED[("National", "E92000001")]
    )
    under = rows[("National", "E92000001", "Age band", "20 to 29 years old")]
    assert (under["attrition_fte"], under["leavers_headcount"], under["inpost_fte"]) == (
        "c",
        "c",
        "0.5",
    )
    # A breakdown of three or more leavers shows them (6 resigned; their classes stay hidden).
    resigned = rows[("National", "E92000001", "Reason for leaving", "Resignation")]
    assert (resigned["leavers_headcount"], resigned["moved_fte"]) == ("6", "c")


def test_notes_say_who_could_not_be_found(store: Store) -> None:
    notes = attrition.measure(store, 2021).notes
    assert any("1 leaver record(s) give no registration number" in n for n in notes)
    assert any("3 reporting unit(s) are loaded" in n for n in notes)


def test_an_la_view_has_only_its_own_rows(store: Store) -> None:
    rows = attrition.rows(attrition.measure(store, 2021), only_unit="302")
    assert rows and {r["old_la_code"] for r in rows} == {"302"}


# ------------------------------------------------------------------ as DfE publishes them


def test_an_la_whose_leavers_are_flagged_u_is_left_out_of_the_national_rows(store: Store) -> None:
    """DfE leaves out whole LAs whose leavers it flagged u (Gateshead 2022, Sunderland 2024):
    with 301's leavers flagged, England is 302 and 330 alone, and 301 shows u."""
    flags = build([("301", 2021, "leavers_fte")])
    result = attrition.measure(store, 2021, flags)
    rows = {
        (r["geographic_level"], r["old_la_code"] or r["country_code"], r["breakdown_topic"]): r
        for r in attrition.rows(result, suppress=False)
        if r["breakdown"] in ("Total",)
    }
    # 302 + 330: in post 2 + 1.9; leavers 1 + 0.5; agency 1; full 0.5; attrition 1.5 / 3.9.
    assert figures(rows[("National", "E92000001", "Total")]) == nums(
        "3.9 1.5 2 0 1.5 1 0.5 38.5 25.6 12.8 100"
    )
    flagged = rows[("Local authority", "301", "Total")]
    assert flagged["inpost_fte"] == "2.5"
    assert {flagged[c] for c in attrition.LEAVER_CELLS} == {"u"}
    assert any("flagged u" in n for n in result.notes)


def test_dfe_flagged_the_leavers_of_gateshead_2022_and_sunderland_2024() -> None:
    flags = dfe_quality_flags()
    assert flags.by_unit[(2022, "390")] & attrition.LEAVER_FLAGS
    assert flags.by_unit[(2024, "394")] & attrition.LEAVER_FLAGS


def test_national_attrition_in_dfes_national_only_layout(store: Store) -> None:
    """DfE's "Attrition (leavers) - national only" columns: total, agency and full attrition
    and movers between LAs, each FTE and as a rate over in-post FTE."""
    (row,) = attrition.national_rows([attrition.measure(store, 2021)])
    assert tuple(row) == attrition.NATIONAL_COLUMNS
    assert (row["time_period"], row["geographic_level"], row["country_name"]) == (
        "2021",
        "National",
        "England",
    )
    # England: in post 6.4; leavers 5.3; attrition 3.3 (agency 1.8, full 1.5); moved 2.
    # 3.3 / 6.4 = 51.56%; 1.8 / 6.4 = 28.13%; 1.5 / 6.4 = 23.44%; 2 / 6.4 = 31.25%.
    assert tuple(row[c] for c in attrition.NATIONAL_MEASURES) == nums(
        "6.4 5.3 3.3 1.8 1.5 2 51.6 28.1 23.4 31.3"
    )


def _one_la(*records_2021: Record) -> Store:
    linked = Store(SALT)
    linked.load_return(make_return([inpost(2020, "SW1"), inpost(2020, "SW2")], year=2020))
    linked.load_return(make_return([inpost(2021, "SW9"), *records_2021], year=2021))
    return linked


def test_leavers_headcount_counts_people_not_records() -> None:
    """A person who left two posts on one day is one leaver, as in DfE's headcount."""
    linked = _one_la(
        leaver(2021, "SW1", "0.5", "2021-03-31", OrgRole="5"),
        leaver(2021, "SW1", "0.5", "2021-03-31", OrgRole="6", Cases30=None),
        leaver(2021, "SW2", "1", "2021-04-30"),
    )
    total = attrition.measure(linked, 2021).units["301"][("Total", "Total")]
    assert (total.leavers_n, total.leavers) == (2, 2_000_000)


def test_an_agency_record_with_a_leaving_date_is_no_agency_worker_on_30_september() -> None:
    """Query 535Q: a leaver found only on an agency record that has ended is full attrition."""
    ended = make_worker("agency", 2021, SWENo="SW1", RoleEndDate="2021-05-31")
    linked = _one_la(leaver(2021, "SW1", "1", "2021-03-31"), ended)
    total = attrition.measure(linked, 2021).units["301"][("Total", "Total")]
    assert total.fte["agency"] == 0 and total.fte["full"] == 1_000_000
