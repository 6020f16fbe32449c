"""Cell values into item text: what converts, what is kept as written and reported."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from csww.sheets.values import CellError, Reading, match_code, number_text, read_cell, text_date
from csww.spec import load_spec

SPEC = load_spec(2018)
W = SPEC.worker


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (0.0, "0"),
        (-0.0, "0"),
        (1, "1"),
        (1.0, "1"),
        (0.5, "0.5"),
        (0.1 + 0.2, "0.3"),
        (0.7 * 3, "2.1"),
        (1.1 * 1.1, "1.21"),
        (0.123456, "0.123456"),
        (0.1234567, "0.1234567"),
        (123456789012345.0, "123456789012345"),
        (1e-7, "0.0000001"),
        (2.5e20, "250000000000000000000"),
        (18, "18"),
        (-3.25, "-3.25"),
    ],
)
def test_number_text_is_the_shortest_faithful_decimal(value: float, text: str) -> None:
    assert number_text(value) == text


@given(st.decimals(min_value=-10000, max_value=10000, places=6, allow_nan=False))
def test_number_text_never_loses_digits_that_were_typed(typed: Decimal) -> None:
    # What a user types has at most 15 significant digits; the stored double must give it back.
    assert Decimal(number_text(float(typed))) == typed


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("1", "1"),
        ("Male", "1"),
        ("male", "1"),
        ("  FEMALE ", "2"),
        ("1 – Male", "1"),
        ("1 - male", "1"),
        ("1—Male", "1"),
        ("1 – Female", None),  # code and label disagree: never guess which was meant
        ("3", None),
        ("M", None),
    ],
)
def test_codes_from_code_label_or_both(text: str, code: str | None) -> None:
    assert match_code(text, SPEC.codes(W["GenderCurrent"])) == code


def test_ethnicity_labels_with_hyphens_and_lower_case_codes() -> None:
    codes = SPEC.codes(W["Ethnicity"])
    assert match_code("White - British", codes) == "WBRI"
    assert match_code("WBRI – White - British", codes) == "WBRI"
    assert match_code("wbri", codes) == "WBRI"
    assert match_code("White", codes) is None


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2017-03-31", "2017-03-31"),
        ("31/03/2017", "2017-03-31"),
        ("31-03-2017", "2017-03-31"),
        ("31.03.2017", "2017-03-31"),
        ("1/3/2017", "2017-03-01"),
        ("31 March 2017", "2017-03-31"),
        ("31 Mar 2017", "2017-03-31"),
        ("31-Mar-2017", "2017-03-31"),
        ("1st September 2016", "2016-09-01"),
        ("30 Sept 2017", "2017-09-30"),
        ("2017/03/31", "2017-03-31"),
        ("2017-3-1", "2017-03-01"),
        ("31/03/2017 00:00:00", "2017-03-31"),
        ("31/03/17", None),  # a two-digit year: the century would be a guess
        ("31/02/2017", None),
        ("03/31/2017", None),  # American order is not a UK date
        ("31 Smarch 2017", None),
        ("yesterday", None),
    ],
)
def test_uk_dates_typed_as_text(text: str, iso: str | None) -> None:
    assert text_date(text) == iso


@pytest.mark.parametrize(
    ("element", "value", "reading"),
    [
        ("FTE", 0, Reading("0")),
        ("FTE", "0.50", Reading("0.50")),  # a number stored as text keeps its digits
        ("FTE", "  1 ", Reading("1")),
        ("FTE", 0.1 + 0.2, Reading("0.3")),
        ("Cases30", 18.0, Reading("18")),
        ("GenderCurrent", 1, Reading("1")),
        ("GenderCurrent", "Female", Reading("2")),
        ("GenderCurrent", "Mail", Reading("Mail", "950")),
        ("GenderCurrent", "9", Reading("9")),  # code-like, not in the list: the format rule's
        ("GenderCurrent", True, Reading("TRUE", "953")),
        ("StartOrigin", 10, Reading("10")),
        ("Ethnicity", "Any Other White Background", Reading("WOTH")),
        ("PersonBirthDate", datetime(1980, 5, 17), Reading("1980-05-17")),
        ("PersonBirthDate", date(1980, 5, 17), Reading("1980-05-17")),
        ("PersonBirthDate", "17/05/1980", Reading("1980-05-17")),
        ("PersonBirthDate", "17/05/80", Reading("17/05/80", "951")),
        ("PersonBirthDate", 29358, Reading("29358", "952")),
        ("PersonBirthDate", datetime(1980, 5, 17, 9, 30), Reading("1980-05-17T09:30:00", "955")),
        ("GenderCurrent", datetime(2017, 1, 2), Reading("2017-01-02", "954")),
        ("FTE", time(12, 0), Reading("12:00:00", "954")),
        ("Cases30", CellError("#N/A"), Reading("#N/A", "959")),
        ("SWENo", "SW123456", Reading("SW123456")),
        ("SWENo", " sw 123 ", Reading("sw 123")),
        ("FTE", "", None),
        ("FTE", "   ", None),
        ("FTE", None, None),
    ],
)
def test_read_cell(element: str, value: object, reading: Reading | None) -> None:
    assert read_cell(value, W[element], SPEC) == reading


def test_header_items() -> None:
    h = SPEC.header
    assert read_cell("302 – Barnet", h["LEA"], SPEC) == Reading("302")
    assert read_cell(302, h["LEA"], SPEC) == Reading("302")
    assert read_cell("barnet", h["LEA"], SPEC) == Reading("302")
    assert read_cell("999", h["LEA"], SPEC) == Reading("999")
    assert read_cell(datetime(2018, 10, 15, 10, 30), h["DateTime"], SPEC) == Reading(
        "2018-10-15T10:30:00"
    )
    assert read_cell(datetime(2018, 10, 15, 10, 29, 59, 999600), h["DateTime"], SPEC) == Reading(
        "2018-10-15T10:30:00"
    )
    assert read_cell("15/10/2018 10:30", h["DateTime"], SPEC) == Reading("2018-10-15T10:30:00")
    assert read_cell("2018-10-15 10:30:00", h["DateTime"], SPEC) == Reading("2018-10-15 10:30:00")
    assert read_cell("teatime", h["DateTime"], SPEC) == Reading("teatime", "957")
    assert read_cell(2018, h["Year"], SPEC) == Reading("2018")
