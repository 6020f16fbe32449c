"""DfE's statistical neighbours: each LA's ten nearest LAs, as DfE's own dashboard uses them.

Two groupings are bundled (copies of DfE's files, MIT licence, provenance in
``data/SOURCES.md``): the April 2021 groupings and the 2025 model. A year from 2025 uses the
2025 model; any earlier year uses the April 2021 groupings, the oldest held (so years before
2021 are compared with neighbours chosen in 2021: :func:`grouping_for` says which was used).
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

GROUPINGS = {
    2021: (
        "statistical_neighbour_groupings_april_2021.csv",
        "DfE statistical neighbours, April 2021",
    ),
    2025: ("sn_model_2025_wide.csv", "DfE statistical neighbour model 2025"),
}


def grouping_for(year: int) -> int:
    """The grouping in force for ``year`` (the earliest one for years before it)."""
    held = sorted(GROUPINGS)
    return max((g for g in held if g <= year), default=held[0])


@cache
def _table(grouping: int) -> dict[str, tuple[str, ...]]:
    name = GROUPINGS[grouping][0]
    text = resources.files(__package__).joinpath("data", name).read_text("utf-8-sig")
    rows = list(csv.reader(text.splitlines()))
    head = rows[0]
    # 2025: old_la_code, la_name, region_ind, region_name, SN_1, SN_1P, ...
    # 2021: LA num, LA Name, LA number, GOInd, GOReg, SN1, SNP, SN2, SNP, ...
    first = head.index("SN_1") if "SN_1" in head else head.index("SN1")
    out = {}
    for row in rows[1:]:
        if row and row[0].strip():
            codes = tuple(c.strip() for c in row[first : first + 20 : 2] if c.strip())
            out[row[0].strip()] = codes
    return out


def neighbours(code: str, year: int) -> tuple[str, tuple[str, ...]]:
    """The grouping's name and ``code``'s neighbours, nearest first (none if not listed).

    A joint reporting unit (``314 / 318``) takes the neighbours of its first code."""
    grouping = grouping_for(year)
    first = code.split(" / ")[0].strip()
    return GROUPINGS[grouping][1], _table(grouping).get(first, ())
