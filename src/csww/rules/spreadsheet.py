"""Rules for reading a spreadsheet (950–961): a cell whose value could not be turned into
an item's XML text without guessing, a number with more decimal places than its item allows,
and a column that is not the template's. The value is kept as written; these rules say what
the spreadsheet did and how to put it right, in place of the item's own format rule (one
problem, one issue: see :mod:`csww.sheets.validate`).

A formula whose last calculated value is stored is read as that value, like any other cell
(the generated XML holds the value, so a later recalculation cannot change the return).

``{name}`` in a message is the item's name as the guide writes it (for 960Q, the column's
heading); ``{places}`` the decimal places the item allows.
"""

from __future__ import annotations

from csww.rules.notes import NOTES, noted
from csww.rules.registry import RULES, declare

SECTION = "Returning data (XML generator: an Excel template turned into XML)"

NOT_A_LISTED_VALUE = declare(
    "950",
    "error",
    "{name}: the value is neither a code nor a label from the item's list, so it was kept as written. Choose from the cell's dropdown or type the code.",
    items=(),
    section=SECTION,
    scope="structure",
    check=noted("not_listed", "cell"),
    table=NOTES,
)
UNREADABLE_DATE = declare(
    "951",
    "error",
    "{name}: the value could not be read as a date, so it was kept as written. Type the date as YYYY-MM-DD or DD/MM/YYYY, with a four-digit year.",
    items=(),
    section=SECTION,
    scope="structure",
    check=noted("unreadable_date", "cell"),
    table=NOTES,
)
NUMBER_FOR_DATE = declare(
    "952",
    "error",
    "{name}: the cell holds a plain number where a date is expected (the cell may have lost its date format), so it was kept as written. Type the date as YYYY-MM-DD.",
    items=(),
    section=SECTION,
    scope="structure",
    check=noted("number_for_date", "cell"),
    table=NOTES,
)
TRUE_OR_FALSE = declare(
    "953",
    "error",
    "{name}: the cell holds TRUE or FALSE, so it was kept as written. Type the item's code instead (for example 1 for Yes, 0 for No).",
    items=(),
    section=SECTION,
    scope="structure",
    check=noted("true_or_false", "cell"),
    table=NOTES,
)
DATE_FOR_NON_DATE = declare(
    "954",
    "error",
    "{name}: the cell holds a date or a time but this item is not a date (the spreadsheet may have turned what was typed into a date), so it was kept as written. Format the column as Text and type the value again.",
    items=(),
    section=SECTION,
    scope="structure",
    check=noted("date_for_non_date", "cell"),
    table=NOTES,
)
TIME_IN_DATE = declare(
    "955",
    "error",
    "{name}: the date carries a time of day, so it was kept as written. Give the date only.",
    items=(),
    section=SECTION,
    scope="structure",
    check=noted("time_in_date", "cell"),
    table=NOTES,
)
UNREADABLE_DATETIME = declare(
    "957",
    "error",
    "{name}: the value could not be read as a date and time, so it was kept as written. Type it as YYYY-MM-DD hh:mm:ss, or leave it blank to have it filled in.",
    items=(),
    section=SECTION,
    scope="structure",
    check=noted("unreadable_datetime", "cell"),
    table=NOTES,
)
NOT_UTF8 = declare(
    "958Q",
    "query",
    "Please check: the CSV file is not UTF-8, so it was read as Windows-1252 (the encoding of Excel's plain 'CSV' format). Check names with accented letters, or save the file as 'CSV UTF-8'.",
    items=(),
    section=SECTION,
    scope="structure",
    check=noted("not_utf8", "file"),
    table=NOTES,
)
CELL_ERROR = declare(
    "959",
    "error",
    "{name}: the cell holds a spreadsheet error value (such as #N/A or #VALUE!), so it was kept as written. Correct the cell.",
    items=(),
    section=SECTION,
    scope="structure",
    check=noted("cell_error", "cell"),
    table=NOTES,
)

IGNORED_COLUMN = declare(
    "960Q",
    "query",
    "Please check: the column headed '{name}' is not a data item of the template, so it was ignored and its values are not in the return. If it is an item's column that was renamed, give it back its heading from the template; if it is a column of your own (names, notes), delete it or explain it with a note.",
    items=(),
    section=SECTION,
    scope="structure",
    check=noted("ignored_column", "sheet"),
    table=NOTES,
)
TOO_PRECISE = declare(
    "961",
    "error",
    "{name}: the value has more decimal places than the item allows (at most {places}), as a formula such as =30/37 gives. Round it: type the value with no more decimal places than that, or wrap the formula in ROUND, for example =ROUND(30/37,{places}).",
    items=(),
    section=f"{SECTION}; Data items (the item's format)",
    scope="structure",
    check=noted("too_precise", "cell"),
    table=NOTES,
)

SHEET_RULES = tuple(
    r.id
    for r in (
        NOT_A_LISTED_VALUE,
        UNREADABLE_DATE,
        NUMBER_FOR_DATE,
        TRUE_OR_FALSE,
        DATE_FOR_NON_DATE,
        TIME_IN_DATE,
        UNREADABLE_DATETIME,
        NOT_UTF8,
        CELL_ERROR,
        IGNORED_COLUMN,
        TOO_PRECISE,
    )
)


def message(rule_id: str, name: str, **fields: object) -> str:
    """The rule's message with the item's (or column's) name and any other ``{field}``."""
    text = RULES[rule_id].message.replace("{name}", name)
    for key, value in fields.items():
        text = text.replace("{" + key + "}", str(value))
    return text
