"""What DfE derives from an episode's postcodes: the placement's LA, in or out of the LA's
area, and the distance from home.

* ``PL_LA``: the DfE 3-digit code of the LA the placement postcode lies in (or WAL, SCO, NIR,
  NUK outside England); null when the postcode is blank or unknown.
* ``PL_LOCATION``: IN when ``PL_LA`` is the responsible LA, OUT otherwise; null when
  ``PL_LA`` is.
* ``PL_DISTANCE``: DfE's formula, the straight line between the OS grid references of
  HOME_POST and PL_POST in metres / 1000 / 1.6093, in miles to 1 decimal place; 999.9 when
  either postcode (or its grid reference) is not known.
"""

from __future__ import annotations

import polars as pl

from csww.cla.references.postcodes import EAST, LA, NORTH, PostcodeLookup

NOT_KNOWN = 999.9
METRES_PER_MILE_OVER_1000 = 1.6093


def derive(episodes: pl.DataFrame, *, la: str, postcodes: PostcodeLookup) -> pl.DataFrame:
    """``episodes`` with ``PL_LA``, ``PL_LOCATION`` and ``PL_DISTANCE`` added (row order kept)."""
    placed = postcodes.locate(episodes["PL_POST"])
    home = postcodes.locate(episodes["HOME_POST"])
    pl_la = placed[LA]
    distance = (
        ((home[EAST] - placed[EAST]) ** 2 + (home[NORTH] - placed[NORTH]) ** 2).sqrt()
        / 1000
        / METRES_PER_MILE_OVER_1000
    ).round(1)
    return episodes.with_columns(
        pl_la.alias("PL_LA"),
        pl.when(pl_la.is_null())
        .then(None)
        .when(pl_la == la)
        .then(pl.lit("IN"))
        .otherwise(pl.lit("OUT"))
        .alias("PL_LOCATION"),
        distance.fill_null(NOT_KNOWN).fill_nan(NOT_KNOWN).alias("PL_DISTANCE"),
    )
