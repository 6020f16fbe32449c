"""A new collection year is data only: a fictional 2027 added as one TOML file, in a copy
of the package, and nothing else changed. It has one new item, one new leaving-reason code
and one item no longer collected, and its census moves to 31 August (an eleven-month year
from 1 October 2026); the template, validation, the statistics (labels, starters, cases on
the census day), the flows store (ages, starters, retention cohorts) and synth (alone and
linked to 2026) all follow it (docs/adding-a-year.md)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
YEAR_2027 = """
# A fictional year: one new item, one new code, one item removed.
extends = 2026

[collection]
year = 2027
guide = "A fictional 2027 (a test that adding a year needs data only)"
working_days = 253

# The census moves to 31 August: a short year, from 1 October 2026 to 31 August 2027.
[timetable]
reference_date = 2027-08-31
census_day = 2027-08-31
period_start = 2026-10-01

[remove]
worker = ["ContractWeeks"]

[codelists.ReasonLeave]
"11" = "Left to sail around the world"

[worker.HybridDays]
number = 28
name = "Days a week worked from home"
section = "General Data Items"
type = "integer"
min = 0
max = 5
source = "fictional"
status = { inpost = "voluntary", leaver = "voluntary", agency = "not_applicable" }

[[facts]]
what = "A fictional year"
source = "none"
confidence = "assumption"
note = "A fictional year, made for a test."
"""

CHECK = r"""
import json, sys
from pathlib import Path
from csww import read, validate, write
from csww.sheets.template import build_workbook
from csww.spec import available_years, load_spec
from csww.stats.collect import measure_return
from csww.synth import generate

out = {"years": available_years()}
spec = load_spec(2027)
book = build_workbook(spec)[0]
sheet = book["Workers"]
out["template_columns"] = [c.value for c in sheet[3] if c.value]

ret = generate(2027, "301", seed=1)
path = Path(sys.argv[1]) / "r2027.xml"
write(ret, path)
out["synth_items"] = sorted({e for w in ret.workers for e in w.values})
clean = validate(path)
out["clean"] = [clean.year, clean.errors, sorted({i.rule for i in clean.issues})]

# One worker gives the new item badly, one the removed item, one leaver the new code.
ret = read(path)
inpost = next(w for w in ret.workers if not w.values.get("RoleEndDate")
              and w.values.get("AgencyWorker") == "0")
leaver = next(w for w in ret.workers if w.values.get("RoleEndDate"))
inpost.values["HybridDays"] = "9"
inpost.values["ContractWeeks"] = "12"
leaver.values["ReasonLeave"] = "11"
write(ret, path)
report = validate(path)
out["issues"] = sorted({(i.rule, i.field, i.value) for i in report.issues
                        if i.field in ("HybridDays", "ContractWeeks", "ReasonLeave")})
measured = measure_return(read(path), breakdowns=True)
out["reasons"] = sorted(measured.breakdowns.share("leavers", "Reason for leaving"))

# The census day is the spec's: synth writes and dates the year by it.
clean_ret = generate(2027, "301", seed=1)
out["header"] = [clean_ret.header.values["ReferenceDate"], clean_ret.header.values["DateTime"]]
starts = [w.values["RoleStartDate"] for w in clean_ret.workers if w.values.get("RoleStartDate")]
ends = [w.values["RoleEndDate"] for w in clean_ret.workers if w.values.get("RoleEndDate")]
out["latest_start_end"] = [max(starts), max(ends), min(ends)]
from csww.synth.linked import next_year
linked = next_year([generate(2026, "301", seed=1), generate(2026, "302", seed=1)], seed=1)
out["linked_header"] = sorted({r.header.values["ReferenceDate"] for r in linked})
out["linked_latest"] = max(w.values.get("RoleEndDate") or w.values.get("RoleStartDate", "")
                           for r in linked for w in r.workers)

# Statistics: a starter inside the short year and one after its end (in September, inside
# the year as it used to be); a leaver on the census day with cases, one after it.
from csww.model import Record, Return
worker = dict(inpost.values)
def person(n, **values):
    v = {**worker, "SWENo": f"SW99{n}", **values}
    return Record(values={k: x for k, x in v.items() if x is not None})
small = Return(header=ret.header, la=ret.la, workers=[
    person(1, RoleStartDate="2026-10-15", Cases30="0"),
    person(2, RoleStartDate="2027-09-10", Cases30="0"),
    person(3, RoleEndDate="2027-08-31", Cases30="7"),
    person(4, RoleEndDate="2027-09-15", Cases30="5"),
])
totals = measure_return(small, year=2027).measures.totals
out["stats"] = [totals["starters_headcount"], totals["cases"], totals["inpost_headcount"]]

# The flows store: ages at the census date, starters and cohorts of the short year.
from csww.flows import movement, retention
from csww.flows.store import Store
aged = Return(header=ret.header, la=ret.la, workers=[
    person(5, PersonBirthDate="1980-09-15", RoleStartDate="2026-10-15"),
    person(6, PersonBirthDate="1980-08-15", RoleStartDate="2027-09-10"),
])
with Store(b"a salt for a fictional year test." * 2) as store:
    store.load_return(aged)
    out["ages"] = [a for (a,) in store.query("SELECT age FROM workers ORDER BY seq")]
    out["starters"] = sum(f.headcount for f in movement.flows(store, 2027)
                          if f.direction == "starters")
    store.periods()
    out["periods"] = [str(d) for d in store.query(
        "SELECT first_day, reference_date, census_day FROM periods")[0]]
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def fictional(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("fictional")
    package = root / "src"
    shutil.copytree(
        ROOT / "src" / "csww", package / "csww", ignore=shutil.ignore_patterns("__pycache__")
    )
    (package / "csww" / "spec" / "data" / "2027.toml").write_text(YEAR_2027)
    env = {**os.environ, "PYTHONPATH": str(package)}
    done = subprocess.run(
        [sys.executable, "-c", CHECK, str(root)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_the_year_is_known_from_its_file_alone(fictional: dict[str, object]) -> None:
    years = fictional["years"]
    assert isinstance(years, list) and years[-1] == 2027


def test_the_template_has_the_new_item_and_not_the_removed_one(
    fictional: dict[str, object],
) -> None:
    columns = fictional["template_columns"]
    assert isinstance(columns, list)
    assert "HybridDays" in columns and "ContractWeeks" not in columns


def test_synth_writes_a_clean_return_of_the_year(fictional: dict[str, object]) -> None:
    items = fictional["synth_items"]
    assert isinstance(items, list) and "ContractWeeks" not in items
    year, errors, _rules = fictional["clean"]  # type: ignore[misc]
    assert (year, errors) == (2027, 0)


def test_validation_follows_the_new_item_code_and_removal(fictional: dict[str, object]) -> None:
    issues = {tuple(i) for i in fictional["issues"]}  # type: ignore[attr-defined]
    assert ("328", "HybridDays", "9") in issues  # the new item's own format rule
    assert ("909Q", "ContractWeeks", "12") in issues  # no longer collected: a query
    assert not [i for i in issues if i[1] == "ReasonLeave"]  # the new code is valid


def test_statistics_label_the_new_code_by_its_name(fictional: dict[str, object]) -> None:
    reasons = fictional["reasons"]
    assert isinstance(reasons, list)
    assert "Left to sail around the world" in reasons
    assert not [r for r in reasons if "not a valid code" in r]


def test_synth_dates_the_year_by_its_own_census(fictional: dict[str, object]) -> None:
    assert fictional["header"] == ["2027-08-31", "2027-09-20T09:30:00"]
    latest_start, latest_end, earliest_end = fictional["latest_start_end"]  # type: ignore[misc]
    assert latest_start <= "2027-08-31" and latest_end <= "2027-08-31"
    assert earliest_end >= "2026-10-01"
    assert fictional["linked_header"] == ["2027-08-31"]
    linked_latest = fictional["linked_latest"]
    assert isinstance(linked_latest, str) and linked_latest <= "2027-08-31"


def test_statistics_follow_the_years_census_day(fictional: dict[str, object]) -> None:
    """One starter in the short year (not the September one), and the cases of the leaver
    on the census day (not of the one who left after it)."""
    assert fictional["stats"] == [1, 7, 2]


def test_the_flows_store_follows_the_years_census_day(fictional: dict[str, object]) -> None:
    """Ages at 31 August (46 for a birthday in mid-September, 47 for mid-August); one
    starter of the short year; the periods table says the spec's days."""
    assert fictional["ages"] == [46, 47]
    assert fictional["starters"] == 1
    assert fictional["periods"] == ["2026-10-01", "2027-08-31", "2027-08-31"]
