"""The reader keeps everything, refuses hostile input and explains unreadable files."""

from __future__ import annotations

import io

import pytest

from csww import read, validate
from csww.engine import validate as engine_validate
from csww.reader import ReadError, read_with_notes
from tests.paths import SAMPLES


def message(workers: str, header_year: str = "2018") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Message>
  <Header>
    <CollectionDetails><Collection>CSWW</Collection><Year>{header_year}</Year><ReferenceDate>{header_year}-09-30</ReferenceDate></CollectionDetails>
    <Source><SourceLevel>L</SourceLevel><LEA>301</LEA><SoftwareCode>t</SoftwareCode><DateTime>{header_year}-10-10T10:00:00</DateTime></Source>
  </Header>
  <LALevelVacancies><NumberOfVacancies>0</NumberOfVacancies><NoAgencyFTE>0</NoAgencyFTE><NoAgencyHeadcount>0</NoAgencyHeadcount></LALevelVacancies>
{workers}
</Message>""".encode()


def test_values_lines_zeros_and_repeats_are_kept() -> None:
    data = message(
        "<CSWWWorker><AgencyWorker>0</AgencyWorker><SWENo>SW1</SWENo><FTE>0</FTE>"
        "<Cases30>0</Cases30><Cases30>3</Cases30><Mystery>x</Mystery></CSWWWorker>"
    )
    ret = read(data)
    worker = ret.workers[0]
    assert worker.values["FTE"] == "0"
    assert worker.values["Cases30"] == "0"
    assert worker.extras == [("Cases30", "3")]
    assert worker.values["Mystery"] == "x"
    assert worker.lines["SWENo"] == 8
    assert ret.la is not None and ret.la.values["NoAgencyHeadcount"] == "0"
    assert ret.header.values["LEA"] == "301"


def test_unknown_and_repeated_elements_are_reported_not_dropped() -> None:
    data = message(
        "<CSWWWorker><AgencyWorker>0</AgencyWorker><SWENo>SW1</SWENo>"
        "<Cases30>0</Cases30><Cases30>3</Cases30><Mystery>x</Mystery></CSWWWorker>"
    )
    report = validate(data)
    found = {(i.rule, i.field, i.value) for i in report.issues}
    assert ("902", "Cases30", "3") in found
    assert ("901Q", "Mystery", "x") in found


def test_hcpcno_is_read_as_swe_number() -> None:
    ret = read(message("<CSWWWorker><HCPCNo>SW42</HCPCNo></CSWWWorker>"))
    assert ret.workers[0].values == {"SWENo": "SW42"}


def test_year_comes_from_header_not_file_name(tmp_path) -> None:
    path = tmp_path / "csww_2030_return.xml"
    path.write_bytes(message("<CSWWWorker><SWENo>SW1</SWENo></CSWWWorker>", header_year="2017"))
    assert validate(path).year == 2017


def test_a_year_the_header_contradicts_is_refused_as_csww_validate_refuses_it() -> None:
    data = message("<CSWWWorker><SWENo>SW1</SWENo></CSWWWorker>", header_year="2017")
    report = validate(data, year=2018)
    assert report.fatal is not None and not report.issues
    assert "header says it is the 2017 return, but the 2018 collection" in report.fatal.message
    # The engine itself (an edit in memory, checked against its collection's year) still
    # reports the disagreement as rule 109.
    checked = engine_validate(data, year=2018)
    assert checked.year == 2018
    assert "109" in checked.counts_by_rule()


def test_a_return_that_gives_no_year_is_refused_unless_a_year_is_given() -> None:
    data = message("<CSWWWorker><SWENo>SW1</SWENo></CSWWWorker>", header_year="")
    report = validate(data)
    assert report.fatal is not None and not report.issues
    assert "does not say which collection year" in report.fatal.message
    assert "Year item" in report.fatal.message and "year=" in report.fatal.message
    assert validate(data, year=2018).year == 2018
    assert validate(io.BytesIO(data)).fatal == report.fatal


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "empty"),
        (b"<Message><Header>", "truncated"),
        (b"<Message><Header></Message>", "not well-formed"),
        (b"PK\x03\x04rest-of-zip", "spreadsheet"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", ".xls"),
        (b"<Root><Other/></Root>", "does not look like a CSWW return"),
        (b"<Other><Header/></Other>", "top element is <Other>"),
        (
            "<?xml version='1.0' encoding='UTF-8'?><Message><Header><X>caf\xe9</X></Header></Message>".encode(
                "latin-1"
            ),
            "encoding",
        ),
    ],
)
def test_unreadable_files_give_one_clear_message(data: bytes, expected: str) -> None:
    report = validate(data)
    assert report.fatal is not None
    assert expected in report.fatal.message
    assert not report.valid


def test_malformed_file_reports_line_and_column() -> None:
    data = b"<Message>\n<Header>\n<Year>2017</Yr>\n</Header>\n</Message>"
    with pytest.raises(ReadError) as info:
        read(data)
    assert info.value.line == 3
    assert info.value.column is not None


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE Message [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
]>
<Message><Header><CollectionDetails><Collection>&d;</Collection></CollectionDetails></Header></Message>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE Message [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Message><Header><CollectionDetails><Collection>&secret;</Collection></CollectionDetails></Header></Message>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE Message SYSTEM "http://example.invalid/csww.dtd">
<Message><Header/></Message>"""


NO_RECORDS_WITH_ENTITY = (
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><Message>&a;</Message>'
)


@pytest.mark.parametrize(
    "data", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD, NO_RECORDS_WITH_ENTITY]
)
def test_hostile_xml_is_refused_without_expansion(data: bytes) -> None:
    report = validate(data)
    assert report.fatal is not None
    assert "DOCTYPE" in report.fatal.message
    assert report.workers == 0


def test_deeply_nested_xml_is_refused() -> None:
    data = b"<Message><Header>" + b"<a>" * 5000 + b"x" + b"</a>" * 5000 + b"</Header></Message>"
    report = validate(data)
    assert report.fatal is not None
    assert report.fatal.line is not None


def test_size_limit_is_enforced(tmp_path) -> None:
    path = tmp_path / "big.xml"
    path.write_bytes(message("<CSWWWorker><SWENo>SW1</SWENo></CSWWWorker>" * 50))
    report = validate(path, max_bytes=1000)
    assert report.fatal is not None and "limit" in report.fatal.message


def test_size_limit_on_unsized_stream() -> None:
    stream = io.BufferedReader(
        io.BytesIO(message("<CSWWWorker><SWENo>SW1</SWENo></CSWWWorker>" * 50))
    )  # type: ignore[arg-type]
    report = validate(stream, max_bytes=1000)
    assert report.fatal is not None and "limit" in report.fatal.message


def test_missing_file_is_a_message_not_a_traceback(tmp_path) -> None:
    report = validate(tmp_path / "nope.xml")
    assert report.fatal is not None and "Cannot open" in report.fatal.message


def test_structure_problems_are_issues() -> None:
    data = message(
        "<CSWWWorker><SWENo>SW1</SWENo>stray<FTE><x>1</x></FTE></CSWWWorker>"
        "<Extra>1</Extra><Wrapper><CSWWWorker><SWENo>SW2</SWENo></CSWWWorker></Wrapper>"
        "<LALevelVacancies><NumberOfVacancies>1</NumberOfVacancies></LALevelVacancies>"
    )
    ret, notes = read_with_notes(data)
    kinds = {n.kind for n in notes}
    assert {"stray_text", "nested", "unknown_record", "misplaced", "duplicate_record"} <= kinds
    assert ("Extra", "1") in ret.extras
    rules = validate(data).counts_by_rule()
    for rule_id in ("904", "905", "906", "907Q", "908"):
        assert rules[rule_id] >= 1, rule_id


def test_namespaced_message_is_read() -> None:
    data = message("<CSWWWorker><SWENo>SW1</SWENo></CSWWWorker>").replace(
        b"<Message>", b'<Message xmlns="urn:x">'
    )
    ret = read(data)
    assert ret.workers[0].values["SWENo"] == "SW1"
    assert ret.header.values["Year"] == "2018"


def test_third_party_sample_reads_completely() -> None:
    ret = read(f"{SAMPLES}/csww-2022-sample.xml")
    assert len(ret.workers) == 30
    assert ret.header.values["Year"] == "2022"
    assert ret.workers[0].values["SWENo"] == "Oz2054309383"
    # the sample's first worker has 17 elements (CFKSSstatus included); every one is kept
    assert len(ret.workers[0].values) == 17
    assert ret.workers[0].values["CFKSSstatus"] == "1"


class _Pipe(io.RawIOBase):
    """A stream that cannot seek, as a pipe or a socket gives."""

    def __init__(self, data: bytes) -> None:
        self.data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        chunk = self.data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def test_a_stream_is_read_for_its_year_then_checked_whole() -> None:
    data = message(
        "<CSWWWorker><SWENo>SW1</SWENo><Cases30>0</Cases30><Cases30>3</Cases30></CSWWWorker>"
    )
    whole = validate(data)
    assert whole.fatal is None and whole.year == 2018 and whole.issues
    assert validate(io.BytesIO(data)).flatten() == whole.flatten()
    pipe = io.BufferedReader(_Pipe(data))
    assert not pipe.seekable()
    assert validate(pipe).flatten() == whole.flatten()
