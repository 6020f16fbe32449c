"""What varies by collection year lives in ``src/csww/spec/`` and nowhere else.

A year-varying name is any element that some year's specification lacks, any section whose
XML name differs between years, and any alias. No Python module outside ``spec/`` may name
one in a string, except the rulebook's declarations (``rules/``), whose rules carry the years
they apply to. Everything else asks the year's specification (by concept: "sex",
"base_salary", ...).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from csww.spec import available_years, load_spec

ROOT = Path(__file__).resolve().parents[2]
ALLOWED = ("src/csww/spec/", "src/csww/rules/")


def year_varying_names() -> set[str]:
    specs = [load_spec(y) for y in available_years()]
    items = [set(s.worker) | set(s.la) for s in specs]
    names = set.union(*items) - set.intersection(*items)
    for part in ("message", "header", "la", "worker"):
        seen = {getattr(s.sections, part) for s in specs}
        if len(seen) > 1:
            names |= seen
    for s in specs:
        names |= set(s.aliases)
    return names


def offenders(base: Path, names: set[str]) -> list[str]:
    pattern = re.compile(r"\b(" + "|".join(sorted(names)) + r")\b")
    found = []
    for path in sorted((base / "src").rglob("*.py")):
        rel = str(path.relative_to(base))
        if rel.startswith(ALLOWED):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                for name in pattern.findall(node.value):
                    found.append(f"{rel}:{node.lineno}: {name}")
    return found


def test_the_year_varying_names_are_the_sourced_changes() -> None:
    names = year_varying_names()
    assert {"GenderCurrent", "Sex", "LALevelVacancies", "LALevel", "QualInst"} <= names
    assert {"CFKSSstatus", "BaseSalary", "RRPayments", "OtherPayments", "CostSWE"} <= names
    assert not {"SWENo", "FTE", "RoleEndDate", "NumberOfVacancies"} & names


def test_no_module_outside_the_spec_names_what_varies_by_year() -> None:
    names = year_varying_names()
    assert offenders(ROOT, names) == []


def test_the_check_finds_a_name_where_one_is_written(tmp_path: Path) -> None:
    """The check above can fail: it finds a year-varying name in a module that writes one."""
    (tmp_path / "src" / "csww" / "spec").mkdir(parents=True)
    (tmp_path / "src" / "csww" / "spec" / "ok.py").write_text('A = "Sex"\n', encoding="utf-8")
    (tmp_path / "src" / "csww" / "probe.py").write_text(
        '"""Reads GenderCurrent."""\nELEMENT = "LALevel"\n', encoding="utf-8"
    )
    assert offenders(tmp_path, year_varying_names()) == [
        "src/csww/probe.py:1: GenderCurrent",
        "src/csww/probe.py:2: LALevel",
    ]
