"""A new collection year is data only: a fictional 2027 added as one TOML file, in a copy
of the package, and nothing else changed. It has one new item, one new leaving-reason code
and one item no longer collected; the template, validation, the statistics' labels and synth
all follow it (docs/adding-a-year.md)."""

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

[timetable]
reference_date = 2027-09-30
census_day = 2027-09-30

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
