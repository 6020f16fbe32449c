"""A clean synthetic return validates with no issue, with every input given (last year's
return, the synthetic URN list read back through the URN-list reader, postcodes): no rule is
left not run, and none fires."""

from __future__ import annotations

from pathlib import Path

import pytest

from csww.cla.references.postcodes import PostcodeLookup
from csww.cla.references.urn_list import read_urn_list
from csww.cla.synth import synth_return
from csww.cla.validate import validate


@pytest.fixture(scope="module")
def ons() -> PostcodeLookup:
    return PostcodeLookup.from_package()


@pytest.mark.parametrize(
    ("la", "year"),
    [
        ("942", 2025),  # Cumberland, created 2023
        ("815", 2024),  # North Yorkshire, a unitary since 2023
        ("201", 2026),  # City of London: few postcodes of its own
        ("330", 2019),  # Birmingham, E45-E48 and CUSTOD's first year
        ("873", 2017),  # Cambridgeshire, a county of districts
        ("933", 2027),  # Somerset, with DoLo's year
    ],
)
def test_clean_synthetic_return_has_no_issue(
    ons: PostcodeLookup, tmp_path: Path, la: str, year: int
) -> None:
    result = synth_return(la, year, seed=11, postcodes=ons, children=250)
    result.urn_list.write_csv(tmp_path / "urns.csv")
    urns = read_urn_list(tmp_path / "urns.csv", postcodes=ons)
    report = validate(
        result.tables, la=la, year=year, previous=result.previous, urn_list=urns, postcodes=ons
    )
    assert report.not_run == []
    assert [(i.rule, i.subject, i.field, i.value) for i in report.issues] == []
