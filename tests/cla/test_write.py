"""DfE's XML from the 903's tables: valid against DfE's XSD, and read back unchanged."""

from __future__ import annotations

import polars as pl
import pytest
from lxml import etree

from csww.cla.read import read_return
from csww.cla.read.layout import layout
from csww.cla.references.postcodes import PostcodeLookup
from csww.cla.spec import available_years, spec_for
from csww.cla.synth import synth_return
from csww.cla.write import unwritten, write_xml
from tests.paths import SHARED

REF = SHARED / "reference" / "ssda903"


@pytest.fixture(scope="module")
def xsd() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(REF / "dfe_xsd" / "CLA.xsd")))


@pytest.fixture(scope="module")
def ons() -> PostcodeLookup:
    return PostcodeLookup.from_package()


def _validate(xsd: etree.XMLSchema, data: bytes) -> list[str]:
    ok = xsd.validate(etree.fromstring(data))
    return [] if ok else [f"{e.line}: {e.message}" for e in xsd.error_log][:5]


@pytest.mark.parametrize("year", [2016, 2020, 2024, 2025, 2026, 2027])
def test_synthetic_returns_are_valid_against_dfes_xsd(
    xsd: etree.XMLSchema, ons: PostcodeLookup, year: int
) -> None:
    result = synth_return("213", year, seed=year, postcodes=ons, children=150)
    assert _validate(xsd, write_xml(result.tables)) == []
    assert _validate(xsd, write_xml(result.previous)) == []


def test_dfes_fake_return_rewritten_is_valid_and_reads_back_the_same(xsd: etree.XMLSchema) -> None:
    first = read_return(REF / "d2i_903" / "fake_data" / "fake_903.xml").tables
    assert first is not None
    data = write_xml(first)
    assert _validate(xsd, data) == []
    again = read_return(data).tables
    assert again is not None
    for name, frame in first.items():
        assert again[name].drop("_line", "_cell").equals(frame.drop("_line", "_cell")), name
    assert write_xml(again) == data


def test_the_validator_has_teeth(xsd: etree.XMLSchema, ons: PostcodeLookup) -> None:
    tables = dict(synth_return("213", 2025, seed=1, postcodes=ons, children=5).tables)
    tables["Episodes"] = tables["Episodes"].with_columns(pl.lit("2024-04-01").alias("DECOM"))
    assert _validate(xsd, write_xml(tables)) != []


def test_items_are_escaped_and_csv_only_tables_are_named() -> None:
    result = read_return(b"CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nA&B<1>,1,01/01/2010,WBRI,,,\n")
    assert result.tables is not None
    data = write_xml(result.tables)
    assert b"<CHILDID>A&amp;B&lt;1&gt;</CHILDID>" in data
    back = read_return(data).tables
    assert back is not None and back["Header"]["CHILD"].to_list() == ["A&B<1>"]
    sw = read_return(b"CHILD,DOB,SW_ID,SW_DECOM,SW_DEC,SW_REASON\nC1,01/01/2010,SW1,01/04/2024,,\n")
    assert sw.tables is not None and unwritten(sw.tables) == ["SWEpisodes"]


@pytest.mark.parametrize("year", available_years())
def test_the_readers_layout_agrees_with_the_years_specification(year: int) -> None:
    spec = spec_for(year)
    lay = layout()
    # The reader knows every year's tables: a year's columns are the layout's, in its order
    # (an earlier year lacks some: 2015 had no reason for placement change and no URN).
    for name, table in spec.tables.items():
        known = lay.table(name).columns
        assert set(table.columns) <= set(known), name
        assert [c for c in known if c in table.columns] == list(table.columns), name
    header = [
        lay.table(ref.split(".")[0]).xml_name_of(ref.split(".")[1])
        if "." in ref
        else str(lay.table(ref).element)
        for ref in spec.xml.header_order
    ]
    assert [e for e in lay.header_order if e in header] == header
    episodes = lay.table("Episodes")
    order = [episodes.column_of(e) for e in episodes.xml_order]
    assert [c for c in order if c in spec.xml.episode_order] == list(spec.xml.episode_order)
