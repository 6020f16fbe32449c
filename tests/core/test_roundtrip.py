"""read(write(r)) == r, for returns Hypothesis builds, and for every third-party sample."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csww import read, to_bytes
from csww.model import Record, Return
from csww.spec import load_spec
from tests.paths import SAMPLES as SAMPLE_DIR

SAMPLES = sorted(SAMPLE_DIR.glob("*.xml"))
SPEC = load_spec(2018)
WORKER_ITEMS = list(SPEC.worker)
HEADER_ITEMS = [
    "Collection",
    "Year",
    "ReferenceDate",
    "SourceLevel",
    "LEA",
    "SoftwareCode",
    "DateTime",
]
LA_ITEMS = list(SPEC.la)

# Text as an LA might write it: any printable characters, XML-escapable ones included, but
# no surrounding whitespace (XML Schema collapses it) and no carriage returns (XML
# normalises them to line feeds).
text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\r"),
    max_size=12,
).map(str.strip)
numbers = st.sampled_from(["0", "0.0", "00", "1", "0.123456", "-1", "1e3", "007", "3.14159265"])
value = st.one_of(text, numbers)
unknown_name = st.from_regex(r"[A-Z][a-zA-Z]{0,8}", fullmatch=True).filter(
    lambda n: (
        n not in WORKER_ITEMS
        and n not in HEADER_ITEMS
        and n not in LA_ITEMS
        and n
        not in (
            "CollectionDetails",
            "Source",
            "Header",
            "LALevelVacancies",
            "CSWWWorker",
            "Message",
            "HCPCNo",
        )
    )
)


def record(known: list[str]) -> st.SearchStrategy[Record]:
    return st.builds(
        lambda vals, unknown, extras: Record(values={**vals, **unknown}, extras=extras),
        st.dictionaries(st.sampled_from(known), value, max_size=len(known)),
        st.dictionaries(unknown_name, value, max_size=2),
        st.lists(st.tuples(st.sampled_from(known), value), max_size=2),
    ).filter(lambda r: all(name in r.values for name, _ in r.extras))


returns = st.builds(
    Return,
    header=record(HEADER_ITEMS),
    la=st.none() | record(LA_ITEMS),
    workers=st.lists(record(WORKER_ITEMS), max_size=6),
    extras=st.lists(st.tuples(unknown_name, text), max_size=2),
)


@settings(max_examples=300, deadline=None)
@given(returns)
def test_write_then_read_gives_the_same_return(ret: Return) -> None:
    assert read(to_bytes(ret)) == ret


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_samples_round_trip_exactly(path: Path) -> None:
    ret = read(path)
    again = read(to_bytes(ret))
    assert again == ret
    assert to_bytes(again) == to_bytes(ret)


def test_writer_puts_items_in_schema_order() -> None:
    ret = Return(workers=[Record(values={"Cases30": "0", "SWENo": "SW1", "AgencyWorker": "0"})])
    xml = to_bytes(ret).decode()
    assert xml.index("<AgencyWorker>") < xml.index("<SWENo>") < xml.index("<Cases30>")
    assert "<Cases30>0</Cases30>" in xml


def test_complete_header_fills_collect_items() -> None:
    from datetime import datetime

    from csww.writer import complete_header

    ret = Return()
    complete_header(ret, SPEC, lea="301", now=datetime(2018, 10, 3, 9, 0, 5))
    assert ret.header.values == {
        "Collection": "CSWW",
        "Year": "2018",
        "ReferenceDate": "2018-09-30",
        "SourceLevel": "L",
        "SoftwareCode": ret.header.values["SoftwareCode"],
        "DateTime": "2018-10-03T09:00:05",
        "LEA": "301",
    }
    xml = to_bytes(ret).decode()
    assert xml.index("<CollectionDetails>") < xml.index("<Source>")
