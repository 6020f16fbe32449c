"""Linked synthetic years: the same people carry on, at the rates stated."""

from __future__ import annotations

from collections import Counter

import pytest

from csww.engine import validate_return
from csww.flows import attrition
from csww.flows.store import Store
from csww.model import Return, category_of
from csww.synth import generate
from csww.synth.linked import Rates, next_year

LAS = ("301", "302", "303", "304", "305", "306", "307", "308")


@pytest.fixture(scope="module")
def years() -> tuple[list[Return], list[Return]]:
    first = [generate(2019, la, seed=3) for la in LAS]
    return first, next_year(first, seed=3)


def people(returns: list[Return], category: str) -> dict[str, tuple[str, dict[str, str]]]:
    return {
        w.values["SWENo"]: (r.lea or "", w.values)
        for r in returns
        for w in r.workers
        if category_of(w) == category
    }


def test_rates_are_honoured(years: tuple[list[Return], list[Return]]) -> None:
    before, after = years
    was = people(before, "inpost")
    left = people(after, "leaver")
    now, agency = people(after, "inpost"), people(after, "agency")
    leavers = [swe for swe in was if swe in left]
    assert 0.11 < len(leavers) / len(was) < 0.20  # Rates.leave = 0.154
    moved = sum(swe in now for swe in leavers) / len(leavers)
    into_agency = sum(swe not in now and swe in agency for swe in leavers) / len(leavers)
    assert 0.18 < moved < 0.37  # Rates.moved = 0.273
    assert 0.09 < into_agency < 0.25  # Rates.into_agency = 0.169
    stayed = [swe for swe in was if swe not in left]
    assert all(swe in now for swe in stayed)


def test_people_keep_their_details(years: tuple[list[Return], list[Return]]) -> None:
    """Those who stayed keep date of birth, sex and start; FTE30 is last year's FTE."""
    before, after = years

    def posts(returns: list[Return]) -> dict[tuple[str, str], list[dict[str, str]]]:
        out: dict[tuple[str, str], list[dict[str, str]]] = {}
        for r in returns:
            for w in r.workers:
                if category_of(w) == "inpost":
                    out.setdefault((r.lea or "", w.values["SWENo"]), []).append(w.values)
        return out

    was, now = posts(before), posts(after)
    stayers = [k for k in now if k in was and len(now[k]) == len(was[k])]
    assert len(stayers) > 0.7 * len(was)
    for k in stayers:
        old, new = was[k], now[k]
        if {v["RoleStartDate"] for v in new} != {v["RoleStartDate"] for v in old}:
            continue  # left and came back to the same LA
        assert {v["PersonBirthDate"] for v in new} == {v["PersonBirthDate"] for v in old}
        assert {v["GenderCurrent"] for v in new} == {v["GenderCurrent"] for v in old}
        assert sorted(v["FTE30"] for v in new) == sorted(v["FTE"] for v in old)


def test_linked_returns_have_no_errors(years: tuple[list[Return], list[Return]]) -> None:
    errors = Counter(
        i.rule for r in years[1] for i in validate_return(r).issues if i.severity == "error"
    )
    assert not errors


def test_same_seed_same_year_and_rates_checked(years: tuple[list[Return], list[Return]]) -> None:
    again = next_year([generate(2019, la, seed=3) for la in LAS], seed=3)
    assert again == years[1]
    with pytest.raises(ValueError, match="between 0 and 1"):
        Rates(leave=1.5)
    with pytest.raises(ValueError, match="more than 1"):
        Rates(moved=0.7, into_agency=0.5)


def test_attrition_matches_a_direct_count(years: tuple[list[Return], list[Return]]) -> None:
    """The store's figures equal a plain count over the returns, done independently here."""
    after = years[1]
    employed = {w.values["SWENo"] for r in after for w in r.workers if category_of(w) == "inpost"}
    agency = set(people(after, "agency"))
    totals = Counter()
    for r in after:
        for w in r.workers:
            fte = round(float(w.values.get("FTE", "0")) * 1000)
            if category_of(w) == "inpost":
                totals["inpost"] += fte
            elif category_of(w) == "leaver":
                swe = w.values["SWENo"]
                outcome = "moved" if swe in employed else "agency" if swe in agency else "full"
                totals[outcome] += fte
    with Store(b"sixteen bytes of salt!") as store:
        for r in after:
            store.load_return(r)
        national = attrition.rows(attrition.measure(store, 2020))[0]
    assert national["geographic_level"] == "National"
    assert float(national["moved_fte"]) == pytest.approx(totals["moved"] / 1000, abs=0.05)
    assert float(national["full_attrition_fte"]) == pytest.approx(totals["full"] / 1000, abs=0.05)
    rate = 100 * (totals["agency"] + totals["full"]) / totals["inpost"]
    assert float(national["attrition_rate"]) == pytest.approx(rate, abs=0.05)


def test_linked_years_are_continuous(years: tuple[list[Return], list[Return]]) -> None:
    """Each LA's linked return against its own previous one raises no continuity query
    (a person's date of birth, sex, start and FTE30 carry over), a year further on too."""
    before, after = years
    later = next_year(after, seed=3)
    for old, new in ((before, after), (after, later)):
        last = {r.lea: r for r in old}
        queries = Counter(
            i.rule
            for r in new
            for i in validate_return(r, previous=last[r.lea]).issues
            if i.rule.startswith("72")
        )
        assert not queries
