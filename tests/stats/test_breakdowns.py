"""Breakdowns of the workforce and the 2012-13 aggregate variables, from worker records."""

from __future__ import annotations

from dataclasses import replace

import pytest

from csww.spec import load_spec
from csww.stats import breakdowns as breakdowns_module
from csww.stats.breakdowns import legacy_variables, part_time_share
from csww.stats.collect import measure_return
from tests.factories import make_return, make_worker

Y = 2018


def breakdowns():
    workers = [
        # One person in two roles: counted once, in the more senior role (3, first line manager).
        make_worker("inpost", Y, SWENo="SW1", FTE="0.5", OrgRole="5", PersonBirthDate="1994-01-01"),
        make_worker("inpost", Y, SWENo="SW1", FTE="0.5", OrgRole="3", PersonBirthDate="1994-01-01"),
        make_worker(
            "inpost",
            Y,
            SWENo="SW2",
            FTE="0.6",
            GenderCurrent="1",
            Ethnicity="BAFR",
            RoleStartDate="2018-01-15",
            FTE30="0",
            StartOrigin="1",
            StepUpGrad="1",
            QualLevel="2",
        ),
        make_worker(
            "inpost",
            Y,
            SWENo="SW3",
            Ethnicity="REFU",
            Absat30Sept="1",
            ReasonAbsence="MAT",
            Cases30="0",
            OrgRole="6",
            PersonBirthDate="1955-03-01",
            RoleStartDate="1990-05-01",
        ),
        make_worker("leaver", Y, SWENo="SW4", LeaverDestination="3", ReasonLeave="5"),
        make_worker("agency", Y, SWENo="SW5", ContractWeeks="30", Cases30="12"),
        make_worker("agency", Y, SWENo="SW6", ContractWeeks="200", Cases30="0"),
    ]
    measured = measure_return(make_return(workers, year=Y), breakdowns=True)
    assert measured.breakdowns is not None
    return measured.measures, measured.breakdowns


def test_in_post_breakdowns_count_each_person_once() -> None:
    _, b = breakdowns()
    assert b.share("in post", "Role (most senior post)") == {
        "First Line Manager": 1,
        "Case Holder": 1,
        "Qualified without cases": 1,
    }
    assert b.share("in post", "Gender") == {"Female": 2, "Male": 1}
    # DfE's age groups ("20 to 29 years old", ...), in post aged at 30 September.
    assert b.share("in post", "Age group") == {
        "20 to 29 years old": 1,
        "30 to 39 years old": 1,
        "60 years old and over": 1,
    }
    assert b.share("in post", "Ethnic group") == {
        "White": 1,
        "Black, African, Caribbean or Black British": 1,
        "Refused or not obtained": 1,
    }
    assert b.share("in post", "Step Up graduate") == {"No": 2, "Yes": 1}
    assert b.share("in post", "Time in service") == {
        "5 to less than 10 years": 1,
        "Less than 2 years": 1,
        "20 years or more": 1,
    }
    assert b.share("in post", "Absent on 30 September") == {
        "Not absent": 2,
        "Maternity/Paternity leave": 1,
    }
    assert b.share("in post", "Working pattern") == {"Full time": 2, "Part time": 1}
    assert part_time_share(b) == 33.3


def test_fte_by_role_counts_each_post_in_its_own_role() -> None:
    _, b = breakdowns()
    rows = {r["category"]: r for r in b.rows() if r["breakdown"] == "Role (FTE by post)"}
    assert rows["Case Holder"]["fte"] == 1.1 and rows["First Line Manager"]["fte"] == 0.5


def test_starters_leavers_and_agency_breakdowns() -> None:
    _, b = breakdowns()
    assert b.share("starters", "Origin") == {"Newly Qualified Social Workers (NQSWs)": 1}
    assert b.share("leavers", "Destination") == {
        "Agency or consultancy social work (in England)": 1
    }
    assert b.share("leavers", "Reason for leaving") == {"Retired": 1}
    assert b.share("agency", "Length of assignment") == {
        "26 to 51 weeks": 1,
        "104 weeks or more": 1,
    }
    shares = {
        r["category"]: r["percent_headcount"]
        for r in b.rows()
        if r["breakdown"] == "Working pattern"
    }
    assert shares == {"Full time": 66.7, "Part time": 33.3}


def test_the_2012_13_variables_come_from_worker_records() -> None:
    m, b = breakdowns()
    variables = dict(legacy_variables(m, b))
    assert variables["Number of children's social workers (headcount)"] == 3
    assert variables["Number of children's social workers (FTE)"] == 2.6
    assert variables["Number of starters (headcount)"] == 1
    assert variables["Number of leavers (headcount)"] == 1
    assert variables["Number of agency workers (headcount)"] == 2
    assert variables["Number of children's social workers with caseloads (headcount)"] == 2
    assert variables["Number of agency workers with caseloads (headcount)"] == 1
    assert variables["Days missed due to sickness absence"] == 22.5  # 5 employee records × 4.5
    assert variables["Number of children's social worker vacancies (FTE)"] == 0.9


# ------------------------------------------------------------------ as DfE publishes them
# DfE's "Characteristics (in post, starters, leavers)" data set: "FTE and headcount figures on
# characteristics of social workers in post, starters and leavers by: sex; age; ethnicity;
# role; and time in service"; a leaver's age is "on the date they left their post".


def _b(workers, year: int = Y):
    measured = measure_return(make_return(workers, year=year), breakdowns=True)
    assert measured.breakdowns is not None
    return measured.breakdowns


def test_a_leaver_is_aged_on_the_day_they_left() -> None:
    # Born 1 June 1988: 29 when leaving on 31 March 2018, 30 by 30 September 2018.
    b = _b([make_worker("leaver", Y, SWENo="SW1", PersonBirthDate="1988-06-01")])
    assert b.share("leavers", "Age group") == {"20 to 29 years old": 1}


def test_starters_and_leavers_by_sex_age_ethnicity_role_and_time_in_service() -> None:
    workers = [
        make_worker(
            "inpost",
            Y,
            SWENo="SW1",
            RoleStartDate="2018-01-15",
            FTE30="0",
            GenderCurrent="1",
            Ethnicity="AIND",
            OrgRole="4",
        ),
        make_worker("leaver", Y, SWENo="SW2", RoleStartDate="2010-03-01", RoleEndDate="2018-03-31"),
    ]
    b = _b(workers)
    assert b.share("starters", "Gender") == {"Male": 1}
    assert b.share("starters", "Ethnic group") == {"Asian or Asian British": 1}
    assert b.share("starters", "Role (most senior post)") == {"Senior Practitioner": 1}
    assert b.share("starters", "Age group") == {"30 to 39 years old": 1}
    assert b.share("leavers", "Gender") == {"Female": 1}
    assert b.share("leavers", "Time in service") == {"5 to less than 10 years": 1}
    assert b.share("leavers", "Role (most senior post)") == {"Case Holder": 1}


def test_a_leaver_of_two_posts_on_one_day_is_one_person() -> None:
    workers = [
        make_worker("leaver", Y, SWENo="SW1", FTE="0.5", OrgRole="5"),
        make_worker("leaver", Y, SWENo="SW1", FTE="0.5", OrgRole="3", Cases30=None),
    ]
    b = _b(workers)
    assert b.share("leavers", "Role (most senior post)") == {"First Line Manager": 1}
    rows = [r for r in b.rows() if r["population"] == "leavers" and r["breakdown"] == "Age group"]
    assert [(r["headcount"], r["fte"]) for r in rows] == [(1, 1.0)]


def test_labels_come_from_the_years_own_code_lists() -> None:
    """Gender 9 is a valid 2021 code: shown by its label, never "9 (not a valid code)"."""
    b = _b([make_worker("inpost", 2021, GenderCurrent="9")], year=2021)
    assert b.share("in post", "Gender") == {"Not specified": 1}
    rows = [r for r in b.rows() if "not a valid code" in str(r["category"])]
    assert rows == []


def test_an_agency_record_with_a_leaving_date_is_no_agency_worker_in_post() -> None:
    """Query 535Q: such a record is not in post at 30 September; its cases and FTE are left
    out (a sample's 72 cases made a caseload of 138.1)."""
    workers = [
        make_worker("inpost", Y, SWENo="SW1"),
        make_worker("agency", Y, SWENo="SW2", Cases30="72", RoleEndDate="1990-03-31"),
        make_worker("agency", Y, SWENo="SW3"),
    ]
    measured = measure_return(make_return(workers, year=Y), breakdowns=True)
    m, b = measured.measures, measured.breakdowns
    assert b is not None
    assert m.totals["agency_headcount"] == 1 and m.totals["cases"] == 18 + 15
    assert m.notes == {"agency_with_leaving_date": 1}
    assert sum(b.share("agency", "Holds cases").values()) == 1


def test_a_code_new_in_a_year_is_labelled_from_that_years_code_list(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A year that adds a code (here a made-up origin 11) shows its label, never "11 (not a
    valid code)": every label comes from the year's own specification."""
    spec = load_spec(2025)
    origins = {**spec.codelists["StartOrigin"], "11": "Social work apprenticeship"}
    changed = replace(spec, codelists={**spec.codelists, "StartOrigin": origins})
    monkeypatch.setattr(breakdowns_module, "stats_spec", lambda year: changed)
    starter = make_worker("inpost", 2025, RoleStartDate="2025-01-06", FTE30="0", StartOrigin="11")
    b = _b([starter], year=2025)
    assert b.share("starters", "Origin") == {"Social work apprenticeship": 1}
