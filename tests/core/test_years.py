"""Every collection year from 2017 to 2026: a return in the year's own format passes, and the
year's own mistakes are caught.

The formats come from ``../shared/docs/years.md`` and the third-party schemas of 2021-2025:
gender codes 0/1/2/9 and ``CFKSSstatus`` from 2021, ``Sex`` (M/F) from 2024, and in 2025 the
``LALevel`` section with its pay items, ``BaseSalary`` and the payments, with ``QualInst`` and
``CFKSSstatus`` no longer collected.
"""

from __future__ import annotations

import pytest

from csww import to_bytes
from csww.engine import validate, validate_return
from csww.model import Record, Return
from csww.rules import RULES
from csww.spec import available_years, load_spec
from tests.core.test_rules_table import Build, Case, check, fires, passes, xml
from tests.factories import make_header, make_la, make_return, make_worker

YEARS = available_years()


def ret_of(year: int, worker: Record | None = None, **la: str | None) -> Build:
    """The default return of ``year``, its worker in post replaced and its LA figures changed."""

    def build() -> Return:
        ret = make_return(year=year)
        if worker is not None:
            ret.workers[0] = worker
        ret.la = make_la(year, **la)
        return ret

    return build


IN = 1
YEAR_CASES: list[Case] = [
    # 2021-2023: gender codes 0 and 9 are valid; 2017's list has only 1 and 2.
    passes(
        "305",
        "gender 9 (not specified) in 2022",
        ret_of(2022, make_worker("inpost", 2022, GenderCurrent="9")),
    ),
    passes(
        "305",
        "gender 0 (not known) in 2021",
        ret_of(2021, make_worker("inpost", 2021, GenderCurrent="0")),
    ),
    fires(
        "305",
        "gender 9 in 2017, before the code existed",
        ret_of(2017, make_worker("inpost", 2017, GenderCurrent="9")),
        "GenderCurrent",
        IN,
    ),
    # DfE's 2019 data guidance: some genders were not known in 2018 and 2019 (accepted).
    passes(
        "305",
        "gender 9 in 2018, queried as DfE's data guidance allows",
        ret_of(2018, make_worker("inpost", 2018, GenderCurrent="9")),
        instead="534Q",
    ),
    # CFKSSstatus: voluntary, codes 1-4, may repeat (2021-2024).
    passes(
        "323",
        "a Knowledge and Skills status of 3 in 2023",
        ret_of(2023, make_worker("inpost", 2023, CFKSSstatus="3")),
    ),
    fires(
        "323",
        "a Knowledge and Skills status of 5",
        ret_of(2022, make_worker("inpost", 2022, CFKSSstatus="5")),
        "CFKSSstatus",
        IN,
    ),
    # 2024: Sex M/F replaces GenderCurrent.
    passes("224", "Sex given in 2024", ret_of(2024)),
    fires("224", "no Sex in 2024", ret_of(2024, make_worker("inpost", 2024, Sex=None)), "Sex", IN),
    passes(
        "224",
        "a 2024 return that still gives GenderCurrent is queried, not blocked (uncertain change)",
        ret_of(2024, make_worker("inpost", 2024, Sex=None, GenderCurrent="2")),
        instead="909Q",
    ),
    fires(
        "224",
        "a 2025 return that gives GenderCurrent instead of Sex",
        ret_of(2025, make_worker("inpost", 2025, Sex=None, GenderCurrent="2")),
        "Sex",
        IN,
    ),
    passes("324", "Sex F", ret_of(2025, make_worker("inpost", 2025, Sex="F"))),
    fires(
        "324",
        "Sex written as a 2017 gender code",
        ret_of(2024, make_worker("inpost", 2024, Sex="2")),
        "Sex",
        IN,
    ),
    # Sex is voluntary for agency workers (as Gender was): no source makes it not applicable.
    passes("324", "Sex on an agency record", lambda: _agency_with(2024, Sex="M")),
    # 2025: base salary and payments.
    # Base salary: mandatory only in a news report of DfE's plans (CC24), so a query.
    passes("602Q", "base salary given for a worker in post", ret_of(2025)),
    fires(
        "602Q",
        "no base salary for a worker in post",
        ret_of(2025, make_worker("inpost", 2025, BaseSalary=None)),
        "BaseSalary",
        IN,
    ),
    passes(
        "602Q",
        "no base salary for a leaver",
        ret_of(2025, make_worker("leaver", 2025, SWENo="SW2", BaseSalary=None)),
    ),
    passes(
        "325",
        "a salary with two decimal places",
        ret_of(2025, make_worker("inpost", 2025, BaseSalary="41234.56")),
    ),
    fires(
        "325",
        "a salary with three decimal places",
        ret_of(2025, make_worker("inpost", 2025, BaseSalary="41234.567")),
        "BaseSalary",
        IN,
    ),
    passes(
        "326",
        "recruitment and retention payments of 1500",
        ret_of(2025, make_worker("inpost", 2025, RRPayments="1500.00")),
    ),
    fires(
        "326",
        "recruitment and retention payments written with a pound sign",
        ret_of(2025, make_worker("inpost", 2025, RRPayments="£1500")),
        "RRPayments",
        IN,
    ),
    passes(
        "327", "other payments of 0", ret_of(2025, make_worker("inpost", 2025, OtherPayments="0"))
    ),
    fires(
        "327",
        "negative other payments",
        ret_of(2025, make_worker("inpost", 2025, OtherPayments="-5")),
        "OtherPayments",
        IN,
    ),
    passes("425Q", "no salary on an agency record", ret_of(2025)),
    fires(
        "425Q",
        "a salary on an agency record",
        lambda: _agency_with(2025, BaseSalary="40000"),
        "BaseSalary",
        3,
    ),
    passes("426Q", "no payments on an agency record", ret_of(2025)),
    fires(
        "426Q",
        "payments on an agency record",
        lambda: _agency_with(2025, RRPayments="100"),
        "RRPayments",
        3,
    ),
    passes("427Q", "no other payments on an agency record", ret_of(2026)),
    fires(
        "427Q",
        "other payments on an agency record",
        lambda: _agency_with(2026, OtherPayments="100"),
        "OtherPayments",
        3,
    ),
    passes(
        "601Q",
        "a salary of 15,000 (the bottom of the range)",
        ret_of(2025, make_worker("inpost", 2025, BaseSalary="15000")),
    ),
    fires(
        "601Q",
        "a monthly salary given as annual",
        ret_of(2025, make_worker("inpost", 2025, BaseSalary="3100.00")),
        "BaseSalary",
        IN,
    ),
    # 2025 LA level: pay items coded 0/1/2.
    passes("155", "every pay item coded 0, 1 or 2", ret_of(2025)),
    fires("155", "a pay item coded Y", ret_of(2025, None, CarAllowance="Y"), "CarAllowance"),
    passes(
        "150", "other allowances left empty (voluntary)", ret_of(2025, None, OtherAllowances=None)
    ),
    fires(
        "150",
        "no recruitment bonus figure in 2025",
        ret_of(2025, None, RecruitmentBonus=None),
        "RecruitmentBonus",
    ),
    passes(
        "156",
        "other allowances described in 1000 characters",
        ret_of(2025, None, OtherAllowances="x" * 1000),
    ),
    fires(
        "156",
        "other allowances in 1001 characters",
        ret_of(2025, None, OtherAllowances="x" * 1001),
        "OtherAllowances",
    ),
    # The LA section's name follows the year.
    passes("157", "LALevel in 2025", xml(year=2025)),
    # 2025's schemas disagree on the name: the old one is a query, the figures still read.
    fires(
        "158Q",
        "LALevelVacancies in a 2025 return",
        xml("<LALevel>", "<LALevelVacancies>", "</LALevel>", "</LALevelVacancies>", year=2025),
    ),
    passes("158Q", "LALevel in a 2025 return", xml(year=2025)),
    passes(
        "158Q",
        "LALevel in a 2024 return is 157, every source naming LALevelVacancies",
        xml("<LALevelVacancies>", "<LALevel>", "</LALevelVacancies>", "</LALevel>", year=2024),
        instead="157",
    ),
    fires(
        "157",
        "LALevel in a 2024 return",
        xml("<LALevelVacancies>", "<LALevel>", "</LALevelVacancies>", "</LALevel>", year=2024),
    ),
    # Items no longer collected: a query, not an error, and the value is kept.
    passes("909Q", "QualInst in 2024, when it is still collected", ret_of(2024)),
    fires(
        "909Q",
        "QualInst in a 2025 return",
        ret_of(2025, make_worker("inpost", 2025, QualInst="University of Leeds")),
        "QualInst",
        IN,
    ),
]


def _agency_with(year: int, **overrides: str | None) -> Return:
    ret = make_return(year=year)
    ret.workers[2] = make_worker("agency", year, SWENo="SW998877", **overrides)
    return ret


@pytest.mark.parametrize("case", YEAR_CASES, ids=lambda c: c.id)
def test_year_case(case: Case) -> None:
    check(case)


@pytest.mark.parametrize("year", YEARS)
def test_a_return_in_its_years_format_has_no_issues(year: int) -> None:
    ret = make_return(year=year)
    assert validate_return(ret).issues == []
    assert validate_return(ret, year=year).issues == []
    report = validate(to_bytes(ret))
    assert (report.year, report.errors, report.queries) == (year, 0, 0)


def _sent_as(made: int, year: int) -> bytes:
    """A return made in ``made``'s format (and layout) whose header says ``year``."""
    ret = make_return(year=made)
    ret.header = make_header(year)
    ret.workers[1].values["RoleEndDate"] = f"{year}-03-31"
    return to_bytes(ret, load_spec(made))


def test_a_2024_format_return_sent_as_2025_is_caught() -> None:
    report = validate(_sent_as(2024, 2025))
    rules = {i.rule for i in report.issues}
    assert {"158Q", "150", "602Q", "909Q"} <= rules
    assert {i.field for i in report.issues if i.rule == "150"} >= {"RecruitmentBonus", "CostDBS"}


def test_a_2023_format_return_sent_as_2024_is_queried_not_blocked() -> None:
    report = validate(_sent_as(2023, 2024))
    assert report.errors == 0
    assert {(i.rule, i.field) for i in report.issues} == {("909Q", "GenderCurrent")}
    assert "Gender (GenderCurrent) is no longer collected from 2024; give Sex instead" in (
        report.issues[0].message
    )


def test_a_year_without_a_specification_is_a_clear_fatal_report_never_another_years_rules() -> None:
    for year in (2016, 2030):
        report = validate(
            to_bytes(make_return()).replace(b"<Year>2018<", f"<Year>{year}<".encode())
        )
        assert report.fatal is not None
        assert str(year) in report.fatal.message
        assert report.issues == []


def test_uncertain_facts_are_told_to_the_user() -> None:
    assert validate_return(make_return(year=2017)).notes == []
    for year, words in ((2024, "Sex"), (2025, "base salary"), (2026, "carried forward")):
        notes = validate_return(make_return(year=year)).notes
        assert any(words in n for n in notes), (year, notes)


def test_rules_know_their_years() -> None:
    assert RULES["205"].years == "2017–2023"
    assert RULES["224"].years == "2024 onwards"
    assert RULES["323"].years == "2021–2024"
    assert RULES["602Q"].years == "2025 onwards" and "225" not in RULES
    assert RULES["157"].years == "2017–2024" and RULES["158Q"].years == "2025 onwards"
    assert not RULES["155"].applies_to(2024) and RULES["155"].applies_to(2025)


def test_the_census_day_is_the_last_working_day_of_september() -> None:
    assert [str(load_spec(y).census_day) for y in (2017, 2018, 2022, 2023)] == [
        "2017-09-29",
        "2018-09-28",
        "2022-09-30",
        "2023-09-29",
    ]
    assert load_spec(2020).working_days == load_spec(2024).working_days == 254
    assert load_spec(2019).registration_body == "HCPC"
    assert load_spec(2020).registration_body == "Social Work England"


def _cli(*args: str) -> tuple[int, str]:
    from click.testing import CliRunner

    from csww.cli.main import cli

    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_the_command_line_refuses_a_year_it_cannot_check(tmp_path: pytest.TempPathFactory) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "r.xml"
    path.write_bytes(to_bytes(make_return(year=2025)))
    code, out = _cli("validate", str(path), "--year", "2024")
    assert code == 2 and "says it is the 2025 return" in out
    for bad in ("2016", "-5", "1999", "2031"):
        code, out = _cli("validate", str(path), "--year", bad)
        assert code == 2 and "Invalid value for '--year'" in out, (bad, out)
        code, out = _cli("rules", "--year", bad)
        assert code == 2, (bad, out)
    path.write_bytes(to_bytes(make_return(year=2025)).replace(b"<Year>2025<", b"<Year>2016<"))
    code, out = _cli("validate", str(path))
    assert code == 2 and "no specification for 2016: it is before 2017" in out
    path.write_bytes(to_bytes(make_return(year=2026)))
    code, out = _cli("validate", str(path))
    assert code == 0 and "carried forward" in out
