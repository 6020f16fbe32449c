"""Statistics speak every year: the sex breakdown from whichever item the year has, and the
2025 pay statistics, on hand-written returns whose figures are worked out here."""

from __future__ import annotations

from csww.stats.collect import measure_return
from csww.stats.pay import SALARY_MEASURES, rows
from tests.factories import make_la, make_return, make_worker


def test_the_sex_breakdown_reads_the_years_own_item() -> None:
    for year, name in ((2022, "Gender"), (2024, "Sex"), (2025, "Sex")):
        ret = make_return(year=year)
        b = measure_return(ret, breakdowns=True).breakdowns
        assert b is not None
        # The one worker in post is female (the factory's 2, or F from 2024); nobody "not known".
        assert b.share("in post", name) == {"Female": 1}, year


def test_2024_headcount_dedups_on_sex_not_a_missing_gender() -> None:
    """Two records of one person (same number, birth date, sex, ethnicity) are one head."""
    workers = [
        make_worker("inpost", 2024, SWENo="SW1", FTE="0.5"),
        make_worker("inpost", 2024, SWENo="SW1", FTE="0.5", OrgRole="3"),
        make_worker("inpost", 2024, SWENo="SW1", FTE="0.5", Sex="M"),  # a different person
    ]
    m = measure_return(make_return(workers, year=2024)).measures
    assert m.totals["inpost_headcount"] == 2


def test_pay_statistics_worked_by_hand() -> None:
    salaries = ["30000", "31000", "32000", "40000", "41000"]  # five case holders: median 32000
    workers = [
        make_worker("inpost", 2025, SWENo=f"SW{n}", BaseSalary=s) for n, s in enumerate(salaries)
    ]
    workers.append(make_worker("inpost", 2025, SWENo="SW9", OrgRole="3", BaseSalary="52000"))
    workers.append(make_worker("leaver", 2025, SWENo="SW8", BaseSalary="99999"))  # not in post
    workers.append(make_worker("agency", 2025, SWENo="SW7"))
    ret = make_return(workers, year=2025, lea="330")
    ret.la = make_la(2025, RecruitmentBonus="2", RetentionBonus="0")
    measured = measure_return(ret, pay=True)
    assert measured.pay is not None
    out = rows([measured.pay])
    salary = {
        (r["geographic_level"], r["category"]): (r["headcount"], r["value"])
        for r in out
        if r["measure"] == SALARY_MEASURES["all"]
    }
    assert salary[("Local authority", "Case Holder")] == ("5", "32000")
    assert salary[("Local authority", "First Line Manager")] == ("1", "c")  # one person: suppressed
    assert salary[("Local authority", "All roles")] == ("6", "36000")  # (32000 + 40000) / 2
    assert salary[("National", "All roles")] == ("6", "36000")
    offered = {
        (r["geographic_level"], r["measure"]): r["value"] for r in out if "offered" in r["measure"]
    }
    assert offered[("Local authority", "Recruitment bonus offered")] == "Yes, some eligible"
    assert offered[("Local authority", "Retention bonus offered")] == "No"
    assert offered[("National", "Recruitment bonus offered")] == "100.0"
    assert offered[("National", "Retention bonus offered")] == "0.0"


def test_a_year_without_pay_items_gives_no_pay_rows() -> None:
    measured = measure_return(make_return(year=2024), pay=True)
    assert measured.pay is not None and rows([measured.pay]) == []


def _pay_rows(workers: list, lea: str = "330") -> dict[tuple[str, str], tuple[str, str]]:
    ret = make_return(workers, year=2025, lea=lea)
    measured = measure_return(ret, pay=True)
    assert measured.pay is not None
    return {
        (r["measure"], r["category"]): (r["headcount"], r["value"])
        for r in rows([measured.pay])
        if r["geographic_level"] == "Local authority"
    }


def test_a_person_in_two_roles_is_counted_once_in_all_roles() -> None:
    """DfE counts a person once: two posts of one worker are one salary in "All roles"."""
    workers = [
        make_worker("inpost", 2025, SWENo=f"SW{n}", BaseSalary=f"{30000 + 1000 * n}")
        for n in range(5)
    ]
    workers.append(
        make_worker("inpost", 2025, SWENo="SW0", OrgRole="6", Cases30="0", BaseSalary="30000")
    )
    out = _pay_rows(workers)
    assert out[(SALARY_MEASURES["all"], "All roles")] == ("5", "32000")


def test_full_time_salaries_are_stated_apart_from_part_time_ones() -> None:
    """The basis is in the measure's name: part-time salaries (perhaps pro rata) stay out of
    the full-time median."""
    full = [make_worker("inpost", 2025, SWENo=f"SW{n}", BaseSalary="40000") for n in range(5)]
    part = [
        make_worker("inpost", 2025, SWENo=f"SW5{n}", FTE="0.5", BaseSalary="20000")
        for n in range(6)
    ]
    out = _pay_rows(full + part)
    assert out[(SALARY_MEASURES["full time"], "All roles")] == ("5", "40000")
    assert out[(SALARY_MEASURES["all"], "All roles")] == ("11", "20000")
    assert "pro rata" in SALARY_MEASURES["all"] and "FTE 1" in SALARY_MEASURES["full time"]


def test_median_salary_rounds_half_up() -> None:
    """Six salaries whose median is 32500.50: half up gives 32501 (half-to-even, 32500)."""
    salaries = ["30000", "31000", "32000.01", "33000.99", "40000", "41000"]
    workers = [
        make_worker("inpost", 2025, SWENo=f"SW{n}", BaseSalary=s) for n, s in enumerate(salaries)
    ]
    assert _pay_rows(workers)[(SALARY_MEASURES["all"], "All roles")] == ("6", "32501")


def test_recruitment_and_retention_and_other_payments_are_summarised() -> None:
    workers = [
        make_worker("inpost", 2025, SWENo=f"SW{n}", RRPayments=str(1000 * (n + 1)))
        for n in range(5)
    ]
    workers += [make_worker("inpost", 2025, SWENo=f"SW6{n}", RRPayments="0") for n in range(3)]
    workers.append(make_worker("inpost", 2025, SWENo="SW70", OtherPayments="250.50"))
    out = _pay_rows(workers)
    rr = "Recruitment and retention payments"
    assert out[
        (f"{rr}: % of social workers in post with pay recorded receiving them", "All roles")
    ] == (
        "9",
        "55.6",
    )
    assert out[(f"{rr}: median amount (£) among those receiving them", "All roles")] == (
        "5",
        "3000",
    )
    other = "Other payments: median amount (£) among those receiving them"
    assert out[(other, "All roles")] == ("1", "c")  # one person: suppressed
