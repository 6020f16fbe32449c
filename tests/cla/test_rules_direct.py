"""Rules on values that the postcode derivation always gets right (164, 179, 411) are checked
on tables that carry the derived columns already; every rule has a firing and a near-miss
case; rules whose input is absent are reported as not run, with the reason."""

from __future__ import annotations

import polars as pl
import pytest

from csww.cla.rules import CLA_RULES
from csww.cla.spec import spec_for
from csww.cla.typing import typed
from csww.core import RuleInputs, evaluate
from tests.cla.cla_frames import LA, check, clean, tables
from tests.cla.test_rules_adoption import FIRING as ADOPTION_FIRING
from tests.cla.test_rules_adoption import NEAR_MISS as ADOPTION_NEAR_MISS
from tests.cla.test_rules_cases import FIRING, NEAR_MISS

DIRECT = {"164", "179", "411"}


def _run(rule: str, column: str, values: list[object], dtype: pl.DataType) -> list[str | None]:
    year = 2025
    spec = spec_for(year)
    t = typed(tables(clean(year), year), spec)
    episodes = t["Episodes"].with_columns(
        pl.Series(column, values, dtype=dtype),
        *[
            pl.lit(v, dtype=d).alias(c)
            for c, v, d in (
                ("PL_LA", "202", pl.String),
                ("PL_LOCATION", "IN", pl.String),
                ("PL_DISTANCE", 1.0, pl.Float64),
            )
            if c != column
        ],
    )
    frames = dict(t.frames)
    frames["Episodes"] = episodes
    inputs = RuleInputs(
        tables=type(t)(frames), year=year, spec=spec, references={"postcodes": object()}, la=LA
    )
    outcome = evaluate([CLA_RULES[rule]], inputs, subject="CHILD")
    return [i.subject for i in outcome.issues]


def test_164_distance_out_of_range() -> None:
    n = 8
    values = [1.0] * n
    values[1] = -3.0
    assert _run("164", "PL_DISTANCE", values, pl.Float64()) == ["C1"]
    values[1] = 999.9
    assert _run("164", "PL_DISTANCE", values, pl.Float64()) == []


def test_179_placement_location_code() -> None:
    values: list[object] = ["IN"] * 8
    values[0] = "XX"
    assert _run("179", "PL_LOCATION", values, pl.String()) == ["C1"]
    values[0] = "OUT"
    assert _run("179", "PL_LOCATION", values, pl.String()) == []


def test_411_location_disagrees_with_placement_la() -> None:
    values: list[object] = ["202"] * 8
    values[4] = "206"  # C5's first episode: OUT of 202 but recorded IN
    assert _run("411", "PL_LA", values, pl.String()) == ["C5"]
    values[4] = "202"
    assert _run("411", "PL_LA", values, pl.String()) == []


def test_every_rule_has_a_firing_and_a_near_miss_case() -> None:
    firing = {c.rule for c in FIRING + ADOPTION_FIRING} | DIRECT
    quiet = {c.rule for c in NEAR_MISS + ADOPTION_NEAR_MISS} | DIRECT
    ids = {r.id for r in CLA_RULES}
    assert ids - firing == set()
    assert ids - quiet == set()


@pytest.mark.parametrize("year", [2016, 2025])
def test_rules_without_their_input_are_not_run_with_the_reason(year: int) -> None:
    report = check(clean(year), year, previous=None, urns=False, with_postcodes=False)
    reasons = {n.rule: n.reason for n in report.not_run}
    assert "last year's return" in reasons["502"]
    assert "URN list" in reasons["1008"] and "URN list" in reasons["219"]
    assert "postcode" in reasons["169"] and "postcode" in reasons["218"]
    expected = {r.id for r in CLA_RULES.for_year(year) if r.needs}
    assert set(reasons) == expected
    assert report.issues == []


def test_public_ofsted_list_without_codes_runs_only_existence_and_date_rules() -> None:
    from csww.cla.references.urn_list import UrnList
    from tests.cla.cla_frames import urn_list

    public = urn_list(2025).frame.with_columns(pl.lit("ofsted_public_providers").alias("LAYOUT"))
    codeless = UrnList(public, layouts=("ofsted_public_providers",))
    report = check(clean(2025), 2025, urns=codeless)
    not_run = {n.rule: n.reason for n in report.not_run}
    if codeless.has_codes:  # the layout name is not one of the public layouts
        pytest.fail("test list should be codeless")
    assert {"219", "224", "221", "229"} <= set(not_run)
    assert "1008" not in not_run and "227" not in not_run
