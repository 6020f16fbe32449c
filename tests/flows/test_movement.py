"""Where leavers went and starters came from, against what each LA recorded (by hand)."""

from __future__ import annotations

import csv
import io

import pytest

from csww.flows import movement
from csww.flows.store import Store
from tests.factories import make_return, make_worker
from tests.flows.scenario import SALT, inpost, leaver, returns_2020, returns_2021


@pytest.fixture(scope="module")
def found() -> list[movement.Flow]:
    with Store(SALT) as store:
        for ret in returns_2020() + returns_2021():
            store.load_return(ret)
        return movement.flows(store, 2021)


def _rows(found: list[movement.Flow]) -> set[tuple[str, ...]]:
    keep = (
        "direction",
        "la_code",
        "other_la_code",
        "found",
        "recorded_code",
        "agrees",
        "headcount",
        "fte",
    )
    return {tuple(r[c] for c in keep) for r in movement.rows(found, suppress=False)}


def test_leavers_destinations_found_and_recorded(found: list[movement.Flow]) -> None:
    leavers = {r for r in _rows(found) if r[0] == "leavers"}
    assert leavers == {
        # SW2001 is in post at 302; 301 recorded "social worker role in a different LA".
        ("leavers", "301", "302", "in post in an LA", "1", "yes", "1", "1"),
        # SW2005 is back in post at 301 itself: no destination code fits.
        ("leavers", "301", "301", "in post in an LA", "1", "n/a", "1", "1"),
        # SW2002 is an agency worker at 330; recorded as agency.
        ("leavers", "301", "330", "agency worker", "3", "yes", "1", "0.8"),
        # SW2003 is nowhere; recorded as leaving social care.
        ("leavers", "301", "", "not found", "6", "yes", "1", "0.6"),
        # The leaver with no number cannot be found; 301 recorded "not known".
        ("leavers", "301", "", "not found", "8", "not recorded", "1", "0.4"),
        ("leavers", "302", "302", "agency worker", "3", "yes", "1", "1"),
        ("leavers", "330", "", "not found", "6", "yes", "1", "0.5"),
    }


def test_starters_origins_found_and_recorded(found: list[movement.Flow]) -> None:
    starters = {r for r in _rows(found) if r[0] == "starters"}
    assert starters == {
        # SW2001 left 301 on 2021-03-31 and started at 302 on 2021-05-01.
        ("starters", "302", "301", "in post in an LA", "2", "yes", "1", "1"),
        # SW2005 left 301 and came back to 301.
        ("starters", "301", "301", "in post in an LA", "2", "n/a", "1", "1"),
        # SW5001 was an agency worker at 302 on 30 September 2020 (found in 2020's returns).
        ("starters", "330", "302", "agency worker", "4", "yes", "1", "1"),
    }


def test_the_national_matrix_suppresses_cells_of_one_or_two(found: list[movement.Flow]) -> None:
    published = movement.rows(found)
    assert {r["headcount"] for r in published} == {"c"}
    own = movement.rows(found, only_unit="301")
    assert {r["la_code"] for r in own} == {"301"} and "c" not in {r["headcount"] for r in own}


def test_without_last_year_starters_are_found_only_through_this_years_leavers() -> None:
    with Store(SALT) as store:
        for ret in returns_2021():
            store.load_return(ret)
        found = movement.flows(store, 2021)
        assert movement.notes(store, 2021)
    agency_starter = [f for f in found if f.direction == "starters" and f.unit == "330"]
    assert [(f.found, f.other) for f in agency_starter] == [("not found", "")]


def test_summary_counts_agreement(found: list[movement.Flow]) -> None:
    summary = movement.summary(found)
    assert summary[("leavers", "not found", "yes")] == 2
    assert summary[("leavers", "agency worker", "yes")] == 2


def test_the_matrix_in_wide_form(found: list[movement.Flow]) -> None:
    rows = list(csv.reader(io.StringIO(movement.matrix_csv(found, suppress=False))))
    assert rows[0] == [
        "time_period",
        "from_la_code",
        "301",
        "302",
        "330",
        "agency worker",
        "not found",
    ]
    # 301: SW2005 back in 301, SW2001 to 302, SW2002 into agency, SW2003 and the leaver
    # without a number not found; 302: SW3002 into agency; 330: SW4002 not found.
    assert rows[1:] == [
        ["2021", "301", "1", "1", "0", "1", "2"],
        ["2021", "302", "0", "0", "0", "1", "0"],
        ["2021", "330", "0", "0", "0", "0", "1"],
    ]
    published = list(csv.reader(io.StringIO(movement.matrix_csv(found))))
    assert published[1] == ["2021", "301", "c", "c", "0", "c", "c"]
    # Each row adds up to its LA's leavers' headcount, which is published: one c alone in a
    # row would follow from it (302's one leaver into agency), so a second cell is hidden.
    assert published[2] == ["2021", "302", "c", "0", "0", "c", "0"]
    assert all(row.count("c") != 1 for row in published[1:])


def test_an_las_rows_hide_no_figure_alone(found: list[movement.Flow]) -> None:
    """The rows of one LA, year and direction add up to its published headcount: none of
    them has exactly one hidden figure, and an LA's only row, hidden, hides where its
    people went (its headcount is the published one)."""
    groups: dict[tuple[str, str, str], list[dict[str, str]]] = {}
    for r in movement.rows(found):
        groups.setdefault((r["time_period"], r["direction"], r["la_code"]), []).append(r)
    alone = [g[0] for g in groups.values() if len(g) == 1]
    assert alone and all(
        {r[c] for c in movement.DETAIL} == {"c"} for r in alone if r["headcount"] == "c"
    )
    several = [g for g in groups.values() if len(g) > 1]
    assert several and all([r["headcount"] for r in g].count("c") != 1 for g in several)
    assert movement.second_hidden([2, 0, 5], {0}) == {1}
    assert movement.second_hidden([2, 1, 5], {0, 1}) == set()
    assert movement.second_hidden([2], {0}) == set()


def test_a_leaver_of_two_posts_on_one_day_is_one_person_and_an_ended_agency_record_is_not_found() -> (
    None
):
    """Headcounts count people, as DfE's leavers' headcount; an agency record with a leaving
    date (query 535Q) is no agency worker on 30 September."""
    with Store(SALT) as store:
        store.load_return(make_return([inpost(2020, "SW1"), inpost(2020, "SW2")], year=2020))
        store.load_return(
            make_return(
                [
                    inpost(2021, "SW9"),
                    leaver(2021, "SW1", "0.5", "2021-03-31", OrgRole="5", LeaverDestination="6"),
                    leaver(2021, "SW1", "0.5", "2021-03-31", OrgRole="6", LeaverDestination="6"),
                    leaver(2021, "SW2", "1", "2021-04-30", LeaverDestination="3"),
                    make_worker("agency", 2021, SWENo="SW2", RoleEndDate="2021-06-30"),
                ],
                year=2021,
            )
        )
        found = movement.flows(store, 2021)
    leavers = {(f.found, f.recorded, f.headcount, f.fte) for f in found if f.direction == "leavers"}
    assert leavers == {("not found", "6", 1, 1_000_000), ("not found", "3", 1, 1_000_000)}
