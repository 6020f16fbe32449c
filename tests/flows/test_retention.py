"""Retention by start cohort on the hand-written returns."""

from __future__ import annotations

import csv
import io

from csww.flows import retention
from csww.flows.store import Store
from csww.stats.neighbours import grouping, neighbours_of
from tests.flows.scenario import SALT, returns_2020, returns_2021


def test_cohorts_la_neighbours_and_england() -> None:
    with Store(SALT) as store:
        for ret in returns_2020() + returns_2021():
            store.load_return(ret)
        found, notes = retention.curves(store, "301")
    mine, near, england = found
    # 301's 2020 starters in post on 30 September 2020: SW1002 (stays) and SW2001 (left).
    assert mine.counts[("2020", 1)] == (2, 1) and mine.rates[("2020", 1)] == 50.0
    assert mine.rates[("all", 1)] == 50.0
    # 330 (Birmingham) is 301's only neighbour with returns: SW4002 started 2020, left 2021.
    assert near.rates[("2020", 1)] == 0.0 and near.areas[("2020", 1)] == 1
    # England: 301 (1 of 2), 302 (SW3002, 0 of 1), 330 (0 of 1) = 1 of 4.
    assert england.counts[("2020", 1)] == (4, 1) and england.rates[("2020", 1)] == 25.0
    assert any("April 2021" in n and "1 of them have returns loaded" in n for n in notes)
    rows = list(csv.DictReader(io.StringIO(retention.to_csv(found))))
    assert {(r["area"], r["cohort"], r["retention_rate"]) for r in rows} >= {
        ("Barking and Dagenham", "2020", "50.0"),
        ("England", "all", "25.0"),
    }
    page = retention.to_html(found, notes)
    assert "<svg" in page and "Barking and Dagenham" in page and "50.0%" in page


def test_neighbour_grouping_follows_the_year() -> None:
    assert grouping(2019) == grouping(2024) != grouping(2026) == grouping(2025)
    name, codes = grouping(2025).name, neighbours_of("301", 2025)
    assert "2025" in name and codes[0] == "308" and len(codes) == 10
    assert neighbours_of("301", 2021)[:2] == ("203", "308")
    assert neighbours_of("999", 2021) == ()
