"""Reference data: the district → LA lookup, postcodes, and Ofsted's URN lists in each layout."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from csww.cla.references.areas import district_la_table, la_of_district
from csww.cla.references.postcodes import PostcodeLookup, canonical
from csww.cla.references.urn_list import UrnListError, read_urn_list
from csww.spec import la_codes_for
from tests.paths import SHARED

REF = SHARED / "reference" / "ssda903"
FAKE = REF / "d2i_903" / "fake_data"


@pytest.fixture(scope="module")
def ons() -> PostcodeLookup:
    return PostcodeLookup.from_package()


@pytest.mark.parametrize(
    ("district", "la"),
    [
        ("E06000063", "942"),  # Cumberland (April 2023)
        ("E06000064", "943"),  # Westmorland and Furness (April 2023)
        ("E06000065", "815"),  # North Yorkshire (April 2023)
        ("E06000066", "933"),  # Somerset (April 2023)
        ("E08000038", "370"),  # Barnsley's code since the April 2024 boundary change
        ("E08000039", "373"),  # Sheffield's
        ("E07000222", "937"),  # Warwick district, in Warwickshire
        ("E09000033", "213"),  # Westminster
        ("W06000015", "WAL"),
        ("S12000036", "SCO"),
        ("N09000003", "NIR"),
        ("L99999999", "NUK"),
        ("E99999999", None),
        (None, None),
    ],
)
def test_district_to_dfe_la(district: str | None, la: str | None) -> None:
    assert la_of_district(district) == la


def test_every_english_district_of_the_postcode_directory_has_an_la(ons: PostcodeLookup) -> None:
    english = ons.frame.filter(pl.col("DISTRICT").str.starts_with("E"))
    districts = set(english["DISTRICT"].unique().to_list())
    assert len(districts) == 296
    assert districts <= set(district_la_table())
    assert english.filter(pl.col("LA").is_null()).is_empty()


def test_every_current_dfe_la_has_postcodes(ons: PostcodeLookup) -> None:
    # Every LA csww ships for 2025, save the two that left in 2023 (Cumbria, North
    # Yorkshire's old code is the same 815) and Northamptonshire (split 2021).
    placed = set(ons.frame["LA"].drop_nulls().unique().to_list())
    missing = set(la_codes_for(2025)) - placed
    assert missing <= {"909", "928"}, missing


def test_postcodes_of_the_new_districts_find_their_la(ons: PostcodeLookup) -> None:
    found = ons.locate(pl.Series(["CA1 1QS", "s1 2hh", "SW1A1AA", "", None, "ZZ99 9ZZ"]))
    assert found["LA"].to_list() == ["942", "373", "213", None, None, None]
    assert found["EAST"][2] == 529090.0 and found["NORTH"][2] == 179645.0


def test_only_the_letters_used_are_loaded() -> None:
    small = PostcodeLookup.from_package(["CA1 1QS", "ca2 5aa"])
    assert 0 < len(small) < 400_000  # of 2.7 million
    assert small.frame["PC_KEY"].str.slice(0, 1).unique().to_list() == ["C"]


def test_canonical_postcode() -> None:
    assert canonical(" bn20  8jx ") == "BN20 8JX"
    assert canonical("sw1a1aa") == "SW1A 1AA"
    assert canonical("  ") is None


def test_childrens_homes_layout() -> None:
    urns = read_urn_list(FAKE / "ch_fake.xlsx")
    assert urns.layouts == ("childrens_homes",) and urns.has_codes
    row = urns.frame.row(0, named=True)
    assert row["URN"] == "NJASCN" and row["PROVIDER_CODES"] == ["COD3"]
    assert row["POSTCODE"] == "BN20 8JX" and row["REG_START"] == dt.date(2023, 12, 1)
    assert row["REG_END"] is None  # '-' in the list
    # The conditions sheet is not a list of settings: passed over, and said so.
    assert any("Registration Conditions" in n for n in urns.notes)


def test_social_care_providers_layout_reads_current_and_closed_sheets() -> None:
    urns = read_urn_list(FAKE / "scp_fake.xlsx")
    assert urns.layouts == ("social_care_providers",)
    assert urns.frame.select("URN", "REG_END").rows() == [
        ("BABABOOEY", None),
        ("P4BABOO7", dt.date(2023, 1, 1)),
    ]


def test_combined_list_with_supported_accommodation_defaults_to_k3_pr4() -> None:
    urns = read_urn_list(FAKE / "scpch_assisted.xlsx")
    assert urns.layouts == ("scpch", "scpch_supported_accommodation")
    sa = urns.frame.filter(pl.col("LAYOUT") == "scpch_supported_accommodation")
    assert sa["URN"].to_list() == ["ISL00001", "TNT00001"]
    assert sa["PLACE_CODES"].to_list() == [["K3"], ["K3"]]
    providers = urns.frame.filter(pl.col("LAYOUT") == "scpch")
    assert providers["PLACE_CODES"][0].to_list() == ["U1", "U2", "U3", "U4", "U5", "U6"]
    dated = read_urn_list(FAKE / "scp_ch_2025_fake.xlsx").frame
    assert dated.filter(pl.col("URN") == "2")["REG_END"].to_list() == [dt.date(2024, 2, 1)]


def test_plain_csv_layout(tmp_path: Path, ons: PostcodeLookup) -> None:
    path = tmp_path / "urns.csv"
    path.write_text(
        "URN,placement codes,provider codes,postcode,registration date,closure date\n"
        'SC123456,"K2, K1",PR4,ca1 1qs,01/04/2015,\n'
        '1234567,U4,"PR4,PR5",S1 2HH,01/01/2020,31/12/2024\n'
    )
    urns = read_urn_list(path, postcodes=ons)
    assert urns.has_codes and urns.has_postcodes and urns.limits() is None
    assert urns.frame.select(
        "URN", "PLACE_CODES", "PROVIDER_CODES", "LA_CODE", "REG_END"
    ).rows() == [
        ("SC123456", ["K2", "K1"], ["PR4"], "942", None),
        ("1234567", ["U4"], ["PR4", "PR5"], "373", dt.date(2024, 12, 31)),
    ]


def test_public_data_supports_only_existence_and_dates_and_says_so() -> None:
    urns = read_urn_list(
        [
            REF / "ofsted_public" / "Provider_level_at_31_Aug_2024.csv",
            REF / "ofsted_public" / "Closed_childrens_homes_31Mar24.csv",
        ]
    )
    assert urns.layouts == ("ofsted_public_providers", "ofsted_public_closed")
    assert len(urns) > 3000 and not urns.has_codes and not urns.has_postcodes
    assert "only the checks that a URN exists" in (urns.limits() or "")
    assert urns.frame["POSTCODE"].null_count() == len(urns)  # REDACTED is no postcode


def test_a_file_of_no_known_layout_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("name,age\nx,1\n")
    with pytest.raises(UrnListError, match="not a URN list"):
        read_urn_list(path)
