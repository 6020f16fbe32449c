"""Each measure on small hand-made returns, against figures worked out by hand."""

from __future__ import annotations

from fractions import Fraction

import pytest

from csww.stats.aggregate import la_units
from csww.stats.collect import measure_return
from csww.stats.indicators import working_days
from tests.factories import make_la, make_return, make_worker

Y = 2018


def measures(workers, year: int = Y, la=None, lea: str = "301"):
    ret = make_return(workers, year=year, lea=lea)
    ret.la = (
        la
        if la is not None
        else make_la(NumberOfVacancies="10", NoAgencyFTE="4", NoAgencyHeadcount="5")
    )
    return measure_return(ret).measures


def row(workers, year: int = Y, la=None, lea: str = "301") -> dict[str, str]:
    return la_units([measures(workers, year, la, lea)])[0].row()


def person(swe: str, **overrides: str | None):
    return make_worker("inpost", Y, SWENo=swe, **overrides)


def test_in_post_headcount_counts_a_two_role_worker_once_and_fte_counts_every_post() -> None:
    workers = [
        person("SW1", FTE="0.6", OrgRole="5"),
        person("SW1", FTE="0.4", OrgRole="6", Cases30="0"),
        person("SW2", FTE="1"),
        person("SW3", FTE="0.5", PersonBirthDate="1990-01-01"),
    ]
    m = measures(workers)
    assert m.totals["inpost_headcount"] == 3
    assert m.totals["inpost_fte"] == Fraction(25, 10)


def test_different_personal_details_are_different_people_as_in_the_methodology() -> None:
    # The de-duplication key is registration number, date of birth, gender and ethnicity.
    workers = [person("SW1", FTE="0.5"), person("SW1", FTE="0.5", Ethnicity="WIRI")]
    assert measures(workers).totals["inpost_headcount"] == 2


def test_starters_include_starters_who_left_within_the_year_with_zero_fte() -> None:
    workers = [
        person("SW1", RoleStartDate=f"{Y}-01-10", FTE30="0", FTE="0.8"),
        person("SW2", RoleStartDate=f"{Y - 1}-10-01", FTE30="0", FTE="1"),  # first day of the year
        person("SW3", RoleStartDate=f"{Y - 1}-09-30"),  # the day before: not a starter
        make_worker(
            "leaver",
            Y,
            SWENo="SW4",
            RoleStartDate=f"{Y}-02-01",
            RoleEndDate=f"{Y}-06-30",
            FTE30="0",
            FTE="0",
        ),
    ]
    m = measures(workers)
    assert m.totals["starters_headcount"] == 3
    assert m.totals["starters_fte"] == Fraction(18, 10)
    assert m.totals["leavers_headcount"] == 1
    assert m.totals["leavers_fte"] == 0


def test_leavers_fte_is_the_fte_on_the_leaver_record_and_nothing_else() -> None:
    # docs/years.md: DfE's published leavers' FTE is about 0.92 x headcount every year, and 0
    # only for the three LAs that recorded 0 in 2017: DfE sums the leaver records' FTE.
    workers = [
        person("SW9"),
        make_worker("leaver", Y, SWENo="SW1", FTE="0.7"),  # recorded as DfE sums it
        make_worker("leaver", Y, SWENo="SW2", FTE="0", FTE30="0.5"),  # 0 counts as 0
        make_worker("leaver", Y, SWENo="SW3", FTE="0"),
    ]
    m = measures(workers)
    assert m.totals["leavers_fte"] == Fraction(7, 10)
    assert m.totals["leavers_headcount"] == 3
    assert m.notes == {}


def test_leavers_fte_is_not_available_when_no_leaver_record_gives_one() -> None:
    workers = [person("SW9"), make_worker("leaver", Y, SWENo="SW1", FTE=None, FTE30="1")]
    assert row(workers)["leavers_fte"] == "x"
    assert row(workers)["leavers_headcount"] == "1"


def test_leaver_headcount_counts_two_posts_left_on_the_same_day_once() -> None:
    workers = [
        person("SW9"),
        make_worker("leaver", Y, SWENo="SW1", FTE="0.5", OrgRole="4"),
        make_worker("leaver", Y, SWENo="SW1", FTE="0.5", OrgRole="6"),
        make_worker("leaver", Y, SWENo="SW2", RoleEndDate=f"{Y}-01-31", FTE="0"),
        make_worker("leaver", Y, SWENo="SW2", RoleEndDate=f"{Y}-08-31", FTE="0"),  # came back
    ]
    m = measures(workers)
    assert m.totals["leavers_headcount"] == 3
    assert m.totals["leavers_fte"] == 1


def test_a_leaver_who_returned_is_a_leaver_a_starter_and_in_post() -> None:
    workers = [
        make_worker("leaver", Y, SWENo="SW1", RoleEndDate=f"{Y}-01-31", FTE="1"),
        person("SW1", RoleStartDate=f"{Y}-03-01", FTE30="0", FTE="0.8"),
    ]
    r = row(workers)
    assert (r["leavers_headcount"], r["starters_headcount"], r["inpost_headcount"]) == (
        "1",
        "1",
        "1",
    )
    assert r["turnover_rate_headcount"] == "100"
    assert r["turnover_rate_fte"] == "125"


def test_agency_workers_are_never_deduplicated_and_their_cases_count_in_the_caseload() -> None:
    workers = [
        person("SW1", FTE="1", Cases30="20"),
        person("SW2", FTE="0.5", Cases30="0", OrgRole="6"),
        make_worker("agency", Y, SWENo="SW7", FTE="0.8", Cases30="10"),
        make_worker("agency", Y, SWENo="SW7", FTE="0.2", Cases30="0"),
    ]
    r = row(workers)
    assert r["agency_headcount"] == "2"
    assert r["agency_fte"] == "1"
    assert r["cases"] == "30"
    assert r["case_holders_fte"] == "1.8"
    assert r["caseload_fte"] == "16.7"  # 30 / 1.8 = 16.67
    assert r["agency_rate_fte"] == "40"  # 1 / (1 + 1.5)
    assert r["agency_rate_headcount"] == "50"


def test_vacancy_and_cover_rates_use_the_la_level_figures() -> None:
    workers = [
        person("SW1", FTE="1"),
        person("SW2", FTE="1"),
        make_worker("agency", Y, SWENo="SW7", FTE="1"),
    ]
    r = row(workers, la=make_la(NumberOfVacancies="2", NoAgencyFTE="0.5", NoAgencyHeadcount="1"))
    assert r["vacancy_fte"] == "2"
    assert r["vacancy_rate_fte"] == "50"  # 2 / (2 + 2)
    assert r["agency_cover_fte"] == "0.5"
    assert r["agency_cover_rate_fte"] == "50"  # 0.5 / 1 agency FTE
    assert r["vacancy_agency_cover_rate_fte"] == "25"  # 0.5 / 2 vacancies


def test_absence_rate_uses_253_working_days_and_254_in_a_year_with_29_february() -> None:
    assert working_days(2018) == 253 and working_days(2020) == 254 and working_days(2024) == 254
    for year, expected in ((2018, "5"), (2020, "4.9")):
        workers = [
            make_worker("inpost", year, SWENo=f"SW{i}", FTE="1", WorkingDaysLost="12.55")
            for i in range(10)
        ]
        r = row(workers, year=year)
        assert r["working_days_lost_fte"] == "125.5"
        # 125.5 / (10 × 253) = 4.96%; / (10 × 254) = 4.94%
        assert r["absence_rate_fte"] == expected


def test_leavers_days_count_and_agency_days_do_not() -> None:
    workers = [
        person("SW1", WorkingDaysLost="3"),
        person("SW4", WorkingDaysLost="0"),
        person("SW5", WorkingDaysLost="0"),
        make_worker("leaver", Y, SWENo="SW2", WorkingDaysLost="4.5"),
        make_worker("agency", Y, SWENo="SW3", WorkingDaysLost="100"),
    ]
    assert row(workers)["working_days_lost_fte"] == "7.5"


def test_missing_items_make_a_figure_not_available_and_zero_denominators_not_applicable() -> None:
    workers = [
        person("SW1", Cases30=None, WorkingDaysLost=None),
        person("SW2", Cases30=None, WorkingDaysLost=None),
    ]
    ret = make_return(workers)
    ret.la = None
    r = la_units([measure_return(ret).measures])[0].row()
    assert r["cases"] == r["case_holders_fte"] == r["caseload_fte"] == "x"
    assert r["working_days_lost_fte"] == r["absence_rate_fte"] == "x"
    assert r["vacancy_fte"] == r["vacancy_rate_fte"] == r["agency_cover_fte"] == "x"
    assert r["leavers_headcount"] == "0" and r["turnover_rate_fte"] == "0"
    assert r["agency_cover_rate_fte"] == "x"
    no_agency = row(
        [person("SW1")], la=make_la(NumberOfVacancies="0", NoAgencyFTE="0", NoAgencyHeadcount="0")
    )
    assert no_agency["agency_cover_rate_fte"] == "z"
    assert no_agency["vacancy_agency_cover_rate_fte"] == "z"


def test_partly_missing_fte_is_summed_over_the_workers_who_have_it() -> None:
    workers = [person("SW1", FTE="0.5"), person("SW2", FTE=None)]
    r = row(workers)
    assert (r["inpost_fte"], r["inpost_headcount"]) == ("0.5", "2")


def test_only_agency_workers_makes_days_lost_not_applicable() -> None:
    workers = [make_worker("agency", Y, SWENo="SW1", FTE="1", Cases30="16")]
    r = row(workers, la=make_la(NumberOfVacancies="3", NoAgencyFTE="1", NoAgencyHeadcount="1"))
    assert r["inpost_fte"] == "0"
    assert r["turnover_rate_fte"] == "z"
    assert r["working_days_lost_fte"] == r["absence_rate_fte"] == "z"
    assert r["agency_rate_fte"] == "100" and r["vacancy_rate_fte"] == "100"


def test_days_lost_of_one_or_two_people_are_suppressed() -> None:
    r = row([person("SW1", WorkingDaysLost="6"), person("SW2", WorkingDaysLost="0")])
    assert r["working_days_lost_fte"] == r["absence_rate_fte"] == "c"
    none_lost = row([person("SW1", WorkingDaysLost="0")])
    assert none_lost["working_days_lost_fte"] == "0"
    three = row([person(f"SW{i}", WorkingDaysLost="6") for i in range(3)])
    assert three["working_days_lost_fte"] == "18"


@pytest.mark.parametrize(
    ("fte", "shown"), [("0.04", "low"), ("0.05", "0.1"), ("0.15", "0.2"), ("0.25", "0.3")]
)
def test_figures_round_half_up_and_tiny_ones_show_low(fte: str, shown: str) -> None:
    r = row([person("SW9"), make_worker("agency", Y, SWENo="SW1", FTE=fte, Cases30="0")])
    assert r["agency_fte"] == shown


def test_a_hand_worked_2017_return_gives_the_totals_worked_out_by_hand() -> None:
    """Every record → total convention at once, on a return written by hand; each expected
    figure is worked out beside it. 2017: 30 September was a Saturday, so the census day is
    Friday 29 September (the guide: "the last working day of September")."""
    y = 2017
    # fmt: off
    columns = ("SWENo", "FTE", "FTE30", "RoleStartDate", "RoleEndDate", "OrgRole", "Cases30",
               "WorkingDaysLost", "PersonBirthDate")
    records = [  # "" keeps the factory's value: role 5, started 2012-03-01, born 1980-05-17
        # 1. in post, case holder
        ("inpost", "SW1", "1", "1", "", "", "", "20", "3", ""),
        # 2-3. one person, two roles: one head, both FTEs; the second role began in the year
        ("inpost", "SW2", "0.6", "0.6", "", "", "", "10", "2", ""),
        ("inpost", "SW2", "0.4", "0", "2016-11-01", "", "6", "0", "0", ""),
        # 4-5. one number, two dates of birth: two people by DfE's de-duplication key
        ("inpost", "SW3", "0.5", "", "", "", "6", "0", "1", ""),
        ("inpost", "SW3", "0.5", "", "", "", "6", "0", "1", "1985-02-02"),
        # 6-7. left in March, came back in June (a leaver, a starter and in post); the new
        # post's date carries an XML Schema time zone
        ("leaver", "SW4", "0.8", "", "", "2017-03-31", "", "", "4", ""),
        ("inpost", "SW4", "1", "0", "2017-06-01Z", "", "", "15", "0", ""),
        # 8. started and left within the year, FTE 0 at both dates
        ("leaver", "SW5", "0", "0", "2016-12-01", "2017-05-31", "", "", "1.5", ""),
        # 9. left on the census day holding cases: a leaver whose cases count
        ("leaver", "SW6", "1", "", "", "2017-09-29", "", "12", "2", ""),
        # 10. left the day before: cases not counted
        ("leaver", "SW7", "0.6", "", "", "2017-09-28", "", "5", "0", ""),
        # 11-12. one agency worker on two identical assignments: two agency heads
        ("agency", "SW8", "0.5", "", "", "", "", "8", "", ""),
        ("agency", "SW8", "0.5", "", "", "", "", "8", "", ""),
        # 13. agency worker without cases
        ("agency", "SW9", "1", "", "", "", "", "0", "", ""),
    ]
    # fmt: on
    workers = [
        make_worker(cat, y, **{k: v for k, v in zip(columns, values, strict=True) if v})
        for cat, *values in records
    ]
    la = make_la(NumberOfVacancies="3", NoAgencyFTE="1.5", NoAgencyHeadcount="2")
    r = row(workers, year=y, la=la)
    expected = {
        "inpost_fte": "4",  # 1 + 0.6 + 0.4 + 0.5 + 0.5 + 1
        "inpost_headcount": "5",  # SW1, SW2, SW3 (1980), SW3 (1985), SW4
        "starters_fte": "1.4",  # SW2's second role 0.4 + SW4's new post 1 + SW5 0
        "starters_headcount": "3",
        "leavers_fte": "2.4",  # the leaver records' own FTE: 0.8 + 0 + 1 + 0.6
        "leavers_headcount": "4",
        "turnover_rate_fte": "60",  # 2.4 / 4
        "turnover_rate_headcount": "80",  # 4 / 5
        "agency_fte": "2",  # 0.5 + 0.5 + 1
        "agency_headcount": "3",  # agency records are never de-duplicated
        "agency_rate_fte": "33.3",  # 2 / (2 + 4)
        "agency_rate_headcount": "37.5",  # 3 / (3 + 5)
        "agency_cover_fte": "1.5",
        "agency_cover_rate_fte": "75",  # 1.5 / 2
        "vacancy_fte": "3",
        "vacancy_rate_fte": "42.9",  # 3 / (3 + 4)
        "vacancy_agency_cover_rate_fte": "50",  # 1.5 / 3
        "cases": "73",  # in post 20 + 10 + 15, leaver on the census day 12, agency 8 + 8
        "case_holders_fte": "4.6",  # 1 + 0.6 + 1 + 1 (SW6's leaver FTE) + 0.5 + 0.5
        "caseload_fte": "15.9",  # 73 / 4.6 = 15.87
        "working_days_lost_fte": "14.5",  # 3 + 2 + 0 + 1 + 1 + 4 + 0 + 1.5 + 2 + 0
        "absence_rate_fte": "1.4",  # 14.5 / (4 × 253) = 1.43%
    }
    assert {k: r[k] for k in expected} == expected


def test_a_leaver_on_30_september_2019_a_monday_holds_cases_but_one_on_the_29th_does_not() -> None:
    workers = [
        make_worker("inpost", 2019, SWENo="SW1", Cases30="10"),
        make_worker("leaver", 2019, SWENo="SW2", RoleEndDate="2019-09-30", Cases30="4", FTE="0"),
        make_worker("leaver", 2019, SWENo="SW3", RoleEndDate="2019-09-29", Cases30="7"),
    ]
    r = row(workers, year=2019)
    assert (r["cases"], r["case_holders_fte"]) == ("14", "1")  # SW2's leaver FTE is 0
