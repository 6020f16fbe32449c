"""The SSDA903 specification by year: tables, items, codes with since/until, facts."""

from __future__ import annotations

import re

import pytest

from csww.cla.spec import UnknownYear, available_years, spec_for
from tests.paths import SHARED

XSD = SHARED / "reference/ssda903/dfe_xsd/CLA.xsd"
CSV_COLUMNS = {
    "Header": "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB",
    "Episodes": "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,"
    "HOME_POST,PL_POST,URN",
    "UASC": "CHILD,SEX,DOB,DUC",
    "Reviews": "CHILD,DOB,REVIEW,REVIEW_CODE",
    "OC2": "CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,TEETH_CHECK,"
    "HEALTH_ASSESSMENT,SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,INTERVENTION_OFFERED",
    "OC3": "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM",
    "AD1": "CHILD,DOB,DATE_INT,DATE_MATCH,FOSTER_CARE,NB_ADOPTR,SEX_ADOPTR,LS_ADOPTR",
    "PlacedAdoption": "CHILD,DOB,DATE_PLACED,DATE_PLACED_CEASED,REASON_PLACED_CEASED",
    "PrevPerm": "CHILD,DOB,PREV_PERM,LA_PERM,DATE_PERM",
    "Missing": "CHILD,DOB,MISSING,MIS_START,MIS_END",
    "SWEpisodes": "CHILD,DOB,SW_ID,SW_DECOM,SW_DEC,SW_REASON",
    "DoLo": "CHILD,DOB,DOLO_START,DOLO_END",
}


def test_years_2015_to_2027_named_by_their_31_march() -> None:
    assert available_years() == list(range(2015, 2028))
    spec = spec_for(2016)
    assert (spec.start.isoformat(), spec.end.isoformat()) == ("2015-04-01", "2016-03-31")
    with pytest.raises(UnknownYear):
        spec_for(2014)


def test_tables_by_year() -> None:
    ten = set(list(CSV_COLUMNS)[:10])
    assert set(spec_for(2015).tables) == ten
    assert set(spec_for(2023).tables) == ten
    assert set(spec_for(2024).tables) == ten | {"SWEpisodes"}
    assert set(spec_for(2027).tables) == ten | {"SWEpisodes", "DoLo"}


@pytest.mark.parametrize("name", list(CSV_COLUMNS))
def test_latest_columns_are_dfe_csv_columns(name: str) -> None:
    assert ",".join(spec_for(2027).table(name).columns) == CSV_COLUMNS[name]


def test_2015_has_no_reason_for_placement_change_or_urn() -> None:
    before = spec_for(2015).table("Episodes")
    after = spec_for(2016).table("Episodes")
    assert not before.has("REASON_PLACE_CHANGE") and not before.has("URN")
    assert after.has("REASON_PLACE_CHANGE") and after.has("URN")


def test_seed_changes_take_effect_in_2016() -> None:
    assert spec_for(2015).codes("RNE") == {"S", "L", "P", "B"}
    assert spec_for(2016).codes("RNE") == {"S", "L", "P", "T", "B", "U"}
    assert spec_for(2015).cohorts["oc3_ages"] == (19, 20, 21)
    assert spec_for(2016).cohorts["oc3_ages"] == (17, 18, 19, 20, 21)
    reasons = spec_for(2016).codes("REASON_PLACE_CHANGE")
    assert len(reasons) == 11 and "CUSTOD" not in reasons
    assert len(spec_for(2019).codes("REASON_PLACE_CHANGE")) == 12


def test_codes_carry_since_and_until() -> None:
    place = {c.code: c for c in spec_for(2027).codelists["PLACE"]}
    assert (place["K3"].since, place["K3"].until) == (2025, None)
    assert (place["Z1"].since, place["Z1"].until) == (2015, 2025)
    assert place["Z11"].since == 2026
    rne = {c.code: c for c in spec_for(2027).codelists["RNE"]}
    assert (rne["T"].since, rne["S"].since) == (2016, 2015)
    rec = {c.code: c for c in spec_for(2027).codelists["REC"]}
    assert rec["E43"].until == 2018 and rec["E45"].since == 2019
    sex = {c.code: c for c in spec_for(2027).codelists["SEX"]}
    assert sex["1"].until == 2024 and sex["M"].since == 2025
    activ = {c.code: c for c in spec_for(2027).codelists["ACTIV"]}
    assert activ["F3"].until == 2021 and activ["F4"].since == 2022


def test_item_codes_follow_the_year() -> None:
    assert "K3" in spec_for(2025).table("Episodes").item("PLACE").codes
    assert "K3" not in spec_for(2024).table("Episodes").item("PLACE").codes
    assert spec_for(2025).table("UASC").item("SEX").codes == {"M", "F", "U"}
    # Groups that rules use change with the year too.
    assert "Z1" in spec_for(2025).group("urn_exempt")
    assert "Z11" in spec_for(2026).group("urn_exempt") and "Z1" not in spec_for(2026).group(
        "urn_exempt"
    )


def test_every_fact_has_a_source_and_confidence_and_out_of_area_is_not_adopted() -> None:
    for year in available_years():
        for fact in spec_for(year).facts:
            assert fact.source and fact.confidence in {"certain", "high", "medium", "low"}
    out_of_area = [f for f in spec_for(2016).facts if "out-of-area" in f.what]
    assert len(out_of_area) == 1 and "never adopted" in out_of_area[0].what
    for year in available_years():
        for table in spec_for(year).tables.values():
            assert not any("AREA" in i.name for i in table.items)


def _xsd_lengths() -> dict[str, int]:
    text = XSD.read_text(encoding="utf-8")
    found: dict[str, int] = {}
    for match in re.finditer(r'<xs:element name="(\w+)"(.*?)</xs:element>', text, re.S):
        length = re.search(r'<xs:(?:maxLength|length) value="(\d+)"', match.group(2))
        if length and match.group(1) not in found:
            found[match.group(1)] = int(length.group(1))
    return found


def test_xml_names_and_lengths_agree_with_dfe_xsd() -> None:
    spec = spec_for(2021)
    lengths = _xsd_lengths()
    text = XSD.read_text(encoding="utf-8")
    for table in spec.tables.values():
        for item in table.items:
            assert f'name="{item.element}"' in text, item.element
            if item.max_length is not None and item.element in lengths and item.type != "date":
                assert item.max_length == lengths[item.element], item.element
    episode_elements = [spec.table("Episodes").item(i).element for i in spec.xml.episode_order]
    positions = [text.index(f'name="{e}"', text.index('name="EPISODE"')) for e in episode_elements]
    assert positions == sorted(positions)
