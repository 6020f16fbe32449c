"""Statistics speak every year: the sex breakdown from whichever item the year has, and the
2025 pay statistics, on hand-written returns whose figures are worked out here."""

from __future__ import annotations

from csww.stats.collect import measure_return
from csww.stats.pay import rows
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
        if r["measure"].startswith("Median")
    }
    assert salary[("Local authority", "Case Holder")] == ("5", "32000")
    assert salary[("Local authority", "First Line Manager")] == ("1", "c")  # one person: suppressed
    assert salary[("Local authority", "All roles")] == ("6", "36000")  # (32000 + 40000) / 2
    assert salary[("National", "All roles")] == ("6", "36000")
    offered = {
        (r["geographic_level"], r["measure"]): r["value"]
        for r in out
        if not r["measure"].startswith("Median")
    }
    assert offered[("Local authority", "Recruitment bonus offered")] == "Yes, some eligible"
    assert offered[("Local authority", "Retention bonus offered")] == "No"
    assert offered[("National", "Recruitment bonus offered")] == "100.0"
    assert offered[("National", "Retention bonus offered")] == "0.0"


def test_a_year_without_pay_items_gives_no_pay_rows() -> None:
    measured = measure_return(make_return(year=2024), pay=True)
    assert measured.pay is not None and rows([measured.pay]) == []
