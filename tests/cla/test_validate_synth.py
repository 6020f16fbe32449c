"""Clean synthetic returns (``csww cla synth``) validate with no issue, every rule run: the
no-false-error check on realistic chains, real postcodes inside and outside the LA, last
year's return and a URN list."""

from __future__ import annotations

from pathlib import Path

import pytest

from csww.cla.references.postcodes import PostcodeLookup, PostcodesMissing
from csww.cla.references.urn_list import read_urn_list
from csww.cla.synth import synth_return
from csww.cla.validate import validate


@pytest.fixture(scope="module")
def lookup() -> PostcodeLookup:
    try:
        return PostcodeLookup.from_package()
    except PostcodesMissing as exc:  # pragma: no cover - the package is a dependency
        pytest.fail(str(exc))


@pytest.mark.parametrize(
    ("la", "year", "seed"), [("202", 2025, 1), ("942", 2026, 1), ("330", 2024, 2)]
)
def test_synthetic_return_has_no_issue(
    la: str, year: int, seed: int, lookup: PostcodeLookup, tmp_path: Path
) -> None:
    made = synth_return(la, year, seed=seed, children=300, postcodes=lookup)
    made.urn_list.write_csv(tmp_path / "urns.csv")
    urns = read_urn_list(tmp_path / "urns.csv", postcodes=lookup)
    report = validate(
        made.tables, la=la, year=year, previous=made.previous, urn_list=urns, postcodes=lookup
    )
    assert report.not_run == []
    assert [(i.rule, i.subject, i.field, i.value) for i in report.issues] == []
