"""The findings of issue 9, each against the guide sentence or DfE evidence it rests on.

No valid return in these cases is blocked or queried on the item; the rulebook's table
(``test_rules_table.py``, ``test_rules_records.py``) tries each changed rule both ways.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from csww import to_bytes
from csww.engine import validate, validate_return
from csww.model import Record, Return
from csww.rules import RULES
from csww.spec import available_years, last_working_day, load_spec
from csww.stats import published as pub
from tests.factories import make_header, make_la, make_return, make_worker
from tests.paths import SAMPLES

# ------------------------------------------------------------------ agency cover (170Q)


def _cover_above_vacancies() -> list[tuple[int, str, str, str]]:
    """DfE's published LA-years whose agency cover FTE is above their vacancies FTE."""
    found = []
    for row in pub.published():
        cover, vacancies = row.number("agency_cover_fte"), row.number("vacancy_fte")
        if row.level == "Local authority" and cover and vacancies is not None and cover > vacancies:
            found.append(
                (row.year, row.code, row.text("agency_cover_fte"), row.text("vacancy_fte"))
            )
    return found


PUBLISHED_COVER_ABOVE_VACANCIES = _cover_above_vacancies()


def test_dfe_published_sixteen_la_years_with_cover_above_vacancies() -> None:
    """Sutton 2017, eight LAs in 2019 and seven in 2020, each flagged u, not rejected."""
    years = [y for y, *_ in PUBLISHED_COVER_ABOVE_VACANCIES]
    assert len(years) == 16
    assert (years.count(2017), years.count(2019), years.count(2020)) == (1, 8, 7)
    for year, code, *_ in PUBLISHED_COVER_ABOVE_VACANCIES:
        assert pub.la_rows(year)[code].text("vacancy_agency_cover_rate_fte") == "u"


@pytest.mark.parametrize(
    ("year", "code", "cover", "vacancies"),
    PUBLISHED_COVER_ABOVE_VACANCIES,
    ids=[f"{y}-{c}" for y, c, *_ in PUBLISHED_COVER_ABOVE_VACANCIES],
)
def test_a_published_la_year_with_cover_above_vacancies_is_a_query_not_an_error(
    year: int, code: str, cover: str, vacancies: str
) -> None:
    headcount = str(int(float(cover)) + 1)  # no worker is more than 1 FTE (rule 172)
    ret = make_return(year=min(year, 2018))
    ret.la = make_la(NumberOfVacancies=vacancies, NoAgencyFTE=cover, NoAgencyHeadcount=headcount)
    la_issues = [i for i in validate_return(ret).issues if RULES[i.rule].scope == "la"]
    assert [(i.rule, i.severity) for i in la_issues] == [("170Q", "query")]


# ------------------------------------------------------------------ agency workers' blank cells

# The guide's status table leaves these cells blank for agency workers ("all other data items
# are voluntary or not applicable") and its sections ask for them "for ... all agency workers
# in your local authority who were in post at 30 September 2017".
AGENCY_BLANK_CELLS = [
    ("PersonBirthDate", "1980-05-17", "General Data Items"),
    ("GenderCurrent", "2", "General Data Items"),
    ("Ethnicity", "WBRI", "General Data Items"),
    ("QualLevel", "2", "Qualification and Role information"),
    ("StepUpGrad", "0", "Qualification and Role information"),
    ("OrgRole", "5", "Qualification and Role information"),
    (
        "RoleStartDate",
        "2016-01-08",
        "Turnover: 'For all child and family social workers and agency workers'",
    ),
    ("StartOrigin", "4", "Turnover"),
    ("FTE30", "0", "Turnover (FTE as at previous 30 September)"),
    ("WorkingDaysLost", "2", "Sickness Absence: the status table's blank cell"),
    ("QualInst", "Open University", "Qualification and Role information (voluntary item)"),
    ("FrontlineGrad", "0", "Qualification and Role information (voluntary item)"),
    ("Absat30Sept", "0", "Case Management (voluntary item)"),
]


@pytest.mark.parametrize("year", [2017, 2018])
@pytest.mark.parametrize(("element", "value", "section"), AGENCY_BLANK_CELLS)
def test_an_agency_worker_may_give_the_items_the_guide_leaves_blank(
    year: int, element: str, value: str, section: str
) -> None:
    ret = make_return(year=year)
    ret.workers[2] = make_worker("agency", year, SWENo="SW998877", **{element: value})
    issues = [i for i in validate_return(ret).issues if i.field == element]
    assert issues == [], f"{element} ({section}): {issues}"


def test_the_2022_sample_agency_records_raise_no_query_on_blank_cell_items() -> None:
    """136 queries on the 18 agency records before; now only the three not-applicable items."""
    report = validate(SAMPLES / "csww-2022-sample.xml")
    agency_items = {i.rule for i in report.issues if i.rule.startswith("4")}
    assert agency_items <= {"413Q", "414Q", "415Q", "416Q", "417Q", "419Q"}
    blank = {e for e, *_ in AGENCY_BLANK_CELLS}
    assert not [i for i in report.issues if i.rule.startswith("4") and i.field in blank - {"FTE30"}]


# ------------------------------------------------------------------ header items left empty


@pytest.mark.parametrize("value", ["", "1.2", "7"])
def test_header_xversion_release_and_serial_no_can_remain_empty_or_be_given(value: str) -> None:
    """The guide's COLLECT header shows Xversion, Release and Serial No: "All other fields
    can remain empty"."""
    ret = make_return()
    ret.header = make_header(XVersion=value, Release=value, SerialNo=value)
    report = validate(to_bytes(ret))
    assert report.issues == []


def test_an_unknown_header_item_is_still_queried() -> None:
    ret = make_return()
    ret.header = make_header(Serial="7")
    assert [i.rule for i in validate(to_bytes(ret)).issues] == ["901Q"]


# ------------------------------------------------------------------ xs:date with a time zone


@pytest.mark.parametrize("text", ["1980-05-17Z", "1980-05-17+01:00", "1980-05-17-05:00"])
def test_a_date_with_an_xml_schema_time_zone_is_a_valid_date(text: str) -> None:
    ret = make_return()
    ret.workers[0] = make_worker("inpost", PersonBirthDate=text, RoleStartDate="2012-03-01Z")
    assert validate(to_bytes(ret)).issues == []


@pytest.mark.parametrize("text", ["1980-05-17z", "1980-05-17+1", "1980-05-17 ", "1980-05-17T"])
def test_a_date_with_anything_else_after_it_is_still_a_format_error(text: str) -> None:
    ret = make_return()
    ret.workers[0] = make_worker("inpost", PersonBirthDate=text)
    assert "304" in {i.rule for i in validate_return(ret).issues}


# ------------------------------------------------------------------ the census day


@pytest.mark.parametrize(
    ("year", "day"),
    [
        (2017, date(2017, 9, 29)),  # 30 September a Saturday
        (2018, date(2018, 9, 28)),  # a Sunday
        (2019, date(2019, 9, 30)),  # a Monday
        (2023, date(2023, 9, 29)),  # a Saturday
        (2024, date(2024, 9, 30)),
        (2028, date(2028, 9, 29)),  # a Saturday
        (2029, date(2029, 9, 28)),  # a Sunday
    ],
)
def test_census_day_is_the_last_working_day_of_september(year: int, day: date) -> None:
    """The guide: "If this date falls on a non-working day for your local authority, please
    record the position as at the last working day of September"."""
    assert last_working_day(year) == day
    if year in available_years():
        assert load_spec(year).census_day == day


@pytest.mark.parametrize("year", [2017, 2018])
def test_leaver_on_the_last_working_day_with_cases_and_absent_raises_nothing(year: int) -> None:
    day = load_spec(year).census_day.isoformat()
    leaver = make_worker(
        "leaver",
        year,
        SWENo="SW223344",
        RoleEndDate=day,
        Cases30="12",
        Absat30Sept="1",
        ReasonAbsence="OTH",
    )
    ret = make_return(year=year)
    ret.workers[1] = leaver
    assert validate_return(ret).issues == []


def test_a_valid_return_for_every_weekend_year_raises_nothing() -> None:
    for year in (2017, 2018):
        ret: Return = make_return(year=year)
        assert validate(to_bytes(ret)).issues == []


# ------------------------------------------------------------------ the engine only drives


def test_no_rule_id_is_written_outside_the_rulebook_in_the_engine_and_statistics() -> None:
    """Rule logic is declared once, in the rulebook; the engine and the statistics never key
    behaviour on a rule's id."""
    import re

    import csww

    src = Path(csww.__file__).parent
    rule_id = re.compile(r"""["']\d{3}Q?["']""")
    files = [src / "engine.py", *sorted((src / "stats").glob("*.py"))]
    found = [
        f"{path.name}:{n}: {line.strip()}"
        for path in files
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if rule_id.search(line)
    ]
    assert found == []


# ------------------------------------------------------------------ identical lines


def _with(*extra: Record) -> Return:
    ret = make_return()
    ret.workers.extend(extra)
    return ret


IDENTICAL_LINES = [
    # DfE's methodology: agency records are never de-duplicated, each counts as a person.
    (
        "one agency worker on two identical assignments",
        lambda: _with(
            make_worker("agency", SWENo="SW6", FTE="0.5"),
            make_worker("agency", SWENo="SW6", FTE="0.5"),
        ),
    ),
    (
        "one agency worker on two assignments of 0.6",
        lambda: _with(
            make_worker("agency", SWENo="SW6", FTE="0.6"),
            make_worker("agency", SWENo="SW6", FTE="0.6"),
        ),
    ),
]


@pytest.mark.parametrize(("desc", "build"), IDENTICAL_LINES, ids=[d for d, _ in IDENTICAL_LINES])
def test_identical_lines_the_guide_allows_raise_nothing(desc: str, build) -> None:
    assert validate_return(build()).issues == []


def test_two_identical_half_time_posts_are_queried_never_blocked() -> None:
    # "For staff who work part-time in two or more different roles enter each role as an
    # individual case (for example one line per role)": two half-time posts with the same
    # details are valid, but an exact copy doubles cases and sickness days, so 708Q asks.
    ret = _with(
        make_worker("inpost", SWENo="SW5", FTE="0.5"),
        make_worker("inpost", SWENo="SW5", FTE="0.5"),
    )
    report = validate_return(ret)
    assert [(i.rule, i.record) for i in report.issues] == [("708Q", 6)]
    assert report.errors == 0


def test_a_copied_full_time_post_is_queried_by_701q_and_708q() -> None:
    ret = _with(make_worker("inpost", SWENo="SW5"), make_worker("inpost", SWENo="SW5"))
    assert {i.rule for i in validate_return(ret).issues} == {"701Q", "708Q"}
