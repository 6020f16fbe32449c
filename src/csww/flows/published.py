"""Attrition rows as they may be published: DfE's primary suppression, then secondary
suppression over every figure of every row (:mod:`csww.flows.suppression`), so that no
hidden figure follows from the figures shown. The DfE pages and CSV of the portal and
``csww flows`` give these rows.
"""

from __future__ import annotations

from csww.flows import attrition, suppression
from csww.stats import published as pub
from csww.stats.aggregate import la_geography


def protected_rows(result: attrition.Result) -> list[dict[str, str]]:
    """The attrition rows as they may be published: DfE's primary suppression, then
    secondary suppression (``csww.flows.suppression``) so that no hidden figure follows from
    a region's or England's total, or a total's breakdown, by adding and subtracting."""
    year = result.year
    rows = attrition.rows(result)
    shown = attrition.rows(result, suppress=False)
    geos = {u: la_geography(u, year) for u in result.units}
    by_geo = {_geo_key(g): u for u, g in geos.items()}
    region_codes = {code for code, _ in pub.regions(year)}
    parent_region = {
        part: code for code in region_codes for part in pub.region_members(code) if part != code
    }
    area_of: dict[int, str] = {}
    for i, row in enumerate(rows):
        level = row["geographic_level"]
        if level == "National":
            area_of[i] = "N"
        elif level == "Regional":
            area_of[i] = f"R:{row['region_code']}"
        else:
            area_of[i] = f"L:{by_geo[_geo_key(row)]}"
    parent_of: dict[str, str] = {}
    for code in region_codes:
        parent_of[f"R:{code}"] = f"R:{parent_region[code]}" if code in parent_region else "N"
    for unit, geo in geos.items():
        region = geo["region_code"]
        parent_of[f"L:{unit}"] = f"R:{region}" if region in region_codes else "N"
    # Each area's tallies: an LA's own, a region's and England's of the LAs counted in them.
    tallies: dict[tuple[str, str, str], attrition.Tally] = {}
    for unit, cells in result.units.items():
        area: str | None = f"L:{unit}"
        while area is not None:
            for (topic, breakdown), tally in cells.items():
                tallies.setdefault((area, topic, breakdown), attrition.Tally()).add(tally)
            area = parent_of.get(area) if area != "N" else None
            if unit in result.flagged:
                break  # left out of the regional and national rows
    sizes = {
        (*cell, figure): n
        for cell, tally in tallies.items()
        for figure, n in tally.figure_sizes().items()
    }
    return suppression.protect_rows(shown, rows, area_of, parent_of, sizes)


def _geo_key(row: dict[str, str]) -> tuple[str, str, str]:
    return (row["old_la_code"], row["new_la_code"], row["la_name"])
