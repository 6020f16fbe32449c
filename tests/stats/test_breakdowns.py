"""Breakdowns of the workforce and the 2012-13 aggregate variables, from worker records."""

from __future__ import annotations

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
    assert b.share("in post", "Age") == {"Under 25": 1, "30 to 39": 1, "60 and over": 1}
    assert b.share("in post", "Ethnic group") == {
        "White": 1,
        "Black, African, Caribbean or Black British": 1,
        "Refused or not obtained": 1,
    }
    assert b.share("in post", "Step Up graduate") == {"No": 2, "Yes": 1}
    assert b.share("in post", "Length of service") == {
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
