"""The continuity report: the rulebook's 72x queries for an LA's two returns."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from csww.flows import continuity
from csww.flows.sex import normalise, sex_of
from csww.rules.continuity import sex_unchanged
from csww.rules.records import WorkerKey
from csww.rules.registry import Context
from csww.spec import load_spec
from csww.writer import write
from tests.flows.scenario import returns_2020, returns_2021


def test_report_for_301_2021_against_2020(tmp_path: Path) -> None:
    write(returns_2020()[0], tmp_path / "2020.xml")
    write(returns_2021()[0], tmp_path / "2021.xml")
    found = continuity.report(tmp_path / "2021.xml", tmp_path / "2020.xml")
    assert sorted((i.rule, i.worker) for i in found.issues) == [
        ("720Q", "SW9999"),  # in post in 2020, neither in post nor a leaver in 2021
        ("721Q", "SW1001"),  # FTE30 1, FTE 0.8 in 2020
        ("725Q", "SW2003"),  # born 1998-10-02 in 2020, 1998-10-01 in 2021
    ]
    assert {i.severity for i in found.issues} == {"query"}
    text = continuity.to_csv(found)
    assert text.splitlines()[0] == "rule,note,guide_section,registration_number,record,field,line"
    assert "General Data Items – Date of birth" in text
    assert any(line.startswith("720Q: 1 — Please check") for line in continuity.summary(found))


def key(gender: str | None) -> WorkerKey:
    return WorkerKey(1, None, None, "SW1", "inpost", 1.0, date(1980, 1, 1), gender, None, None, 0)


def test_sex_compares_across_the_2024_change_of_codes() -> None:
    ctx = Context(spec=load_spec(2018), year=2024)
    assert sex_unchanged([key("F")], [key("2")], ctx) == []
    assert sex_unchanged([key("M")], [key("1")], ctx) == []
    assert len(sex_unchanged([key("M")], [key("2")], ctx)) == 1
    # Not known (0) and not specified (9) are never a change.
    assert sex_unchanged([key("9")], [key("1")], ctx) == []
    assert sex_unchanged([key("M")], [key("0")], ctx) == []


def test_sex_of_reads_either_element() -> None:
    assert sex_of({"GenderCurrent": "2"}) == "F"
    assert sex_of({"Sex": "M"}) == "M"
    assert sex_of({}) is None
    assert normalise(" 1 ") == "M" and normalise("X") is None
