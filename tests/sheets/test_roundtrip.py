"""XML ↔ workbook ↔ CSV: every return comes back exactly, valid or not.

Returns are generated with valid and invalid raw text, zeros, codes with leading zeros, long
decimals, labels where codes belong, UK dates, text a spreadsheet would take for a formula,
unknown, repeated and empty elements, and with or without the LA-level section.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csww.model import Record, Return
from csww.reader import read
from csww.sheets.convert import escape, unescape, write_csv_dir, write_workbook
from csww.sheets.csv_reader import read_csv
from csww.sheets.workbook_reader import read_workbook
from csww.spec import load_spec
from csww.writer import to_bytes
from tests.factories import make_return

SPEC = load_spec(2018)
REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "csww"

AWKWARD = [
    "0",
    "00",
    "0.0",
    "0.000000",
    "01",
    "007",
    "1.50",
    "0.123456789012345678",
    "1e3",
    "-0",
    "+1",
    "-3",
    "=1+1",
    '=HYPERLINK("x")',
    "@SUM(A1)",
    "'=1",
    "''+2",
    "'",
    "TRUE",
    "#N/A",
    "male",
    "Male",
    "1 – Male",
    "31/03/2017",
    "2017-3-1",
    "31 March 2017",
    "2017-02-30",
    "SW 123",
    "Zoë O'Brien",
    "a\nb",
    "a,b",
    '"quoted"',
    "12:00",
    "302 – Barnet",
    "barnet",
]
UNKNOWN = ["Sex", "Notes", "CFKSSstatus", "HCPCNo2", "X.y-z", "_private"]
MESSAGE_EXTRAS = ["Comment", "Trailer"]


def clean(text: str) -> str:
    return text.strip()


text_values = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Cn"), blacklist_characters="\ufeff")
    | st.just("\n"),
    max_size=20,
).map(clean)


def valid_for(element: str) -> st.SearchStrategy[str]:
    item = SPEC.worker.get(element) or SPEC.header.get(element) or SPEC.la.get(element)
    if item is None:
        return st.sampled_from(AWKWARD)
    if item.type == "code":
        return st.sampled_from(sorted(SPEC.codes(item)))
    if item.type == "la_code":
        return st.sampled_from(sorted(SPEC.la_codes))
    if item.type == "date":
        return st.dates().map(lambda d: d.isoformat())
    if item.type in ("decimal", "integer"):
        return st.decimals(min_value=0, max_value=99, places=item.dp or 0).map(str)
    return text_values


def value_for(element: str) -> st.SearchStrategy[str]:
    return st.one_of(valid_for(element), st.sampled_from(AWKWARD), text_values, st.just(""))


@st.composite
def records(draw: st.DrawFn, known: list[str]) -> Record:
    chosen = draw(st.lists(st.sampled_from(known), unique=True, max_size=len(known)))
    values = {element: draw(value_for(element)) for element in chosen}
    for element in draw(st.lists(st.sampled_from(UNKNOWN), unique=True, max_size=2)):
        values[element] = draw(value_for(element))
    extras = draw(
        st.lists(
            st.tuples(st.sampled_from(list(values) or ["Sex"]), st.sampled_from(AWKWARD)),
            max_size=2,
        )
    )
    extras = [(e, t) for e, t in extras if e in values]
    return Record(values=values, extras=extras)


@st.composite
def returns(draw: st.DrawFn) -> Return:
    header = draw(records(list(SPEC.header)))
    if "Year" in header.values:
        header.values["Year"] = draw(st.sampled_from(["2017", "2018", "2022", "abc", ""]))
    la = draw(st.none() | records(list(SPEC.la)))
    # A worker element with no items at all has no row to live in (blank rows are skipped);
    # 'csww convert' reports such records instead (see test_cli).
    workers = draw(
        st.lists(records(list(SPEC.worker)).filter(lambda r: bool(r.values)), max_size=4)
    )
    extras = draw(
        st.lists(st.tuples(st.sampled_from(MESSAGE_EXTRAS), st.sampled_from(AWKWARD)), max_size=2)
    )
    return Return(header=header, la=la, workers=workers, extras=extras)


def through_everything(ret: Return, folder: Path) -> list[Return]:
    """The return after XML, after XML → workbook, and after workbook → CSV."""
    from_xml = read(to_bytes(ret))
    write_workbook(from_xml, folder / "r.xlsx")
    from_xlsx = read_workbook(folder / "r.xlsx")
    write_csv_dir(from_xlsx, folder / "csv")
    from_csv = read_csv(folder / "csv")
    return [from_xml, from_xlsx, from_csv]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(returns())
def test_any_return_survives_xml_workbook_and_csv_exactly(ret: Return) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for stage in through_everything(ret, Path(tmp)):
            assert stage == ret


def test_the_factory_return_round_trips_with_every_value_in_its_own_column(tmp_path: Path) -> None:
    ret = make_return()
    assert through_everything(ret, tmp_path) == [ret, ret, ret]
    header = (tmp_path / "csv" / "workers.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert "Other item" not in header


@pytest.mark.parametrize("sample", sorted(REFERENCE.glob("*.xml")), ids=lambda p: p.name)
def test_third_party_samples_round_trip(sample: Path, tmp_path: Path) -> None:
    original = read(sample)
    write_workbook(original, tmp_path / "s.xlsx")
    assert read_workbook(tmp_path / "s.xlsx") == original
    write_csv_dir(original, tmp_path / "csv")
    assert read_csv(tmp_path / "csv") == original
    assert read(to_bytes(read_workbook(tmp_path / "s.xlsx"))) == original


@given(st.text(max_size=8) | st.sampled_from(AWKWARD))
def test_csv_formula_escape_is_reversible(text: str) -> None:
    assert unescape(escape(text)) == text
    assert not escape(text).startswith(("=", "@")) or text.startswith(("=", "@")) is False


@pytest.mark.parametrize("text", ["=1+1", "@x", "+A1", "-A1", "'=1"])
def test_csv_escape_neutralises_formulas(text: str) -> None:
    assert escape(text).startswith("'")
    assert escape("-3") == "-3" and escape("+1.5") == "+1.5"
