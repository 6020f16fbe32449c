"""``csww cla validate`` and ``csww cla rules``: exit codes, formats, the generated rules doc."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from csww.cla.rules import CLA_RULES
from csww.cla.rules.listing import markdown
from csww.cli.main import cli
from tests.paths import SHARED

FAKE = SHARED / "reference/ssda903/d2i_903/fake_data/fake_903.xml"
DOCS = Path(__file__).resolve().parents[2] / "docs"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["cla", *args])
    return result.exit_code, result.output


def test_rules_doc_does_not_drift() -> None:
    assert (DOCS / "cla-rules.md").read_text(encoding="utf-8") == markdown(CLA_RULES)


def test_rules_lists_the_year() -> None:
    code, out = run("rules", "--year", "2016")
    assert code == 0
    assert len(out.strip().splitlines()) == len(CLA_RULES.for_year(2016))
    code, out = run("rules", "--format", "csv")
    assert code == 0 and out.startswith("rule,severity,years,table")
    code, out = run("rules", "--year", "2014")
    assert code == 2 and "2015 to 2027" in out


def test_validate_json_and_exit_code(tmp_path: Path) -> None:
    code, out = run("validate", str(FAKE), "--la", "202", "--format", "json")
    data = json.loads(out)
    assert code == (0 if data["valid"] else 1)
    assert data["collection"] == "cla" and data["la"] == "202" and data["year"] == 2019
    target = tmp_path / "r.xlsx"
    code, _ = run("validate", str(FAKE), "--la", "202", "--format", "xlsx", "-o", str(target))
    assert target.exists() and code in (0, 1)


def test_validate_refuses_a_bad_la_and_an_unreadable_file(tmp_path: Path) -> None:
    code, out = run("validate", str(FAKE), "--la", "99")
    assert code == 2 and "DfE LA code" in out
    bad = tmp_path / "x.xml"
    bad.write_bytes(b"%PDF-1.4 nothing")
    code, out = run("validate", str(bad), "--la", "202")
    assert code == 2 and "cannot be read" in out
    assert "Traceback" not in out


def test_validate_with_a_broken_year_option() -> None:
    code, out = run("validate", str(FAKE), "--la", "202", "--year", "20x5")
    assert code == 2 and "not a year" in out


def test_cla_doc_counts_match_the_rulebook() -> None:
    from csww.cla.rules.listing import counts

    text = (DOCS / "cla.md").read_text(encoding="utf-8")
    for year, (total, errors, queries) in counts(CLA_RULES).items():
        assert f"| {year} | {total} | {errors} | {queries} |" in text
