"""Continuity rules (72x): this year's return against the LA's return for the year before."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from csww.model import Return
from tests.core.test_rules_table import Case, check, fires, passes
from tests.factories import make_return, make_worker


def last_year(**inpost: str | None) -> Return:
    """The 2017 return: the same worker in post (SW123456), with overrides."""
    return make_return(
        [make_worker("inpost", 2017, **inpost), make_worker("leaver", 2017, SWENo="SW7001")],
        year=2017,
    )


def with_previous(case: Case, previous: Return) -> Case:
    return replace(case, previous=lambda: previous)


def current(**inpost: str | None) -> Return:
    ret = make_return(year=2018)
    ret.workers[0] = make_worker("inpost", 2018, **inpost)
    return ret


def without_inpost() -> Return:
    ret = make_return(year=2018)
    del ret.workers[0]
    return ret


def as_leaver() -> Return:
    ret = make_return(year=2018)
    ret.workers[0] = make_worker("leaver", 2018, SWENo="SW123456")
    return ret


def returner() -> Return:
    """SW123456 left on 31 December 2017 and started again on 1 February 2018."""
    ret = make_return(year=2018)
    ret.workers[0] = make_worker("inpost", 2018, RoleStartDate="2018-02-01", FTE30="0")
    ret.workers[1] = make_worker("leaver", 2018, RoleEndDate="2017-12-31")
    return ret


def with_leaver_start(started: str) -> Callable[[], Return]:
    def build() -> Return:
        ret = make_return(year=2018)
        ret.workers[1] = make_worker("leaver", 2018, SWENo="SW223344", RoleStartDate=started)
        return ret

    return build


def newcomer(started: str) -> Callable[[], Return]:
    """The default return, its worker in post (not in last year's return) started on ``started``."""

    def build() -> Return:
        ret = make_return(year=2018)
        ret.workers[1] = make_worker("leaver", 2018, SWENo="SW223344", RoleStartDate="2017-12-01")
        ret.workers[0] = make_worker("inpost", 2018, RoleStartDate=started)
        return ret

    return build


CONTINUITY_CASES: list[Case] = [
    with_previous(
        fires("720Q", "in post last year, absent this year", without_inpost, "SWENo", None),
        last_year(),
    ),
    with_previous(passes("720Q", "in post last year, leaver this year", as_leaver), last_year()),
    with_previous(
        fires("721Q", "FTE30 1 but last year's FTE 0.8", current, "FTE30", 1), last_year(FTE="0.8")
    ),
    with_previous(passes("721Q", "FTE30 equals last year's FTE", current), last_year()),
    with_previous(
        passes("721Q", "left and came back: a starter's FTE30 is 0", returner), last_year()
    ),
    with_previous(
        fires("722Q", "start date moved without a leaver record", current, "RoleStartDate", 1),
        last_year(RoleStartDate="2010-01-04"),
    ),
    with_previous(passes("722Q", "same start date as last year", current), last_year()),
    # The default current return's leaver (SW223344, record 2) started in 2012 and is not in
    # last year's return.
    with_previous(
        fires("723Q", "leaver started years ago, absent last year", current, "RoleStartDate", 2),
        last_year(),
    ),
    with_previous(
        passes(
            "723Q", "leaver started on the first day of the year", with_leaver_start("2017-10-01")
        ),
        last_year(),
    ),
    with_previous(
        fires(
            "724Q",
            "newcomer started on last year's census date",
            newcomer("2017-09-30"),
            "RoleStartDate",
            1,
        ),
        make_return([make_worker("inpost", 2017, SWENo="SW5555")], year=2017),
    ),
    with_previous(
        passes("724Q", "newcomer started the day after last year's census", newcomer("2017-10-01")),
        make_return([make_worker("inpost", 2017, SWENo="SW5555")], year=2017),
    ),
    with_previous(
        fires("725Q", "date of birth a day apart", current, "PersonBirthDate", 1),
        last_year(PersonBirthDate="1980-05-18"),
    ),
    with_previous(passes("725Q", "same date of birth", current), last_year()),
    with_previous(
        fires("726Q", "male last year, female now", current, "GenderCurrent", 1),
        last_year(GenderCurrent="1"),
    ),
    with_previous(passes("726Q", "female both years", current), last_year()),
]


@pytest.mark.parametrize("case", CONTINUITY_CASES, ids=lambda c: c.id)
def test_continuity_case(case: Case) -> None:
    check(case)


def test_no_continuity_issues_without_a_previous_return() -> None:
    from csww.engine import validate_return

    assert not [i for i in validate_return(without_inpost()).issues if i.rule.startswith("72")]
