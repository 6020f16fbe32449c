"""The placement LA, in or out of area, and distance as DfE derives them from postcodes."""

from __future__ import annotations

import math

import polars as pl
import pytest

from csww.cla.derive import NOT_KNOWN, derive
from csww.cla.references.postcodes import PostcodeLookup


def episodes(*pairs: tuple[str | None, str | None]) -> pl.DataFrame:
    return pl.DataFrame(
        {"HOME_POST": [h for h, _ in pairs], "PL_POST": [p for _, p in pairs]},
        schema={"HOME_POST": pl.String, "PL_POST": pl.String},
    )


SMALL = PostcodeLookup.from_rows(
    [
        ("AA1 1AA", 400000.0, 300000.0, "E06000063"),  # Cumberland
        ("AA1 1AB", 403000.0, 304000.0, "E06000063"),
        ("BB1 1BB", 430000.0, 340000.0, "E06000064"),  # Westmorland and Furness
        ("CC1 1CC", 318284.0, 176230.0, "W06000015"),
        ("DD1 1DD", None, None, "E06000063"),  # no grid reference
    ]
)


def test_distance_is_dfes_formula_to_one_decimal_place() -> None:
    out = derive(episodes(("AA1 1AA", "aa11ab"), ("AA1 1AA", "BB1 1BB")), la="942", postcodes=SMALL)
    assert out["PL_DISTANCE"].to_list() == [
        round(5000 / 1000 / 1.6093, 1),  # 3-4-5 triangle: 5 km
        round(math.hypot(30000, 40000) / 1000 / 1.6093, 1),
    ]
    assert out["PL_DISTANCE"].to_list() == [3.1, 31.1]


def test_placement_la_and_location_for_districts_created_since_2021() -> None:
    out = derive(
        episodes(("AA1 1AA", "AA1 1AB"), ("AA1 1AA", "BB1 1BB"), ("AA1 1AA", "CC1 1CC")),
        la="942",
        postcodes=SMALL,
    )
    assert out["PL_LA"].to_list() == ["942", "943", "WAL"]
    assert out["PL_LOCATION"].to_list() == ["IN", "OUT", "OUT"]


@pytest.mark.parametrize(
    "pair",
    [(None, "AA1 1AB"), ("AA1 1AA", None), ("ZZ1 1ZZ", "AA1 1AB"), ("AA1 1AA", "DD1 1DD")],
)
def test_distance_not_known_is_999_9(pair: tuple[str | None, str | None]) -> None:
    out = derive(episodes(pair), la="942", postcodes=SMALL)
    assert out["PL_DISTANCE"].to_list() == [NOT_KNOWN]


def test_unknown_placement_postcode_gives_no_la_and_no_location() -> None:
    out = derive(episodes(("AA1 1AA", "ZZ1 1ZZ"), ("AA1 1AA", None)), la="942", postcodes=SMALL)
    assert out["PL_LA"].to_list() == [None, None]
    assert out["PL_LOCATION"].to_list() == [None, None]


def test_rows_keep_their_order_and_columns() -> None:
    eps = episodes(("BB1 1BB", "AA1 1AA"), ("AA1 1AA", "BB1 1BB"), ("AA1 1AA", "AA1 1AA"))
    eps = eps.with_columns(pl.Series("_row", [0, 1, 2]))
    out = derive(eps, la="943", postcodes=SMALL)
    assert out["_row"].to_list() == [0, 1, 2]
    assert out["PL_LA"].to_list() == ["942", "943", "942"]
    assert out["PL_LOCATION"].to_list() == ["OUT", "IN", "OUT"]
    assert out["PL_DISTANCE"][2] == 0.0


def test_real_postcodes_of_the_new_districts() -> None:
    ons = PostcodeLookup.from_package(["CA1 1QS", "LA9 4DL"])
    out = derive(episodes(("CA1 1QS", "LA9 4DL")), la="942", postcodes=ons)
    assert out["PL_LA"].to_list() == ["943"] and out["PL_LOCATION"].to_list() == ["OUT"]
    assert 30 < out["PL_DISTANCE"][0] < 60  # Carlisle to Kendal, about 40 miles as the crow flies
