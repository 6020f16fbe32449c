"""Every percentage DfE publishes in the 903 files csww reproduces, recomputed from DfE's own
published counts: exactly at LA level (counts unrounded); nationally and regionally, where
counts are rounded to the nearest 10 before we see them and DfE works from the unrounded
counts, the published percentage must be one that some unrounded counts behind the rounded
ones give (numerator and denominator each within 5 of the published figure)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from csww.cla.stats import published as pub
from csww.cla.stats.rounding import percent


def achievable(number: int, total: int, shown: str) -> bool:
    """Whether unrounded counts that round to ``number`` and ``total`` give ``shown``."""
    for n in range(max(0, number - 5), number + 5):
        for t in range(max(1, total - 5), total + 5):
            if n <= t and percent(n, t) == shown:
                return True
    return False


FOLDER = pub.reference_folder()
assert FOLDER is not None, "DfE's published 903 files: ../shared/reference/ssda903/ees_cla"

# file, group columns, label column, total label, count column, percentage column
LA_FILES = [
    (
        "release_2025/la_cla_during_year_new_placements.csv",
        ("characteristic",),
        "breakdown",
        ("Total new placements", "Total placements changing"),
        "children_count",
        "children_percent",
    ),
    (
        "release_2025/la_cla_placement_stability.csv",
        ("cla_group",),
        "placement_stability",
        ("Total children",),
        "children_count",
        "children_percent",
    ),
    (
        "release_2025/la_care_leavers_accommodation_suitability.csv",
        ("care_leaver_age",),
        "breakdown",
        ("Suitability total",),
        "care_leaver_count",
        "care_leaver_percent",
    ),
]
NATIONAL_FILES = [
    (
        "release_2024/national_cla_on_31_march_by_placement_distance_and_placement_locality.csv",
        ("cla_group",),
        "characteristic",
        ("Total",),
        "number",
        "percentage",
    ),
    (
        "release_2024/national_cla_during_year_by_placement_type_and_locality_of_placement.csv",
        ("cla_group",),
        "characteristic",
        ("Total",),
        "number",
        "percentage",
    ),
    (
        "release_2024/national_care_leavers_by_whether_their_accommodation_is_suitable.csv",
        ("care_leaver_age",),
        "accommodation_suitability",
        ("Total",),
        "number",
        "percentage",
    ),
    (
        "release_2024/national_cla_started_to_be_looked_after.csv",
        ("cla_group",),
        "characteristic",
        ("Total children",),
        "number",
        "percentage",
    ),
    (
        "release_2024/national_accommodation_of_care_leavers.csv",
        ("care_leaver_age",),
        "accommodation_type",
        ("Total care leavers",),
        "number",
        "percentage",
    ),
]


def _recompute(
    name: str, groups: tuple[str, ...], label: str, totals: tuple[str, ...], count: str, pct: str
):
    rows = pub.read(Path(FOLDER) / name)
    by: dict[tuple[str, ...], list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        key = (
            r["time_period"],
            r["geographic_level"],
            r.get("old_la_code", ""),
            r.get("region_code", ""),
        )
        by[key + tuple(r[g] for g in groups)].append(r)
    checked = []
    for members in by.values():
        total = next((m for m in members if m[label] in totals), None)
        if total is None or pub.number(total[count]) is None:
            continue
        for m in members:
            n = pub.number(m[count])
            if n is None or m[pct] in ("", "c", "z", "x"):
                continue
            checked.append((m, n, pub.number(total[count]) or 0, m[pct]))
    return checked


@pytest.mark.parametrize("spec", LA_FILES, ids=[f[0] for f in LA_FILES])
def test_la_rates_recomputed_exactly(spec) -> None:
    checked = _recompute(*spec)
    la = [c for c in checked if c[0]["geographic_level"] == "Local authority"]
    assert len(la) > 1000
    wrong = [
        (m["old_la_code"], m["time_period"], n, t, theirs)
        for m, n, t, theirs in la
        if percent(n, t) != theirs
    ]
    assert wrong == []


@pytest.mark.parametrize(
    "spec", LA_FILES + NATIONAL_FILES, ids=[f[0] for f in LA_FILES + NATIONAL_FILES]
)
def test_national_and_regional_rates_within_rounding(spec) -> None:
    checked = [c for c in _recompute(*spec) if c[0]["geographic_level"] != "Local authority"]
    assert len(checked) > 20
    far = [
        (m["time_period"], m.get("region_code", ""), n, t, theirs)
        for m, n, t, theirs in checked
        if not achievable(n, t, theirs)
    ]
    assert far == []


def test_reason_for_change_shares() -> None:
    """In the national reason file a reason's percent is of its characteristic's "All
    Placements"; an "All Placements" percent is of the breakdown's total."""
    rows = pub.read(
        Path(FOLDER) / "release_2024/national_reason_for_placement_change_during_year.csv"
    )
    allp = {
        (r["time_period"], r["cla_group"], r["characteristic"]): pub.number(r["number"])
        for r in rows
        if r["reason_for_change"] == "All Placements"
    }
    n = 0
    far = []
    for r in rows:
        base = allp[(r["time_period"], r["cla_group"], r["characteristic"])]
        if r["reason_for_change"] == "All Placements":
            base = allp[(r["time_period"], r["cla_group"], "Total")]
        value = pub.number(r["number"])
        if value is None or not base or r["percent"] in ("c", "z", "x"):
            continue
        if not achievable(value, base, r["percent"]):
            far.append(
                (
                    r["time_period"],
                    r["cla_group"],
                    r["characteristic"],
                    r["reason_for_change"],
                    value,
                    base,
                    r["percent"],
                )
            )
        n += 1
    assert n > 2000
    assert far == []
