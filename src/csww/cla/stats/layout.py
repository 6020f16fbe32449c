"""The published tables' rows, in DfE's own layout, from counts summed over LAs.

Each table is written as DfE names its file, with the geography columns of DfE's LA files
(``time_period`` … ``new_la_code``) and then the table's own columns. DfE publishes some of
these tables for England only; csww writes every table for each LA, region and England.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from csww.cla.stats import labels as lab
from csww.cla.stats import rounding as rnd
from csww.cla.stats.measures import (
    AGE_BANDS,
    AGE_TOP,
    DURATION_TOP,
    DURATIONS,
    STABILITY_LONG,
    STABILITY_TWO,
    STABILITY_YEAR,
    Key,
)

GEOGRAPHY = (
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "old_la_code",
    "la_name",
    "new_la_code",
)
NATIONAL = ("E92000001", "England")
LONDON = ("E12000007", "London")
LONDON_PARTS = ("E13000001", "E13000002")

# (label columns, count column, percentage column) by published file
TABLES: dict[str, tuple[tuple[str, ...], str, str]] = {
    "national_reason_for_placement_change_during_year": (
        ("cla_group", "characteristic", "reason_for_change"),
        "number",
        "percent",
    ),
    "la_cla_during_year_new_placements": (
        ("characteristic", "breakdown"),
        "children_count",
        "children_percent",
    ),
    "national_cla_during_year_by_placement_type_and_locality_of_placement": (
        ("cla_group", "characteristic"),
        "number",
        "percentage",
    ),
    "national_cla_on_31_march_by_placement_distance_and_placement_locality": (
        ("cla_group", "characteristic"),
        "number",
        "percentage",
    ),
    "la_cla_placement_stability": (
        ("cla_group", "placement_stability"),
        "children_count",
        "children_percent",
    ),
    "national_cla_started_to_be_looked_after": (
        ("cla_group", "characteristic"),
        "number",
        "percentage",
    ),
    "la_care_leavers_accommodation_suitability": (
        ("care_leaver_age", "breakdown"),
        "care_leaver_count",
        "care_leaver_percent",
    ),
    "national_care_leavers_by_whether_their_accommodation_is_suitable": (
        ("care_leaver_age", "accommodation_suitability"),
        "number",
        "percentage",
    ),
    "national_activity_of_care_leaver": (
        ("age_group", "CLA_group", "measure", "characteristic"),
        "number",
        "percentage",
    ),
    "national_accommodation_of_care_leavers": (
        ("care_leaver_age", "cla_group", "measure", "accommodation_type"),
        "number",
        "percentage",
    ),
    "national_care_leavers_staying_put": (("care_leaver_age", "characteristic"), "number", ""),
}


@dataclass
class Line:
    labels: tuple[str, ...]
    count: int | None
    denominator: int | None
    is_total: bool = False
    exempt: bool = False  # shown whatever its size


Group = list[Line]
SHOWN_ANY_SIZE = ("No information",)  # DfE's suitability file never hides it


@dataclass(frozen=True)
class Area:
    old_la_code: str
    new_la_code: str
    la_name: str
    region_code: str
    region_name: str


@cache
def areas() -> dict[str, Area]:
    """LA code → its names and region (latest year DfE gives, from ``data/areas.csv``)."""
    text = resources.files(__package__).joinpath("data", "areas.csv").read_text("utf-8")
    out: dict[str, Area] = {}
    for row in csv.DictReader(io.StringIO(text)):
        out[row["old_la_code"]] = Area(
            row["old_la_code"],
            row["new_la_code"],
            row["la_name"],
            row["region_code"],
            row["region_name"],
        )
    return out


def regions() -> list[tuple[str, str]]:
    found = sorted({(a.region_code, a.region_name) for a in areas().values()})
    return [LONDON, *found]


def region_members(code: str) -> tuple[str, ...]:
    return LONDON_PARTS if code == LONDON[0] else (code,)


def geography(year: int, level: str, code: str = "", name: str = "") -> dict[str, str]:
    g = dict.fromkeys(GEOGRAPHY, "")
    g.update(time_period=str(year), time_identifier="Reporting year", geographic_level=level)
    g.update(country_code=NATIONAL[0], country_name=NATIONAL[1])
    if level == "Regional":
        g.update(region_code=code, region_name=name)
    elif level == "Local authority":
        area = areas().get(code)
        g["old_la_code"] = code
        if area:
            g.update(
                region_code=area.region_code,
                region_name=area.region_name,
                la_name=area.la_name,
                new_la_code=area.new_la_code,
            )
    return g


def _share(
    lines: Iterable[tuple[tuple[str, ...], int]], total_labels: tuple[str, ...], total: int
) -> Group:
    group = [Line(labels, n, total) for labels, n in lines]
    group.append(Line(total_labels, total, total, is_total=True))
    return group


def _reasons(c: Counter[Key], unavailable: set[str]) -> list[Group]:
    reasons = list(lab.mapping("reason", "national").values())
    chars = {
        "Age": [label for _, label in AGE_BANDS] + [AGE_TOP],
        "Category of need": list(lab.mapping("need").values()),
        "Duration of Placement": [label for _, label in DURATIONS] + [DURATION_TOP],
        "Gender": ["Female", "Male"],
        "Placement type": lab.group_order("placement_group"),
    }
    groups: list[Group] = []
    for cla_group, values in chars.items():
        grand = sum(c[(cla_group, "Total", r)] for r in reasons)
        for value in [*values, "Total"]:
            all_here = sum(c[(cla_group, value, r)] for r in reasons)
            group = [
                Line((cla_group, value, r), c[(cla_group, value, r)], all_here)
                for r in sorted(reasons)
            ]
            group.insert(
                0, Line((cla_group, value, "All Placements"), all_here, grand, is_total=True)
            )
            groups.append(group)
    return groups


def _new_placements_la(c: Counter[Key], unavailable: set[str]) -> list[Group]:
    groups: list[Group] = []
    char = "Location of new placements during the year"
    total = c[(char, "Total new placements")]
    names = [
        "Distance not known or not recorded",
        "Placed inside LA boundary less than 20 miles from home",
        "Placed inside LA boundary more than 20 miles from home",
        "Placed outside LA boundary less than 20 miles from home",
        "Placed outside LA boundary more than 20 miles from home",
    ]
    if "new_placements_la_location" in unavailable:  # no distance or locality: x
        groups.append([Line((char, n), None, None) for n in [*names, "Total new placements"]])
    else:
        groups.append(
            _share(
                (((char, n), c[(char, n)]) for n in names), (char, "Total new placements"), total
            )
        )
    char = "Reason for placement change during the year"
    reasons = sorted(lab.mapping("reason", "la").values())
    total = sum(c[(char, r)] for r in reasons)
    groups.append(
        _share(
            (((char, r), c[(char, r)]) for r in reasons), (char, "Total placements changing"), total
        )
    )
    return groups


BANDS = (
    "1. 20 miles or less",
    "1.i 20 miles or less inside LA boundary",
    "1.ii 20 miles or less outside LA boundary",
    "2. Over 20 miles",
    "2.i Over 20 miles inside LA boundary",
    "2.ii Over 20 miles outside LA boundary",
)


def _distance(
    all_name: str, group_names: list[str], not_known: str
) -> Callable[[Counter[Key], set[str]], list[Group]]:
    def build(c: Counter[Key], unavailable: set[str]) -> list[Group]:
        groups: list[Group] = []
        for g in [all_name, *group_names]:
            key = "All" if g == all_name and all_name == "All new placements" else g
            total = c[(key, "Total")]
            # the sub-bands (1.i, 1.ii) are part of their band, so each band and its parts
            # form a group, and the bands with "not known" another
            lines = [((g, b), c[(key, b)]) for b in BANDS] + [((g, not_known), c[(key, not_known)])]
            groups.append(_share(lines, (g, "Total"), total))
        return groups

    return build


def _stability(c: Counter[Key], unavailable: set[str]) -> list[Group]:
    measures = (
        (STABILITY_LONG, "Living with the same carer for at least 2 years"),
        (STABILITY_TWO, "With 3 or more placements during the previous 2 years"),
        (STABILITY_YEAR, "With 3 or more placements during the year"),
    )
    groups: list[Group] = []
    for cohort, measure in measures:
        total = c[(cohort, "Total children")]
        groups.append(
            _share([((cohort, measure), c[(cohort, measure)])], (cohort, "Total children"), total)
        )
    return groups


def _permanence(c: Counter[Key], unavailable: set[str]) -> list[Group]:
    g = "Previous permanence arrangement"
    names = sorted(lab.mapping("previous_permanence").values())
    return [
        _share(
            (((g, n), c[(g, n)]) for n in names), (g, "Total children"), c[(g, "Total children")]
        )
    ]


AGES = ("17 years", "18 years", "19 years", "20 years", "21 years", "19 to 21 years")
SUITABILITY = (
    "Accommodation considered suitable",
    "Accommodation considered unsuitable",
    "No information",
)


def _suitability_la(c: Counter[Key], unavailable: set[str]) -> list[Group]:
    groups: list[Group] = []
    for label, ages in (
        ("17 to 18 years", ("17 years", "18 years")),
        ("19 to 21 years", ("19 to 21 years",)),
    ):
        total = sum(c[(a, "Suitability", "Total")] for a in ages)
        lines = [((label, s), sum(c[(a, "Suitability", s)] for a in ages)) for s in SUITABILITY]
        groups.append(_share(lines, (label, "Suitability total"), total))
    return groups


def _suitability(c: Counter[Key], unavailable: set[str]) -> list[Group]:
    return [
        _share(
            (((a, s), c[(a, "Suitability", s)]) for s in SUITABILITY),
            (a, "Total"),
            c[(a, "Suitability", "Total")],
        )
        for a in AGES
    ]


def _activity(c: Counter[Key], unavailable: set[str]) -> list[Group]:
    g = "Care leavers group"
    acts = sorted(
        {
            *lab.mapping("care_leaver_activity").values(),
            *lab.mapping("care_leaver_not_in_touch", "activity").values(),
        }
    )
    totals = list(lab.labels()["care_leaver_activity_totals"])
    touch = list(lab.mapping("care_leaver_not_in_touch", "in_touch").values())
    groups: list[Group] = []
    for a in AGES:
        m = "Activity of care leaver"
        total = c[(a, m, "Total activity of care leavers")]
        groups.append(
            _share(
                (((a, g, m, x), c[(a, m, x)]) for x in acts),
                (a, g, m, "Total activity of care leavers"),
                total,
            )
        )
        groups.append([Line((a, g, m, x), c[(a, m, x)], total) for x in totals])
        m = "Gender"
        groups.append(
            _share(
                (((a, g, m, x), c[(a, m, x)]) for x in ("Female", "Male")),
                (a, g, m, "Total gender"),
                c[(a, m, "Total gender")],
            )
        )
        m = "LA in-touch with the care leaver"
        groups.append(
            _share(
                (((a, g, m, x), c[(a, m, x)]) for x in touch),
                (a, g, m, "Total in touch"),
                c[(a, m, "Total in touch")],
            )
        )
    return groups


def _accommodation(c: Counter[Key], unavailable: set[str]) -> list[Group]:
    g, m = "Care leavers group", "Accommodation of care leaver"
    kinds = sorted(
        {
            *lab.mapping("care_leaver_accommodation").values(),
            *lab.mapping("care_leaver_not_in_touch", "accommodation").values(),
        }
    )
    groups: list[Group] = []
    for a in AGES:
        total = c[(a, m, "Total care leavers")]
        groups.append(
            _share(
                (((a, g, m, x), c[(a, m, x)]) for x in kinds),
                (a, g, m, "Total care leavers"),
                total,
            )
        )
        groups.append(
            [
                Line(
                    (a, g, m, "Total information not known"),
                    c[(a, m, "Total information not known")],
                    total,
                )
            ]
        )
    return groups


STAYING_PUT = (
    "1. Young people who ceased to be looked after in a foster placement on their 18th birthday and were eligible for care leavers support",
    "2. Total living with former foster carers in the current year",
    "3. Percentage living with former foster carers in the current year",
)


def _staying_put(c: Counter[Key], unavailable: set[str]) -> list[Group]:
    groups: list[Group] = []
    for a in ("18 years", "19 years", "20 years", "19 to 20 years"):
        ages = {"19 years": (19,), "20 years": (20,), "19 to 20 years": (19, 20)}.get(a, ())
        if any(f"staying_put:{n}" in unavailable for n in ages):
            groups.append([Line((a, s), None, None) for s in STAYING_PUT])
            continue
        eligible, living = c[(a, "1")], c[(a, "2")]
        groups.append(
            [
                Line((a, STAYING_PUT[0]), eligible, None, is_total=True),
                Line((a, STAYING_PUT[1]), living, None),
                Line((a, STAYING_PUT[2]), living, eligible),
            ]
        )
    return groups


NEW_GROUPS = lab.group_order("placement_group")
MARCH_GROUPS = lab.group_order("placement_group_31_march")
# table → (source counts, builder)
BUILDERS: dict[str, tuple[str, Callable[[Counter[Key], set[str]], list[Group]]]] = {
    "national_reason_for_placement_change_during_year": ("reason_for_placement_change", _reasons),
    "la_cla_during_year_new_placements": ("new_placements_la", _new_placements_la),
    "national_cla_during_year_by_placement_type_and_locality_of_placement": (
        "new_placements_distance",
        _distance("All new placements", NEW_GROUPS, "Distance not Known or not recorded"),
    ),
    "national_cla_on_31_march_by_placement_distance_and_placement_locality": (
        "distance_31_march",
        _distance("All children", MARCH_GROUPS, "Distance not known or not recorded"),
    ),
    "la_cla_placement_stability": ("stability", _stability),
    "national_cla_started_to_be_looked_after": ("previous_permanence", _permanence),
    "la_care_leavers_accommodation_suitability": ("care_leavers", _suitability_la),
    "national_care_leavers_by_whether_their_accommodation_is_suitable": (
        "care_leavers",
        _suitability,
    ),
    "national_activity_of_care_leaver": ("care_leavers", _activity),
    "national_accommodation_of_care_leavers": ("care_leavers", _accommodation),
    "national_care_leavers_staying_put": ("staying_put", _staying_put),
}


def rows(
    table: str, counts: Counter[Key], unavailable: set[str], geo: dict[str, str]
) -> list[dict[str, str]]:
    """One geography's rows of ``table``, rounded and suppressed as DfE does."""
    source, build = BUILDERS[table]
    label_cols, count_col, pct_col = TABLES[table]
    level = geo["geographic_level"]
    out: list[dict[str, str]] = []
    missing = source in unavailable
    for group in build(counts, unavailable):
        cells = [
            rnd.Cell(
                line.count,
                line.denominator,
                line.is_total,
                exempt=line.labels[-1] in SHOWN_ANY_SIZE,
            )
            for line in group
        ]
        rnd.suppress(cells, level)
        total_hidden = any(cell.suppressed for cell in cells if cell.is_total)
        for line, cell in zip(group, cells, strict=True):
            row = {**geo, **dict(zip(label_cols, line.labels, strict=True))}
            if missing or line.count is None:
                number, pct = rnd.NOT_AVAILABLE, rnd.NOT_AVAILABLE
            else:
                number, pct = rnd.shown(cell, level, total_hidden and not cell.is_total)
            if table == "national_care_leavers_staying_put":
                if line.labels[1].startswith("3.") and number not in (
                    rnd.NOT_AVAILABLE,
                    rnd.SUPPRESSED,
                ):
                    number = f"{rnd.percent(line.count or 0, line.denominator or 0)}%"
                row[count_col] = number
            else:
                row[count_col] = number
                row[pct_col] = pct if pct else rnd.NOT_APPLICABLE
            out.append(row)
    return out


def columns(table: str) -> list[str]:
    label_cols, count_col, pct_col = TABLES[table]
    return [*GEOGRAPHY, *label_cols, count_col, *([pct_col] if pct_col else [])]
