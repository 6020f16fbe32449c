"""Rules for reading a spreadsheet (950–989): a cell whose value could not be turned into
an item's XML text without guessing. The value is kept as written, so the item's own format
rule fires too; these rules say what the spreadsheet did and how to put it right.

``{name}`` in a message is the item's name as the guide writes it.
"""

from __future__ import annotations

from csww.rules.registry import RULES, declare

SECTION = "Returning data (XML generator: an Excel template turned into XML)"

declare(
    "950",
    "error",
    "{name}: the value is neither a code nor a label from the item's list, so it was kept as written. Choose from the cell's dropdown or type the code.",
    fields=(),
    section=SECTION,
    scope="structure",
)
declare(
    "951",
    "error",
    "{name}: the value could not be read as a date, so it was kept as written. Type the date as YYYY-MM-DD or DD/MM/YYYY, with a four-digit year.",
    fields=(),
    section=SECTION,
    scope="structure",
)
declare(
    "952",
    "error",
    "{name}: the cell holds a plain number where a date is expected (the cell may have lost its date format), so it was kept as written. Type the date as YYYY-MM-DD.",
    fields=(),
    section=SECTION,
    scope="structure",
)
declare(
    "953",
    "error",
    "{name}: the cell holds TRUE or FALSE, so it was kept as written. Type the item's code instead (for example 1 for Yes, 0 for No).",
    fields=(),
    section=SECTION,
    scope="structure",
)
declare(
    "954",
    "error",
    "{name}: the cell holds a date or a time but this item is not a date (the spreadsheet may have turned what was typed into a date), so it was kept as written. Format the column as Text and type the value again.",
    fields=(),
    section=SECTION,
    scope="structure",
)
declare(
    "955",
    "error",
    "{name}: the date carries a time of day, so it was kept as written. Give the date only.",
    fields=(),
    section=SECTION,
    scope="structure",
)
declare(
    "956Q",
    "query",
    "Please check: {name}: the cell holds a formula, so its last calculated value was used. Replace the formula with its value (Paste Special, Values) so the return cannot change when the workbook is recalculated.",
    fields=(),
    section=SECTION,
    scope="structure",
)
declare(
    "957",
    "error",
    "{name}: the value could not be read as a date and time, so it was kept as written. Type it as YYYY-MM-DD hh:mm:ss, or leave it blank to have it filled in.",
    fields=(),
    section=SECTION,
    scope="structure",
)
declare(
    "958Q",
    "query",
    "Please check: the CSV file is not UTF-8, so it was read as Windows-1252 (the encoding of Excel's plain 'CSV' format). Check names with accented letters, or save the file as 'CSV UTF-8'.",
    fields=(),
    section=SECTION,
    scope="structure",
)
declare(
    "959",
    "error",
    "{name}: the cell holds a spreadsheet error value (such as #N/A or #VALUE!), so it was kept as written. Correct the cell.",
    fields=(),
    section=SECTION,
    scope="structure",
)

SHEET_RULES = ("950", "951", "952", "953", "954", "955", "956Q", "957", "958Q", "959")


def message(rule_id: str, name: str) -> str:
    return RULES[rule_id].message.replace("{name}", name)
