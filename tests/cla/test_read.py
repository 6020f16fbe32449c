"""Reading 903 returns: DfE's XML and the CSV set into the 903's tables, and hostile input."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from csww.cla.read import TABLE_NAMES, read_return
from tests.paths import SHARED

FAKE = SHARED / "reference" / "ssda903" / "d2i_903" / "fake_data"

XML = b"""<?xml version="1.0" encoding="UTF-8"?>
<EXPSSDA903>
  <CHILD>
    <HEADER>
      <CHILDID>C1</CHILDID>
      <UPN>A123456789012</UPN>
      <SEX>1</SEX>
      <DOB>01/02/2010</DOB>
      <ETHNIC>WBRI</ETHNIC>
      <UASC>1</UASC>
      <DUC>01/02/2028</DUC>
      <IN_TOUCH>YES</IN_TOUCH>
      <ACTIV>F2</ACTIV>
      <ACCOM>H1</ACCOM>
      <AREVIEW><REVIEW>03/05/2024</REVIEW><REVIEW_CODE>PN1</REVIEW_CODE></AREVIEW>
      <AREVIEW><REVIEW>03/11/2024</REVIEW><REVIEW_CODE>PN0</REVIEW_CODE></AREVIEW>
      <MOTHER />
      <PERMANENCE><PREV_PERM>Z1</PREV_PERM></PERMANENCE>
    </HEADER>
    <EPISODE>
      <DECOM>01/04/2024</DECOM><RNE>S</RNE><LS>C2</LS><CIN>N1</CIN><PL>U4</PL>
      <PL_POST>SW1A 1AA</PL_POST><HOME_POST>SW1A 2AA</HOME_POST><URN>SC123456</URN>
      <PLACE_PROVIDER>PR1</PLACE_PROVIDER><DEC>01/06/2024</DEC><REC>X1</REC>
      <REASON_PLACE_CHANGE>CARPL</REASON_PLACE_CHANGE>
    </EPISODE>
    <EPISODE>
      <DECOM>01/06/2024</DECOM><RNE>P</RNE><LS>C2</LS><CIN>N1</CIN><PL>K2</PL>
      <DEC /><REC />
    </EPISODE>
  </CHILD>
  <CHILD>
    <HEADER>
      <CHILDID> C2 </CHILDID><UPN /><SEX>2</SEX><DOB>05/06/2012</DOB><ETHNIC>WBRI</ETHNIC>
      <UASC>0</UASC>
    </HEADER>
  </CHILD>
</EXPSSDA903>
"""


def test_xml_items_land_in_the_tables_named_as_dfe_csv() -> None:
    result = read_return(XML)
    assert result.ok and result.format == "xml" and result.notes == []
    t = result.tables
    assert t is not None
    assert set(t) == set(TABLE_NAMES)
    header = t["Header"]
    assert header["CHILD"].to_list() == ["C1", "C2"]  # whitespace stripped, text kept
    assert header["UPN"].to_list() == ["A123456789012", None]
    eps = t["Episodes"]
    assert eps["CHILD"].to_list() == ["C1", "C1"]
    assert eps["PLACE"].to_list() == ["U4", "K2"]  # XML PL is the CSV's PLACE
    assert eps["DEC"].to_list() == ["01/06/2024", None]
    assert eps["_line"].to_list() == [20, 26]
    # UASC and OC3 items of HEADER go to their own tables, with CHILD, SEX and DOB.
    assert t["UASC"].select("CHILD", "SEX", "DOB", "DUC").rows() == [
        ("C1", "1", "01/02/2010", "01/02/2028")
    ]
    assert t["OC3"].select("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM").rows() == [
        ("C1", "01/02/2010", "YES", "F2", "H1")
    ]
    assert t["Reviews"]["REVIEW_CODE"].to_list() == ["PN1", "PN0"]
    assert t["PrevPerm"].select("CHILD", "PREV_PERM", "LA_PERM").rows() == [("C1", "Z1", None)]
    assert t["OC2"].is_empty() and t["AD1"].is_empty() and t["SWEpisodes"].is_empty()
    assert t["SWEpisodes"].columns[:6] == [
        "CHILD",
        "DOB",
        "SW_ID",
        "SW_DECOM",
        "SW_DEC",
        "SW_REASON",
    ]


def test_codes_are_kept_as_written_never_upper_cased() -> None:
    result = read_return(XML.replace(b"<PL>K2</PL>", b"<PL>k2</PL>"))
    assert result.tables is not None
    assert result.tables["Episodes"]["PLACE"].to_list() == ["U4", "k2"]


def test_unknown_and_repeated_elements_are_notes_not_dropped_in_silence() -> None:
    xml = XML.replace(b"<RNE>S</RNE>", b"<RNE>S</RNE><RNE>P</RNE><COLOUR>red</COLOUR>").replace(
        b"<MOTHER />", b"<MOTHER /><FAVOURITE>x</FAVOURITE>"
    )
    result = read_return(xml)
    assert result.tables is not None
    kinds = sorted((n.kind, n.element, n.text) for n in result.notes)
    assert kinds == [
        ("duplicate_element", "RNE", "P"),
        ("unknown_element", "COLOUR", "red"),
        ("unknown_element", "FAVOURITE", "x"),
    ]
    assert result.tables["Episodes"]["RNE"].to_list() == ["S", "P"]  # the first RNE kept
    assert all(n.line for n in result.notes)


def test_a_uasc_flag_that_is_not_0_or_1_is_a_note() -> None:
    result = read_return(XML.replace(b"<UASC>0</UASC>", b"<UASC>Y</UASC>"))
    assert [(n.kind, n.text) for n in result.notes] == [("uasc_flag", "Y")]
    assert result.tables is not None and result.tables["UASC"]["CHILD"].to_list() == ["C1", "C2"]


def test_dfe_fake_xml_reads_whole() -> None:
    result = read_return(FAKE / "fake_903.xml")
    assert result.ok and result.notes == []
    t = result.tables
    assert t is not None
    assert t["Header"].height == 253 and t["Episodes"].height == 459
    assert t["Episodes"]["CHILD"].null_count() == 0


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><EXPSSDA903><CHILD>&a;</CHILD></EXPSSDA903>',
            "DOCTYPE",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE x SYSTEM "http://example.invalid/x.dtd"><EXPSSDA903/>',
            "DOCTYPE",
        ),
        (b"<EXPSSDA903><CHILD><HEADER><CHILDID>1</CHILDID>", "cut short"),
        (b"<Message><CHILD/></Message>", "top element is <Message>"),
        (b"<Message/>", "top element is <Message>"),
        (
            b'<?xml version="1.0" encoding="UTF-8"?>\n<EXPSSDA903>\n<CHILD><HEADER><CHILDID>\xe9</CHILDID></HEADER></CHILD></EXPSSDA903>',
            "encoding",
        ),
        (b"", "empty"),
        (b"%PDF-1.4 ...", "PDF"),
        (b"\xd0\xcf\x11\xe0 old excel", ".xls"),
    ],
)
def test_hostile_or_wrong_xml_gets_a_clear_message(data: bytes, says: str) -> None:
    result = read_return(data)
    assert result.tables is None and result.failure is not None
    assert says in result.failure.message


def test_encoding_failure_names_the_line() -> None:
    data = b'<?xml version="1.0" encoding="UTF-8"?>\n<EXPSSDA903>\n<CHILD><HEADER><CHILDID>\xe9</CHILDID></HEADER></CHILD></EXPSSDA903>'
    result = read_return(data)
    assert result.failure is not None and result.failure.line == 3


def test_files_over_the_limit_are_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "big.xml"
    path.write_bytes(XML)
    result = read_return(path, max_bytes=100)
    assert result.failure is not None and "limit" in result.failure.message


def test_csv_set_recognised_by_columns_whatever_the_file_names(tmp_path: Path) -> None:
    (tmp_path / "903_eps_2025.csv").write_text(
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
        "C1,01/04/2024,S,C2,N1,U4,PR1,01/06/2024,X1,CARPL,SW1A 2AA,SW1A 1AA,SC123456\n"
        "\n"
        'C1,01/06/2024,P,C2,N1,K2,PR4,,,,"SW1A 2AA",,\n'
    )
    (tmp_path / "kids.csv").write_text(
        "\ufeffCHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nC1,1,01/02/2010,WBRI,,,\n"
    )
    result = read_return(tmp_path)
    assert result.ok and result.format == "csv" and result.notes == []
    t = result.tables
    assert t is not None
    assert t["Episodes"]["PLACE"].to_list() == ["U4", "K2"]
    assert t["Episodes"]["_line"].to_list() == [2, 4]
    assert t["Episodes"]["_cell"].to_list() == ["903_eps_2025.csv!A2", "903_eps_2025.csv!A4"]
    assert t["Header"]["CHILD"].to_list() == ["C1"]
    assert t["Reviews"].is_empty()
    # The same set as a list of files and as a zip archive.
    listed = read_return(sorted(tmp_path.iterdir()))
    assert listed.tables is not None and listed.tables["Episodes"].equals(t["Episodes"])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for p in tmp_path.iterdir():
            zf.write(p, f"return/{p.name}")
    zipped = read_return(buf.getvalue())
    assert zipped.tables is not None
    assert zipped.tables["Episodes"].drop("_cell").equals(t["Episodes"].drop("_cell"))


def test_dfe_fake_csv_set_reads_every_table() -> None:
    result = read_return(FAKE)
    t = result.tables
    assert t is not None
    heights = {name: t[name].height for name in TABLE_NAMES}
    assert heights["Header"] == 2675 and heights["Episodes"] == 5050
    assert heights["Reviews"] == 12582 and heights["SWEpisodes"] == 1 and heights["DoLo"] == 1
    # placed_for_adoption_errors.csv is a second PlacedAdoption file: added, and said so.
    assert heights["PlacedAdoption"] == 29 + 30
    assert [(n.kind, n.place) for n in result.notes] == [
        ("repeated_table", "placed_for_adoption_errors.csv")
    ]


def test_unknown_and_missing_columns_are_notes(tmp_path: Path) -> None:
    (tmp_path / "e.csv").write_text(
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,HOME_POST,PL_POST,URN,NOTES\n"
        "C1,01/04/2024,S,C2,N1,U4,PR1,,,,,,hello\n"
    )
    result = read_return(tmp_path / "e.csv")
    t = result.tables
    assert t is not None
    assert sorted((n.kind, n.element) for n in result.notes) == [
        ("missing_column", "REASON_PLACE_CHANGE"),
        ("unknown_column", "NOTES"),
    ]
    assert t["Episodes"]["REASON_PLACE_CHANGE"].to_list() == [None]


def test_a_file_matching_no_table_is_a_note_and_no_table_at_all_a_failure(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text(
        "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nC1,1,01/01/2010,WBRI,,,\n"
    )
    (tmp_path / "b.csv").write_text("NAME,AGE\nx,1\n")
    result = read_return(tmp_path)
    assert result.ok and [(n.kind, n.place) for n in result.notes] == [
        ("unrecognised_file", "b.csv")
    ]
    alone = read_return(tmp_path / "b.csv")
    assert alone.failure is not None and "None of the files" in alone.failure.message


def test_windows_1252_csv_is_read_with_a_note_naming_the_line(tmp_path: Path) -> None:
    (tmp_path / "h.csv").write_bytes(
        b"CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nC1,1,01/01/2010,WBRI,,,\nC\xe92,1,01/01/2010,WBRI,,,\n"
    )
    result = read_return(tmp_path / "h.csv")
    assert result.tables is not None and result.tables["Header"]["CHILD"].to_list() == ["C1", "Cé2"]
    assert [(n.kind, n.line) for n in result.notes] == [("encoding", 3)]


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ("\ufeffCHILD,SEX".encode("utf-16"), "UTF-16"),
        (b"CHILD;SEX;DOB\n1;2;3\n", "semicolons"),
        (b"CHILD,SEX\x00,DOB\n", "binary"),
        (b'CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"C1,1\n', "well-formed"),
    ],
)
def test_bad_csv_gets_a_clear_message(tmp_path: Path, data: bytes, says: str) -> None:
    (tmp_path / "x.csv").write_bytes(data)
    result = read_return(tmp_path / "x.csv")
    assert result.failure is not None and says in result.failure.message, result.failure


def test_zip_bomb_is_refused_before_inflating() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("episodes.csv", b"CHILD," + b"A" * (50 * 1024 * 1024))
    result = read_return(buf.getvalue())
    assert result.failure is not None and "times its packed size" in result.failure.message


def test_a_number_cell_no_spreadsheet_program_writes_is_a_clear_failure(tmp_path: Path) -> None:
    """INF in a number cell (openpyxl cannot read it): a message naming the sheet and row."""
    import openpyxl

    from csww.cla.read.layout import layout
    from tests.xlsx_parts import replace_in_sheet

    table = layout().names[0]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = table
    ws.append(["CHILD", "SEX"])
    ws.append([1234567, 1])
    path = tmp_path / "903.xlsx"
    wb.save(path)
    replace_in_sheet(path, b"<v>1234567</v>", b"<v>INF</v>")
    result = read_return(path)
    assert result.failure is not None
    assert f"Sheet '{table}' holds a number that cannot be read" in result.failure.message
    assert "row 2" in result.failure.message
