"""Synthetic returns: valid, deterministic, realistic, and written like real returns."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from csww import read, validate, validate_return
from csww.model import Return, category_of
from csww.stats.collect import measure_return
from csww.synth import UnknownLA, generate, la_codes, targets, write_all
from csww.writer import to_bytes

# Queries a synthetic return may raise, each because of what it must reproduce:
# 103Q no specification for years after 2018; 416Q a leaver's FTE30 carries the leavers' FTE
# (docs/methodology.md); 532Q a starter who left within the year, to whom the generator gives
# FTE 0 so that the leavers' FTE matches the published total (a leaver with FTE 0 is queried
# from 2018); the rest only where the published figures themselves imply it.
EXPECTED_QUERIES = {
    "103Q",
    "416Q",
    "532Q",
    "173Q",
    "521Q",
    "706Q",
    "802Q",
    "803Q",
    "804Q",
    "805Q",
    "807Q",
}


def test_every_synthetic_return_validates_with_no_errors(
    synthetic_years: dict[int, dict[str, Return]],
) -> None:
    queries: Counter[str] = Counter()
    for year, returns in synthetic_years.items():
        for code, ret in returns.items():
            report = validate_return(ret)
            assert report.errors == 0, (
                year,
                code,
                [i.rule for i in report.issues if i.severity == "error"],
            )
            queries.update(i.rule for i in report.issues)
    assert set(queries) <= EXPECTED_QUERIES, queries
    leavers = sum(
        1
        for rs in synthetic_years.values()
        for r in rs.values()
        for w in r.workers
        if category_of(w) == "leaver"
    )
    assert queries["416Q"] <= leavers
    assert queries["532Q"] <= leavers
    # Apart from the two explained above, queries are rare: under 1 in 1,000 records.
    records = sum(len(r.workers) for rs in synthetic_years.values() for r in rs.values())
    rare = sum(n for rule, n in queries.items() if rule not in ("103Q", "416Q", "532Q"))
    assert rare < records / 1000, queries
    assert queries["103Q"] == 0  # every year now has its own specification
    # Each year is written in its own format: 2024's workers give Sex, not GenderCurrent.
    workers_2024 = [w for r in synthetic_years[2024].values() for w in r.workers]
    assert all("GenderCurrent" not in w.values for w in workers_2024)
    assert {w.values.get("Sex") for w in workers_2024 if category_of(w) != "agency"} == {"M", "F"}


def test_same_seed_same_return_and_another_seed_another() -> None:
    first, again, other = (
        generate(2019, "886", seed=3),
        generate(2019, "886", seed=3),
        generate(2019, "886", seed=4),
    )
    assert to_bytes(first) == to_bytes(again)
    assert to_bytes(first) != to_bytes(other)
    # Different people, the same published totals.
    assert measure_return(first).measures.totals == measure_return(other).measures.totals


def test_scale_multiplies_the_workforce() -> None:
    base, big = generate(2022, "330"), generate(2022, "330", scale=3.0)
    ratio = len(big.workers) / len(base.workers)
    assert 2.8 < ratio < 3.2
    assert validate_return(big).errors == 0


def test_returns_look_like_a_real_workforce(synthetic_years: dict[int, dict[str, Return]]) -> None:
    ret = synthetic_years[2018]["383"]  # Leeds: about 700 social workers
    workers = ret.workers
    cats = Counter(category_of(w) for w in workers)
    assert cats["inpost"] > 500 and cats["leaver"] > 30 and cats["agency"] >= 1
    inpost = [w for w in workers if category_of(w) == "inpost"]
    female = sum(w.values["GenderCurrent"] == "2" for w in inpost) / len(inpost)
    assert 0.75 < female < 0.95
    ages = sorted(2018 - int(w.values["PersonBirthDate"][:4]) for w in inpost)
    assert 36 <= ages[len(ages) // 2] <= 48 and ages[0] >= 20 and ages[-1] <= 70
    assert len({w.values["Ethnicity"] for w in inpost}) >= 8
    assert {w.values["OrgRole"] for w in inpost} == {"1", "2", "3", "4", "5", "6"}
    part_time = sum(float(w.values["FTE"]) < 1 for w in inpost) / len(inpost)
    assert 0.08 < part_time < 0.45
    assert any(w.values.get("Absat30Sept") == "1" for w in inpost)


def test_returns_hold_the_awkward_cases_the_guide_describes() -> None:
    kinds: Counter[str] = Counter()
    for code in ("330", "383", "886", "850", "919", "926"):
        ret = generate(2021, code)
        by_person: dict[str, list] = {}
        for w in ret.workers:
            by_person.setdefault(w.values["SWENo"], []).append(w)
        for posts in by_person.values():
            cats = [category_of(w) for w in posts]
            if cats.count("inpost") == 2:
                kinds["two roles"] += 1
            if "leaver" in cats and "inpost" in cats:
                kinds["left and came back"] += 1
        for w in ret.workers:
            start, end = w.values.get("RoleStartDate", ""), w.values.get("RoleEndDate", "")
            if end and start >= "2020-10-01":
                kinds["started and left in the year"] += 1
            if category_of(w) == "agency" and int(w.values["Cases30"]) > 0:
                kinds["agency worker with cases"] += 1
    assert all(
        kinds[k] > 0
        for k in (
            "two roles",
            "left and came back",
            "started and left in the year",
            "agency worker with cases",
        )
    ), kinds


def test_published_symbols_are_imputed_and_said_so() -> None:
    # Birmingham 2024: agency, cover, cases and absence published as u (low reliability).
    t = targets(2024, "330")
    assert {"agency_fte", "cases", "working_days_lost_fte"} <= set(t.imputed)
    assert t.values["agency_fte"] > 0 and t.values["cases"] > 0
    # Kensington and Chelsea 2025: a whole row of x; the nearest year is used, as DfE did.
    whole = targets(2025, "207")
    assert "2024 row" in whole.imputed["inpost_fte"]
    assert validate_return(generate(2025, "207")).errors == 0


def test_joint_return_and_code_changes() -> None:
    assert generate(2019, "318").lea == "314"
    assert targets(2022, "941").unit == "940 / 941"
    assert "838" in la_codes(2019) and "835" not in la_codes(2019)
    with pytest.raises(UnknownLA):
        generate(2017, "838")


def test_write_all_writes_returns_that_read_back_and_validate(tmp_path: Path) -> None:
    paths = write_all(2020, tmp_path, seed=1, las=["420", "201", "314"])
    assert [p.name for p in paths] == [
        "csww_2020_420.xml",
        "csww_2020_201.xml",
        "csww_2020_314.xml",
    ]
    for path in paths:
        assert validate(path).errors == 0
        assert read(path) == generate(2020, path.stem.split("_")[2], seed=1)
