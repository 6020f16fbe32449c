"""Typed readings of the text an LA supplied. Each parser returns ``None`` for text it
cannot read; the rule that owns the item says why, so parsing itself never raises."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime

# ASCII digits only: XML Schema numbers and dates never use other scripts' digits, and
# Python would otherwise read "١" as 1.
_DECIMAL = re.compile(r"[+-]?(\d+)(?:\.(\d*))?|[+-]?\.(\d+)", re.ASCII)
_INTEGER = re.compile(r"[+-]?\d+", re.ASCII)
# xs:date allows a time zone after the date ("2010-01-04Z", "2010-01-04+01:00"); the date is
# the calendar day as written.
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:Z|[+-]\d{2}:\d{2})?", re.ASCII)
_DATETIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?",
    re.ASCII,
)


def parse_decimal(text: str | None) -> float | None:
    if not text or _DECIMAL.fullmatch(text) is None:
        return None
    return float(text)


def decimal_places(text: str) -> int:
    """Digits after the decimal point as written ("1.50" has 2)."""
    point = text.find(".")
    return 0 if point < 0 else len(text) - point - 1


def places_text(places: int | None) -> str:
    """An item's precision in words: "1 decimal place", "2 decimal places" (None: no limit)."""
    if places is None:
        return "any number of decimal places"
    return f"{places} decimal place{'' if places == 1 else 's'}"


def parse_integer(text: str | None) -> int | None:
    if not text or _INTEGER.fullmatch(text) is None:
        return None
    try:
        return int(text)
    except ValueError:  # more digits than Python reads as a number (4,300): no count has
        return None


def parse_date(text: str | None) -> date | None:
    if not text:
        return None
    m = _DATE.fullmatch(text)
    if m is None:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def impossible_date(text: str | None) -> str | None:
    """Why text written as a date (YYYY-MM-DD) names no day of the calendar, in words; None
    when the text is not written that way or is a real date. "1999-13-01" has the right
    shape, so saying how to write a date would not help: the month is what is wrong."""
    m = _DATE.match(text or "")
    if m is None or parse_date(m[0]) is not None:
        return None
    year, month, day = int(m[1]), int(m[2]), int(m[3])
    if not 1 <= month <= 12:
        return f"there is no month {month} (months run from 01 to 12)"
    if day == 0:
        return "there is no day 00"
    if year == 0:
        return "there is no year 0000"
    last = calendar.monthrange(year, month)[1]
    month_name = date(2000, month, 1).strftime("%B")
    return f"{month_name} {year} has {last} days, so there is no day {day}"


def parse_datetime(text: str | None) -> datetime | None:
    if not text:
        return None
    m = _DATETIME.fullmatch(text)
    if m is None:
        return None
    try:
        return datetime(int(m[1]), int(m[2]), int(m[3]), int(m[4]), int(m[5]), int(m[6]))
    except ValueError:
        return None


def years_between(earlier: date, later: date) -> int:
    """Whole years from ``earlier`` to ``later`` (an age)."""
    return later.year - earlier.year - ((later.month, later.day) < (earlier.month, earlier.day))


def is_year(text: str) -> bool:
    """Four ASCII digits."""
    return len(text) == 4 and text.isascii() and text.isdigit()
