"""docs/spreadsheets.md stays in step with the code: every spreadsheet rule, every
bad-spreadsheet message and every command is documented, and the picture is there."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from csww.rules.spreadsheet import SHEET_RULES
from tests.sheets.test_bad_sheets import CASES

DOCS = Path(__file__).resolve().parents[2] / "docs"
TEXT = (DOCS / "spreadsheets.md").read_text(encoding="utf-8")
# Cases whose message differs from a documented one only in the column or file named.
VARIANTS: dict[str, str] = {}


def test_every_spreadsheet_rule_is_documented() -> None:
    documented = set(re.findall(r"^\| (9[5-8]\dQ?) \|", TEXT, re.M))
    assert documented == set(SHEET_RULES)


@pytest.mark.parametrize(("case", "phrase"), [(c, p) for c, _m, p in CASES if c not in VARIANTS])
def test_every_bad_spreadsheet_message_is_documented(case: str, phrase: str) -> None:
    assert phrase in TEXT, f"docs/spreadsheets.md does not show the message for: {case}"


def test_commands_and_picture() -> None:
    for command in (
        "csww template",
        "csww generate",
        "csww convert",
        "--format xlsx",
        "--strict",
        "--csv DIR",
    ):
        assert command in TEXT
    picture = re.search(r"!\[[^\]]*\]\((images/highlighted-workbook\.png)\)", TEXT)
    assert picture and (DOCS / picture[1]).read_bytes().startswith(b"\x89PNG")
