"""Turning what a spreadsheet cell holds into the text of an XML item.

A cell may hold text, a number, a real Excel date, TRUE/FALSE or an error value. Each is
turned into the text the COLLECT XML wants where that can be done without guessing: a code
from its label, a UK date into YYYY-MM-DD, a stored number into the shortest decimal text
that is faithful to what was typed. Where it cannot, the value is kept as written and the
reading names the rule that says why, so the item's own format rule fires as well and the
LA sees both what went wrong and what to do. Nothing is blanked, rounded or dropped.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from csww.rules.notes import reading_rule
from csww.spec import Item, Spec

# Excel keeps at most 15 significant digits of anything typed; a stored double's 16th and
# 17th digits are binary artefacts (0.1 + 0.2 is stored as 0.30000000000000004).
EXCEL_DIGITS = 15
SEPARATORS = re.compile(r"\s*[-–—]\s*")
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_YMD = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", re.ASCII)
_DMY = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{2,4})", re.ASCII)
_NAMED = re.compile(
    r"(\d{1,2})(?:st|nd|rd|th)?[\s\-/.]+([a-z]+)\.?,?[\s\-/.]+(\d{2,4})", re.I | re.ASCII
)
_MIDNIGHT = re.compile(r"(.+?)(?:[ T]00:00(?::00(?:\.0+)?)?)")
_CLOCK = re.compile(r"(.+?)[ T](\d{1,2}):(\d{2})(?::(\d{2}))?", re.ASCII)


class CellError(str):
    """An Excel error value such as ``#N/A`` or ``#VALUE!``."""


@dataclass(frozen=True, slots=True)
class Reading:
    """The item text a cell gives, and the rule to report when it could not be converted."""

    text: str
    rule: str | None = None


def readable_rows(
    rows: Iterator[Any], sheet: str, refuse: Callable[[str], Exception]
) -> Iterator[Any]:
    """A sheet's rows from openpyxl (from row 1, every row), or ``refuse(message)`` raised
    at a number cell it cannot read (:func:`unreadable_number`)."""
    done = 0
    while True:
        try:
            row = next(rows, None)
        except (ValueError, OverflowError):
            raise refuse(unreadable_number(sheet, done)) from None
        if row is None:
            return
        done += 1
        yield row


def unreadable_number(sheet: str, after: int) -> str:
    """A number cell no spreadsheet program writes (INF, NaN, thousands of digits), which a
    workbook made by another program can hold; ``after``: the last row read (0: none)."""
    where = f"row {after + 1} or the next row holding values" if after else "its first rows"
    return (
        f"Sheet '{sheet}' holds a number that cannot be read (such as INF, NaN or a number "
        f"thousands of digits long) in {where}: the workbook was probably made by another "
        "program. Open it in Excel or LibreOffice, correct that number, save it, and try again."
    )


def number_text(value: int | float) -> str:
    """The shortest decimal text faithful to a stored number: never exponent notation,
    never more digits than Excel keeps, never fewer than were typed; zeros kept as 0."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        return str(value)
    if value == 0:
        return "0"
    text = repr(value)
    if "e" not in text and len(text.lstrip("-").replace(".", "").lstrip("0")) <= EXCEL_DIGITS:
        return text[:-2] if text.endswith(".0") else text  # repr is already the shortest
    digits = Decimal(text).as_tuple().digits
    if len(digits) > EXCEL_DIGITS:
        text = format(value, f".{EXCEL_DIGITS}g")
    plain = format(Decimal(text), "f")
    if "." in plain:
        plain = plain.rstrip("0").rstrip(".")
    return plain


_ANSWERS = ("yes", "no")


def spellings(codes: dict[str, str]) -> dict[str, list[str]]:
    """Short answers a code may also be typed as, beyond its code and its label: a label
    that begins with Yes or No ("Yes (agency worker)") may be typed Yes, Y, No or N, in any
    case. The Guidance sheet shows the same spellings, so it cannot promise another."""
    out: dict[str, list[str]] = {}
    for code, label in codes.items():
        head = label.split("(")[0].strip()
        if head.casefold() in _ANSWERS:
            out[code] = [head, head[0]]
    heads = [s.casefold() for found in out.values() for s in found]
    return {c: s for c, s in out.items() if all(heads.count(x.casefold()) == 1 for x in s)}


class _CodeIndex:
    """Lookups for one code list, built once: by code, by folded code, by folded label (and
    by the short answers of :func:`spellings`)."""

    def __init__(self, codes: dict[str, str]) -> None:
        self.codes = codes
        self.by_code = {code.casefold(): code for code in codes}
        by_label: dict[str, list[str]] = {}
        for code, label in codes.items():
            by_label.setdefault(_fold_label(label), []).append(code)
        for code, short in spellings(codes).items():
            for text in short:
                found = by_label.setdefault(_fold_label(text), [])
                if code not in found:
                    found.append(code)
        self.by_label = {label: found[0] for label, found in by_label.items() if len(found) == 1}
        self.folded = {code: _fold_label(label) for code, label in codes.items()}
        self.memo: dict[str, str | None] = {}  # a column repeats the same few choices


_INDEXES: dict[int, _CodeIndex] = {}


def _index(codes: dict[str, str]) -> _CodeIndex:
    index = _INDEXES.get(id(codes))
    if index is None or index.codes is not codes:
        index = _INDEXES[id(codes)] = _CodeIndex(codes)
    return index


def match_code(text: str, codes: dict[str, str]) -> str | None:
    """The code ``text`` names: the code itself, its label, or "code – label"; any case."""
    if text in codes:
        return text
    index = _index(codes)
    if text in index.memo:
        return index.memo[text]
    found = _match(text, index)
    if len(index.memo) < 10_000:
        index.memo[text] = found
    return found


def _match(text: str, index: _CodeIndex) -> str | None:
    folded = text.casefold()
    if folded in index.by_code:
        return index.by_code[folded]
    label = _fold_label(text)
    if label in index.by_label:
        return index.by_label[label]
    m = SEPARATORS.search(text)
    if m is not None:
        named = index.by_code.get(text[: m.start()].casefold())
        if named is not None and _fold_label(text[m.end() :]) == index.folded[named]:
            return named
    return None


def _fold_label(text: str) -> str:
    return " ".join(SEPARATORS.sub(" - ", text).casefold().split())


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def text_date(text: str) -> str | None:
    """A date typed as text in a common UK form, as YYYY-MM-DD; None when not sure."""
    midnight = _MIDNIGHT.fullmatch(text)
    if midnight is not None:
        text = midnight[1]
    if _ISO.fullmatch(text):
        return text
    m = _YMD.fullmatch(text)
    if m is not None:
        return _iso(int(m[1]), int(m[2]), int(m[3]))
    m = _DMY.fullmatch(text)
    if m is not None:
        return _iso(int(m[3]), int(m[2]), int(m[1])) if len(m[3]) == 4 else None
    m = _NAMED.fullmatch(text)
    if m is not None and m[2].casefold() in MONTHS and len(m[3]) == 4:
        return _iso(int(m[3]), MONTHS[m[2].casefold()], int(m[1]))
    return None


def text_datetime(text: str) -> str | None:
    """A date and time typed as text, as CCYY-MM-DDThh:mm:ss; None when not sure."""
    m = _CLOCK.fullmatch(text)
    if m is None:
        return None
    day = text_date(m[1])
    hour, minute, second = int(m[2]), int(m[3]), int(m[4] or 0)
    if day is None or hour > 23 or minute > 59 or second > 59:
        return None
    return f"{day}T{hour:02d}:{minute:02d}:{second:02d}"


def _stamp(value: datetime) -> str:
    """A real Excel date-time as ISO text, to the millisecond Excel keeps."""
    micro = round(value.microsecond / 1000) * 1000
    value = value.replace(microsecond=0) + timedelta(microseconds=micro)
    if value.microsecond:
        return value.isoformat(timespec="milliseconds")
    return value.isoformat(timespec="seconds")


def read_text(text: str, item: Item | None, spec: Spec) -> Reading:
    """Text in a cell (already stripped and not empty) as the item's XML text."""
    if item is None:
        return Reading(text)
    kind = item.type
    if kind == "code" or kind == "la_code":
        codes = spec.codes(item) if kind == "code" else spec.la_codes
        code = match_code(text, codes)
        if code is not None:
            return Reading(code)
        # A code-like value that is simply not in the list is the format rule's business;
        # only text written as a label (or "code – label") is a conversion that failed.
        longest = max((len(c) for c in codes), default=0)
        tried = len(text) > longest or " " in text or SEPARATORS.search(text) is not None
        return Reading(text, reading_rule("not_listed") if tried else None)
    if kind == "date":
        day = text_date(text)
        return Reading(day) if day is not None else Reading(text, reading_rule("unreadable_date"))
    if kind == "datetime":
        if re.fullmatch(
            r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?", text
        ):
            return Reading(text)
        stamp = text_datetime(text)
        return (
            Reading(stamp)
            if stamp is not None
            else Reading(text, reading_rule("unreadable_datetime"))
        )
    return Reading(text)


def read_cell(value: object, item: Item | None, spec: Spec) -> Reading | None:
    """What a cell holds as the item's XML text; None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, CellError):
        return Reading(str(value), reading_rule("cell_error"))
    if isinstance(value, str):
        text = value.strip()
        return read_text(text, item, spec) if text else None
    if isinstance(value, bool):
        return Reading(
            "TRUE" if value else "FALSE",
            reading_rule("true_or_false") if item is not None else None,
        )
    if isinstance(value, int | float):
        text = number_text(value)
        if item is None:
            return Reading(text)
        if item.type in ("date", "datetime"):
            return Reading(text, reading_rule("number_for_date"))
        return read_text(text, item, spec)
    if isinstance(value, datetime | date):
        moment = (
            value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
        )
        if item is not None and item.type == "datetime":
            return Reading(_stamp(moment))
        midnight = moment.time() == time(0)
        text = moment.date().isoformat() if midnight else _stamp(moment)
        if item is None:
            return Reading(text)
        if item.type == "date":
            return Reading(text) if midnight else Reading(text, reading_rule("time_in_date"))
        return Reading(text, reading_rule("date_for_non_date"))
    if isinstance(value, time | timedelta):
        return Reading(str(value), reading_rule("date_for_non_date") if item is not None else None)
    return Reading(str(value).strip(), None)
