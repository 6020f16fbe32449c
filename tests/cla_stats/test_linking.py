"""An LA's returns linked child by child: the two-year and long-term measures need them, and
the joins are repaired as documented in csww.cla.stats.episodes."""

from __future__ import annotations

from csww.cla.stats.compute import Return, compute
from csww.cla.stats.episodes import link
from csww.cla.stats.measures import STABILITY_LONG, STABILITY_TWO

from .build import ep, tables

HEADER = [{"CHILD": "K", "SEX": "2", "DOB": "01/05/2013"}]
# 2024 return: K looked after since 2021 with carer 1, moved to carer 2 in May 2023; the
# 2024 return still shows carer 2's episode open (later amended: it ended in the 2025 year)
Y2024 = [
    ep("K", "01/03/2021", "S", "C2", "N1", "U4", "01/05/2023", "X1", "CARPL", "IN", "2.0"),
    ep("K", "01/05/2023", "P", "C2", "N1", "U4", "", "", "", "IN", "3.0"),
]
# 2025 return: the same open episode closed in June 2024 (move to carer 3), and carer 3's
# placement; the LA also amended carer 2's placement type (U4 → U5)
Y2025 = [
    ep("K", "01/05/2023", "P", "C2", "N1", "U5", "01/06/2024", "X1", "CHILD", "IN", "3.0"),
    ep("K", "01/06/2024", "P", "C2", "N1", "U4", "", "", "", "OUT", "30.0"),
]


def test_two_year_measure_needs_the_previous_return() -> None:
    alone = compute([Return("202", 2025, tables(HEADER, Y2025))]).counts[0].tables["stability"]
    linked = (
        compute(
            [
                Return("202", 2024, tables(HEADER, Y2024), counted=False),
                Return("202", 2025, tables(HEADER, Y2025)),
            ]
        )
        .counts[0]
        .tables["stability"]
    )
    # alone, K's care seems to start in May 2023: in care last year, but only 2 carers seen
    # since 1 April 2023, and not looked after 2.5 years
    assert alone[(STABILITY_TWO, "Total children")] == 1
    assert alone[(STABILITY_TWO, "With 3 or more placements during the previous 2 years")] == 0
    assert alone[(STABILITY_LONG, "Total children")] == 0
    # linked: looked after since March 2021 (2.5 years), three carers since 1 April 2023
    # (carer 1's placement was open then), and not with the same carer for 2 years
    assert linked[(STABILITY_TWO, "Total children")] == 1
    assert linked[(STABILITY_TWO, "With 3 or more placements during the previous 2 years")] == 1
    assert linked[(STABILITY_LONG, "Total children")] == 1
    assert linked[(STABILITY_LONG, "Living with the same carer for at least 2 years")] == 0


def test_the_latest_return_wins_and_open_episodes_are_closed() -> None:
    linked = link([tables(HEADER, Y2024), tables(HEADER, Y2025)])
    eps = linked.episodes
    assert eps["DECOM"].dt.strftime("%Y-%m-%d").to_list() == [
        "2021-03-01",
        "2023-05-01",
        "2024-06-01",
    ]
    assert eps["PLACE"].to_list() == ["U4", "U5", "U4"]  # 2025's amendment kept
    assert linked.repairs["duplicate episodes"] == 1
    assert eps["carer"].to_list() == [1, 2, 3]
    # an open episode followed by a later one (a return that never closed it) is closed
    gap = link(
        [tables(HEADER, [Y2024[1]]), tables(HEADER, [ep("K", "01/09/2023", "P", "C2", "N1", "U4")])]
    )
    assert gap.repairs["open episodes closed"] == 1
    assert gap.episodes["DEC"].dt.strftime("%Y-%m-%d").to_list()[0] == "2023-09-01"
    assert gap.episodes["REC"].to_list()[0] == "X1"


def test_moves_with_the_same_carer_and_temporary_placements_keep_the_carer() -> None:
    eps = [
        ep("K", "01/03/2021", "S", "C2", "N1", "U4", "01/06/2024", "X1", "PLACE", "IN", "2.0"),
        ep("K", "01/06/2024", "T", "C2", "N1", "U5", "01/08/2024", "X1", "", "IN", "2.0"),
        ep("K", "01/08/2024", "P", "C2", "N1", "T1", "10/08/2024", "X1", "", "IN", "2.0"),
        ep("K", "10/08/2024", "P", "C2", "N1", "U5", "", "", "", "IN", "2.0"),
    ]
    linked = link([tables(HEADER, eps)])
    assert linked.episodes["carer"].to_list() == [1, 1, 1, 1]
    c = compute([Return("202", 2025, tables(HEADER, eps))]).counts[0].tables["stability"]
    assert c[(STABILITY_LONG, "Living with the same carer for at least 2 years")] == 1


def test_short_breaks_then_care_and_placed_for_adoption() -> None:
    header = [
        {"CHILD": "M", "SEX": "1", "DOB": "01/01/2018"},
        {"CHILD": "N", "SEX": "2", "DOB": "01/01/2019"},
    ]
    eps = [
        # M: short breaks from 2020, then continuously looked after from 2021 with one carer:
        # DfE leaves such a period out of the long-term measure
        ep("M", "01/01/2020", "S", "V3", "N2", "K2", "02/01/2020", "X1"),
        ep("M", "02/01/2020", "L", "C2", "N2", "U4", "", "", "", "IN", "2.0"),
        # N: foster carer since 2021, placed for adoption with new adopters in 2024: the
        # adoptive and previous placements combined last over 2 years
        ep("N", "01/03/2021", "S", "C2", "N1", "U4", "01/09/2024", "X1", "CARPL", "IN", "2.0"),
        ep("N", "01/09/2024", "P", "E1", "N1", "A4", "", "", "", "OUT", "30.0"),
    ]
    c = compute([Return("202", 2025, tables(header, eps))]).counts[0].tables["stability"]
    assert c[(STABILITY_LONG, "Total children")] == 1  # N only
    assert c[(STABILITY_LONG, "Living with the same carer for at least 2 years")] == 1


def test_report_over_several_years_has_a_trend() -> None:
    from csww.cla.stats.report import render

    result = compute(
        [Return("202", 2024, tables(HEADER, Y2024)), Return("202", 2025, tables(HEADER, Y2025))]
    )
    page = render(result, "202")
    assert "Placement stability, 2024 to 2025" in page
    assert page.count("<svg") == 3  # comparison, trend, reasons
