"""A synthetic return of every year validates with no issue at all (no error, no query) and
every rule run, with its adoption, short breaks and placements in Wales and Scotland."""

from __future__ import annotations

from pathlib import Path

import pytest

from csww.cla.references.postcodes import PostcodeLookup
from csww.cla.references.urn_list import read_urn_list
from csww.cla.spec import available_years
from csww.cla.synth import synth_return
from csww.cla.validate import validate

# A different LA each year, counties and unitaries, London and the north.
LAS = ("202", "330", "873", "209", "318", "821", "908", "940", "933", "815", "213", "942", "201")


@pytest.fixture(scope="module")
def ons() -> PostcodeLookup:
    return PostcodeLookup.from_package()


@pytest.mark.parametrize("year", available_years())
def test_synthetic_return_of_every_year_has_no_issue(
    ons: PostcodeLookup, tmp_path: Path, year: int
) -> None:
    la = LAS[year % len(LAS)]
    made = synth_return(la, year, seed=3, postcodes=ons, children=300)
    made.urn_list.write_csv(tmp_path / "urns.csv")
    urns = read_urn_list(tmp_path / "urns.csv", postcodes=ons)
    previous = made.previous if year > available_years()[0] else None
    report = validate(
        made.tables, la=la, year=year, previous=previous, urn_list=urns, postcodes=ons
    )
    assert [(i.rule, i.subject, i.field, i.value) for i in report.issues] == []
    assert report.errors == 0
    if previous is not None:
        assert report.not_run == []
    for table in ("AD1", "PlacedAdoption"):
        assert made.tables[table].height > 0, table
    assert made.tables["Episodes"]["LS"].is_in(["V3", "V4"]).any()


@pytest.mark.parametrize("la", ["908", "929"])
def test_lands_end_and_northumberland_place_no_one_over_350_miles(
    ons: PostcodeLookup, tmp_path: Path, la: str
) -> None:
    """Rule 454 (from 2026) queries a placement over 350 miles from home: the corners of
    England (Cornwall, Northumberland) place within it, in England, Wales and Scotland."""
    made = synth_return(la, 2026, seed=1, postcodes=ons, children=800)
    made.urn_list.write_csv(tmp_path / "urns.csv")
    urns = read_urn_list(tmp_path / "urns.csv", postcodes=ons)
    report = validate(
        made.tables, la=la, year=2026, previous=made.previous, urn_list=urns, postcodes=ons
    )
    assert [(i.rule, i.subject, i.field, i.value) for i in report.issues] == []
