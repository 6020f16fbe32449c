"""Issue 17's findings, each tried both ways against the guide sentence or the published
evidence it rests on: what the guide tells an LA to do is never blocked, and what changes
DfE's figures is never silent.

The cases join the rulebook's table (``test_rules_table.all_cases``), so the meta-tests there
(every rule fires and passes somewhere; conventions) cover them too.
"""

from __future__ import annotations

import pytest

from csww import to_bytes
from csww.engine import validate, validate_return
from csww.rules import RULES
from csww.stats import published as pub
from tests.core.test_rules_table import AG, IN, LV, Case, W, check, fires, one, only, passes, xml
from tests.factories import make_return, make_worker
from tests.paths import STATS

# ------------------------------------------------------------------ "not yet collected"

# Guide, Destination of leaver (and Origin when started): "If you do not collect this
# information, please select 'not yet collected' for all your social workers."
NOT_YET_COLLECTED = [
    passes(
        "213",
        "a worker in post given destination 9 and reason 10 (not yet collected), as the guide says",
        one("inpost", LeaverDestination="9", ReasonLeave="10"),
    ),
    passes(
        "414Q",
        "a worker in post given destination 9 (not yet collected) for all social workers",
        one("inpost", LeaverDestination="9"),
    ),
    passes(
        "415Q",
        "a worker in post given reason 10 (not yet collected) for all social workers",
        one("inpost", ReasonLeave="10"),
    ),
    # "select 'not known' for the remaining": no evidence of leaving either, but the item is
    # still not applicable to a worker in post, so the query (not the error) remains.
    passes(
        "213",
        "a worker in post given destination 8 (not known)",
        one("inpost", LeaverDestination="8"),
        instead="414Q",
    ),
    fires(
        "213",
        "a worker in post with a real destination (1) and no leaving date",
        one("inpost", LeaverDestination="1"),
        "RoleEndDate",
        IN,
    ),
]

# ------------------------------------------------------------------ repeated items (902)

# Every schema in ../shared/reference/csww declares ContractWeeks, Absat30Sept, ReasonAbsence
# and (to 2024) QualInst maxOccurs="unbounded".
REPEATED = [
    passes(
        "902",
        "ContractWeeks given twice on an agency record (maxOccurs unbounded)",
        xml(
            "<ContractWeeks>26.5</ContractWeeks>",
            "<ContractWeeks>26.5</ContractWeeks><ContractWeeks>4</ContractWeeks>",
        ),
    ),
    passes(
        "902",
        "Absat30Sept given twice (maxOccurs unbounded)",
        xml(
            "<Absat30Sept>0</Absat30Sept>",
            "<Absat30Sept>0</Absat30Sept><Absat30Sept>0</Absat30Sept>",
        ),
    ),
    passes(
        "902",
        "ReasonAbsence given twice for an absent worker (maxOccurs unbounded)",
        xml(
            "<Absat30Sept>0</Absat30Sept>",
            "<Absat30Sept>1</Absat30Sept><ReasonAbsence>SIC</ReasonAbsence><ReasonAbsence>MAT</ReasonAbsence>",
        ),
    ),
    passes(
        "902",
        "QualInst given twice in 2018 (maxOccurs unbounded)",
        xml(
            "<QualInst>University of Leeds</QualInst>",
            "<QualInst>University of Leeds</QualInst><QualInst>Open University</QualInst>",
        ),
    ),
    fires(
        "902",
        "Cases30 given twice (maxOccurs 1 in every schema)",
        xml("<Cases30>18</Cases30>", "<Cases30>18</Cases30><Cases30>3</Cases30>"),
        "Cases30",
    ),
    fires(
        "321",
        "a repeated Absat30Sept that is not a code is still a format error",
        xml(
            "<Absat30Sept>0</Absat30Sept>",
            "<Absat30Sept>0</Absat30Sept><Absat30Sept>Y</Absat30Sept>",
        ),
        "Absat30Sept",
    ),
]

# ------------------------------------------------------------------ gender 0/9, 2018-2020

# DfE's 2019 data guidance: some social workers' genders were not known in 2018 and 2019.
GENDER = [
    fires(
        "534Q",
        "gender 0 (not known) in 2019",
        one("inpost", 2019, GenderCurrent="0"),
        "GenderCurrent",
        IN,
    ),
    fires(
        "534Q",
        "gender 9 (not specified) for a 2020 leaver",
        one("leaver", 2020, GenderCurrent="9"),
        "GenderCurrent",
        LV,
    ),
    passes("534Q", "gender 2 in 2019", one("inpost", 2019, GenderCurrent="2")),
]

# ------------------------------------------------------------------ leavers' FTE from 2018


def _leavers(n: int, fte: str | None, year: int = 2024) -> object:
    return only(
        W("inpost"),
        *[W("leaver", SWENo=f"SW7{i:04d}", FTE=fte) for i in range(n)],
        year=year,
    )


# From 2018 a leaver's FTE is their FTE when they left and DfE's leavers' FTE sums it;
# Sunderland 2024 (28 leavers, leavers' FTE 2) was re-published as "u".
LEAVERS_FTE = [
    fires("532Q", "a 2024 leaver with FTE 0", one("leaver", 2024, FTE="0"), "FTE", LV),
    passes("532Q", "a 2024 leaver who worked 0.1 FTE", one("leaver", 2024, FTE="0.1")),
    passes(
        "532Q",
        "a 2017 leaver with FTE 0, as the 2017 guide asked",
        one("leaver", 2017, FTE="0"),
        instead=None,
    ),
    fires("533Q", "a 2018 leaver with no FTE", one("leaver", FTE=None), "FTE", LV),
    passes("533Q", "a 2018 leaver with FTE 1", one("leaver", FTE="1")),
    fires("808Q", "28 leavers all with FTE 0 (as Sunderland 2024)", _leavers(28, "0"), "FTE"),
    fires("808Q", "five leavers with no FTE", _leavers(5, None), "FTE"),
    passes("808Q", "five leavers of 0.5 FTE (half their number)", _leavers(5, "0.5")),
    passes("808Q", "four leavers with FTE 0 (too few to judge)", _leavers(4, "0")),
    passes("808Q", "28 leavers with FTE 0 in 2017, when 0 was asked for", _leavers(28, "0", 2017)),
]

# ------------------------------------------------------------------ agency with a leaving date

AGENCY_LEFT = [
    fires(
        "535Q",
        "an agency record whose assignment ended in 1990",
        one("agency", RoleEndDate="1990-03-31"),
        "RoleEndDate",
        AG,
    ),
    passes("535Q", "an agency record without a leaving date", one("agency")),
]

# ------------------------------------------------------------------ Frontline before 2014

# "A Frontline graduate refers to a graduate of the government fast-track 'Frontline'
# programme which began in 2014."
FRONTLINE = [
    fires(
        "536Q",
        "a Frontline graduate who started in 2005",
        one("inpost", FrontlineGrad="1", RoleStartDate="2005-09-01"),
        "FrontlineGrad",
        IN,
    ),
    passes(
        "536Q",
        "a Frontline graduate who started on 1 January 2014",
        one("inpost", FrontlineGrad="1", RoleStartDate="2014-01-01"),
    ),
    passes(
        "536Q",
        "a worker who started in 2005 and is not a Frontline graduate",
        one("inpost", FrontlineGrad="0", RoleStartDate="2005-09-01"),
    ),
]

FALSE_ERROR_CASES: list[Case] = (
    NOT_YET_COLLECTED + REPEATED + GENDER + LEAVERS_FTE + AGENCY_LEFT + FRONTLINE
)


@pytest.mark.parametrize("case", FALSE_ERROR_CASES, ids=lambda c: c.id)
def test_false_error_case(case: Case) -> None:
    check(case)


def test_an_la_that_did_what_the_guide_says_for_destinations_is_not_blocked() -> None:
    """Every worker in post given "not yet collected": no error and no query at all."""
    workers = [
        make_worker("inpost", SWENo=f"SW8{i:03d}", LeaverDestination="9", ReasonLeave="10")
        for i in range(30)
    ]
    ret = make_return(
        [
            *workers,
            make_worker("leaver", SWENo="SW9", LeaverDestination="9", ReasonLeave="10"),
            make_worker("agency", SWENo="SW998877"),
        ]
    )
    report = validate_return(ret)
    assert report.issues == []


def test_repeated_schema_items_read_the_same_in_xml() -> None:
    """A repeated unbounded item is kept (written back beside the first), not lost."""
    text = xml(
        "<ContractWeeks>26.5</ContractWeeks>",
        "<ContractWeeks>26.5</ContractWeeks><ContractWeeks>4</ContractWeeks>",
    )()
    assert isinstance(text, bytes)
    report = validate(text)
    assert report.errors == 0 and report.queries == 0


# ------------------------------------------------------------------ 701Q: published evidence

# DfE published in-post FTE above in-post headcount with no quality flag: it accepted returns
# whose people add up to more than 1 FTE, so 701 became a query.
FTE_ABOVE_HEADCOUNT = {(2020, "Warwickshire"), (2021, "Sunderland"), (2022, "Bromley")}


def test_dfe_published_in_post_fte_above_headcount_without_a_flag() -> None:
    found = set()
    for row in pub.published():
        fte, heads = row.number("inpost_fte"), row.number("inpost_headcount")
        if row.level == "Local authority" and fte is not None and heads and fte > heads:
            found.add((row.year, row.text("la_name")))
            assert row.text("inpost_fte") not in ("u", "x", "c")
    assert found == FTE_ABOVE_HEADCOUNT


def test_combined_fte_above_one_is_a_query_never_an_error() -> None:
    ret = make_return(
        [
            make_worker("inpost", FTE="0.8"),
            make_worker("inpost", FTE="0.4", OrgRole="6", Cases30="0", FTE30="0.4"),
            make_worker("leaver", SWENo="SW2"),
            make_worker("agency", SWENo="SW998877"),
        ]
    )
    report = validate_return(ret)
    assert report.errors == 0
    assert {i.rule for i in report.issues} == {"701Q"}
    assert RULES["701Q"].severity == "query" and "701" not in RULES


# ------------------------------------------------------------------ the closing figures


def test_returns_that_follow_the_guide_are_valid_in_every_year() -> None:
    """A 2025 return with the old section name, no base salaries, Sex on agency records,
    Absent on 30 September left out for leavers and repeated unbounded items: no error."""
    ret = make_return(year=2025)
    ret.workers[0].values.pop("BaseSalary")
    ret.workers[1].values.pop("Absat30Sept")
    ret.workers[2].values["Sex"] = "F"
    text = (
        to_bytes(ret)
        .replace(b"<LALevel>", b"<LALevelVacancies>")
        .replace(b"</LALevel>", b"</LALevelVacancies>")
    )
    report = validate(text)
    assert report.errors == 0
    assert {i.rule for i in report.issues} == {"158Q", "602Q"}


# ------------------------------------------------------------------ 808Q: published evidence


def test_published_leavers_fte_under_half_the_headcount_is_never_accepted_as_reliable() -> None:
    """From 2018, every LA-year whose published leavers' FTE is under half its leavers (five
    or more) is one DfE did not publish as reliable: 808Q's threshold fires on what DfE
    flagged and on nothing it accepted."""
    below = []
    for row in pub.published():
        heads = row.number("leavers_headcount")
        if row.level != "Local authority" or row.year < 2018 or not heads or heads < 5:
            continue
        fte = row.number("leavers_fte")
        if fte is None or fte < 0.5 * heads:
            below.append((row.year, row.text("la_name"), row.text("leavers_fte")))
    assert sorted(below) == [(2021, "Portsmouth", "x"), (2024, "Sunderland", "u")]


def test_sunderland_2024_leavers_fte_was_2_for_28_leavers_before_dfe_flagged_it() -> None:
    vintage = STATS / "csww_indicators_2017_to_2024.csv"
    rows = pub.read_rows(vintage)
    (row,) = [r for r in rows if r.year == 2024 and r.text("la_name") == "Sunderland"]
    assert (row.text("leavers_fte"), row.text("leavers_headcount")) == ("2", "28")
    (latest,) = [r for r in pub.published() if r.year == 2024 and r.text("la_name") == "Sunderland"]
    assert latest.text("leavers_fte") == "u"


# ------------------------------------------------------------------ errors kept, asked again


def test_published_agency_fte_never_exceeds_agency_headcount() -> None:
    """303 (an FTE above 1) stays an error: DfE never de-duplicates agency records, so one
    agency record above 1 FTE would show as agency FTE above agency headcount; no published
    LA-year 2017-2025 has it. (In-post, starters' and leavers' FTE above headcount do occur:
    several posts of one person, query 701Q.)"""
    above = []
    for row in pub.published():
        fte, heads = row.number("agency_fte"), row.number("agency_headcount")
        known = fte is not None and heads is not None
        if row.level == "Local authority" and known and fte > heads:  # type: ignore[operator]
            above.append((row.year, row.text("la_name")))
    assert above == []
    combined = {
        (row.year, row.text("la_name"), column)
        for row in pub.published()
        for column in ("starters", "leavers")
        if row.level == "Local authority"
        and (row.number(f"{column}_fte") or 0) > (row.number(f"{column}_headcount") or 0) > 0
    }
    assert (2017, "Tower Hamlets", "starters") in combined and len(combined) == 4
