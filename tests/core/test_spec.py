"""The specification data says exactly what the guide's tables say."""

from __future__ import annotations

import pytest

from csww.spec import (
    UnknownYear,
    available_years,
    joint_partners,
    la_codes_for,
    load_spec,
    spec_for,
    year_problem,
)

M, V, NA = "mandatory", "voluntary", "not_applicable"

# The guide's "Statutory status of data items" table for 2017, row by row: (in post at
# 30 September, leavers during the year, agency workers at 30 September). Blank cells are
# voluntary: the table says "all other data items are voluntary or not applicable", marks
# "Not applicable" where it means it, and the General Data Items, Qualification and Role,
# and Turnover sections ask for their items "for ... all agency workers ... in post".
GUIDE_2017 = {
    "SWENo": (M, M, M),
    "FTE": (M, V, M),
    "PersonBirthDate": (M, M, V),
    "GenderCurrent": (M, M, V),
    "Ethnicity": (M, M, V),
    "QualInst": (V, V, V),
    "QualLevel": (M, M, V),
    "StepUpGrad": (M, M, V),
    "FrontlineGrad": (V, V, V),
    "OrgRole": (M, M, V),
    "RoleStartDate": (M, M, V),
    "StartOrigin": (M, M, V),
    "RoleEndDate": (NA, M, NA),
    "ReasonLeave": (NA, V, NA),
    "LeaverDestination": (NA, M, NA),
    "FTE30": (M, NA, V),
    "Cases30": (M, NA, M),
    "WorkingDaysLost": (M, M, V),
    "Absat30Sept": (V, V, V),
    "ReasonAbsence": (V, V, V),
    "AgencyWorker": (M, M, M),
    "ContractWeeks": (NA, NA, V),
}


def statuses(year: int) -> dict[str, tuple[str, str, str]]:
    spec = load_spec(year)
    return {
        e: (i.status_for("inpost"), i.status_for("leaver"), i.status_for("agency"))
        for e, i in spec.worker.items()
    }


def test_2017_statuses_are_the_guides_table() -> None:
    assert statuses(2017) == GUIDE_2017


def test_2018_is_2017_plus_the_announced_change() -> None:
    expected = dict(GUIDE_2017)
    expected["FrontlineGrad"] = (M, M, V)
    # The item asks whether the worker "was absent from work on 30 September": mandatory for
    # workers in post, voluntary for leavers (who may have left in March).
    expected["Absat30Sept"] = (M, V, V)
    expected["ReasonAbsence"] = ("conditional", "conditional", V)
    assert statuses(2018) == expected


def test_code_lists_follow_the_guide() -> None:
    spec = load_spec(2017)
    assert list(spec.codelists["Gender"]) == ["1", "2"]
    assert len(spec.codelists["Ethnicity"]) == 18 and "WIRT" not in spec.codelists["Ethnicity"]
    assert spec.forbidden_codes["Ethnicity"] == {"WIRT": "WOTH", "WROM": "WOTH"}
    assert list(spec.codelists["OrgRole"]) == ["1", "2", "3", "4", "5", "6"]
    assert list(spec.codelists["StartOrigin"]) == [str(n) for n in range(1, 11)]
    assert list(spec.codelists["LeaverDestination"]) == [str(n) for n in range(1, 10)]
    assert list(spec.codelists["ReasonLeave"]) == [str(n) for n in range(1, 11)]
    assert set(spec.codelists["ReasonAbsence"]) == {"MAT", "OTH", "PUB", "SIC", "TRN", "UNA", "UNP"}


def test_la_annex_and_later_code_changes() -> None:
    codes_2017 = la_codes_for(2017)
    assert len(codes_2017) == 152
    assert "522" not in codes_2017  # the guide's COLLECT screenshot shows "TDU Test LA 522"
    assert codes_2017["835"] == "Dorset" and "838" not in codes_2017
    codes_2019 = la_codes_for(2019)
    assert "835" not in codes_2019 and "838" in codes_2019 and "839" in codes_2019
    assert "928" in la_codes_for(2020) and "928" not in la_codes_for(2021)
    assert {"942", "943"} <= la_codes_for(2023).keys() and "909" not in la_codes_for(2023)


def test_dates_of_a_collection_year() -> None:
    spec = load_spec(2017)
    assert str(spec.reference_date) == "2017-09-30"
    assert str(spec.period_start) == "2016-10-01"
    assert str(spec.previous_reference_date) == "2016-09-30"


def test_every_year_from_2017_to_2026_has_its_own_specification() -> None:
    assert available_years() == list(range(2017, 2027))
    for year in available_years():
        assert spec_for(year).year == year
    assert spec_for(None).year == 2026


@pytest.mark.parametrize("year", [2015, 2016, 2027])
def test_a_year_without_a_specification_is_refused_not_replaced(year: int) -> None:
    with pytest.raises(UnknownYear):
        spec_for(year)
    problem = year_problem(year)
    assert problem is not None and str(year) in problem


def test_joint_return() -> None:
    assert joint_partners("318") == {"314", "318"} == joint_partners("314")
    assert joint_partners("301") == {"301"}
