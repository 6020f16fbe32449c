"""The statistics computed over typed columns give exactly what the record-by-record tallies
gave (``record_tallies.py``), figure for figure: measures, breakdowns and pay, on synthetic
returns of every year 2017-2026 made messy on purpose (values missing, empty, malformed,
huge, on the period's edges; people with several records; agency workers who left), one
return at a time, many returns of several years in one batch, and from XML files."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from csww import write
from csww.model import Record, Return
from csww.spec import available_years, period_of
from csww.stats.batch import read_return
from csww.stats.collect import Measured, measure_paths, measure_reads, measure_return
from csww.stats.fastread import records
from csww.synth import generate
from tests.stats.record_tallies import measure

YEARS = [y for y in available_years() if 2017 <= y <= 2026]
LAS = ("330", "891")  # Birmingham-sized and a small LA
NUMBERS = (
    "",
    "0",
    "1",
    "0.5",
    "1.0",
    "-1",
    "abc",
    "1e3",
    "1e30",
    "nan",
    "inf",
    " 0.8 ",
    "0.1234567",
)
COUNTS = ("", "0", "3", "03", "-2", "x", "99999999999999999999999", "١٢")
CODES = ("", "0", "1", "2", "9", "05", "x", "WBRI", "ZZZZ")


def _days(year: int) -> list[str]:
    p = period_of(year)
    assert p is not None
    edges = [p.start, p.reference_date, p.census_day, p.start - timedelta(days=1)]
    edges += [p.census_day - timedelta(days=1), p.reference_date + timedelta(days=1)]
    texts = [d.isoformat() for d in edges]
    others = ["", "2018-01-04Z", f"{year}-13-01", "garbage", "1980-02-29", "-100-01-01"]
    return [*texts, *others, f"{year - 1}-12-01é", "２０１７-01-04", f"{year - 1}-11-1x"]


def messy(ret: Return, seed: int) -> Return:
    """A copy of ``ret`` with about a third of its records changed in one way or another."""
    rng = random.Random(seed)
    year = ret.year or 0
    days = _days(year)
    workers = [Record(values=dict(w.values)) for w in ret.workers]
    for rec in list(workers):
        v = rec.values
        roll = rng.random()
        if roll < 0.05:
            workers.append(Record(values={**v, "FTE": rng.choice(NUMBERS), "OrgRole": "3"}))
        elif roll < 0.12:
            v[rng.choice(("FTE", "WorkingDaysLost", "ContractWeeks"))] = rng.choice(NUMBERS)
        elif roll < 0.17:
            v["Cases30"] = rng.choice(COUNTS)
        elif roll < 0.25:
            v[rng.choice(("RoleStartDate", "RoleEndDate", "PersonBirthDate"))] = rng.choice(days)
        elif roll < 0.30:
            element = rng.choice(
                ("OrgRole", "Ethnicity", "AgencyWorker", "Absat30Sept", "QualLevel")
            )
            v[element] = rng.choice(CODES)
        elif roll < 0.34:
            v.pop(rng.choice(sorted(v)), None)
        elif roll < 0.37:
            v["SWENo"] = rng.choice(("", "SW1", v.get("SWENo", "")))
        elif roll < 0.39 and v.get("AgencyWorker") == "1":
            v["RoleEndDate"] = rng.choice(days)
        elif roll < 0.41:
            for element in v:  # a pay item, a payment, a code of another year, anything
                if rng.random() < 0.2:
                    v[element] = rng.choice((*NUMBERS, *CODES))
    workers.append(Record(values={}))  # a record with no item at all
    la = Record(values=dict(ret.la.values)) if ret.la is not None else None
    if la is not None and rng.random() < 0.5:
        la.values["NumberOfVacancies"] = rng.choice(NUMBERS)
    return Return(header=ret.header, la=la, workers=workers)


@pytest.fixture(scope="module")
def returns() -> list[Return]:
    out = []
    for year in YEARS:
        for n, la in enumerate(LAS):
            out.append(messy(generate(year, la, seed=3), seed=year * 10 + n))
    return out


def _same(got: Measured, ret: Return, source: str | None = None) -> None:
    measures, breakdowns, pay = measure(ret)
    if source is not None:
        measures = replace(measures, sources=[source])
    assert got.measures == measures
    assert got.breakdowns is not None and got.pay is not None
    assert dict(got.breakdowns.cells) == dict(breakdowns.cells)
    assert (got.breakdowns.year, got.breakdowns.lea) == (breakdowns.year, breakdowns.lea)
    assert got.pay.salaries == pay.salaries
    assert got.pay.payments == pay.payments
    assert got.pay.paid_people == pay.paid_people
    assert got.pay.incentives == pay.incentives


def test_the_returns_are_messy_enough(returns: list[Return]) -> None:
    """The fuzzing reaches what it is for: unreadable FTEs, huge sums, agency leavers."""
    texts = [w.values.get("FTE") for r in returns for w in r.workers]
    assert "abc" in texts and "1e30" in texts and None in texts
    m = [measure(r)[0] for r in returns]
    assert any(x.notes.get("agency_with_leaving_date") for x in m)
    assert any((x.totals["inpost_fte"] or 0) > 2**63 for x in m)  # past a 64-bit integer


def test_each_return_alone(returns: list[Return]) -> None:
    for ret in returns:
        _same(measure_return(ret, breakdowns=True, pay=True), ret)


def test_every_year_in_one_batch(returns: list[Return]) -> None:
    shuffled = list(returns)
    random.Random(1).shuffle(shuffled)
    got = measure_reads([read_return(r) for r in shuffled], breakdowns=True, pay=True)
    assert len(got) == len(shuffled)
    for measured, ret in zip(got, shuffled, strict=True):
        _same(measured, ret)


def test_from_xml_files(returns: list[Return], tmp_path: Path) -> None:
    """Read by the lean reader as columns, and record by record as the tallies were fed."""
    paths = []
    for n, ret in enumerate(returns):
        path = tmp_path / f"{n:02d}-{ret.year}-{ret.lea}.xml"
        write(ret, path)
        paths.append(path)
    got = measure_paths([tmp_path], breakdowns=True)
    assert [m.measures.sources for m in got] == [[str(p)] for p in paths]
    for measured, path in zip(got, paths, strict=True):
        header, la, workers = Record(values={}), None, []
        for kind, rec in records(path):
            if kind == "header" and not header.values:
                header = rec
            elif kind == "la":
                la = rec
            elif kind == "worker":
                workers.append(rec)
        read = Return(header=header, la=la, workers=workers)
        measures, breakdowns, _pay = measure(read)
        assert measured.measures == replace(measures, sources=[str(path)])
        assert measured.breakdowns is not None
        assert dict(measured.breakdowns.cells) == dict(breakdowns.cells)


def test_a_return_of_no_year_and_of_no_worker() -> None:
    ret = generate(2019, "891", seed=3)
    empty = Return(header=Record(values={}), la=None, workers=[])
    got = measure_return(empty, breakdowns=True, pay=True)
    assert got.measures.workers == 0 and got.measures.totals["inpost_headcount"] == 0
    no_year = Return(header=Record(values={}), la=ret.la, workers=ret.workers)
    measured = measure_return(no_year).measures
    assert measured.year == 0 and measured.workers == len(ret.workers)
    # No year, no collection period: nobody starts in it (as the tallies gave).
    assert measured == measure(no_year)[0]
    assert measured.totals["starters_headcount"] == 0
