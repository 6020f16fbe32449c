"""The census day: the date whose position the return records.

The guide ("Introduction"): "The count date for this collection is the 30 September 2017. If
this date falls on a non-working day for your local authority, please record the position as
at the last working day of September." So when 30 September is a Saturday or a Sunday (2017,
2023 and 2028 a Saturday; 2018 and 2029 a Sunday) the position is that of the Friday before.

The header's Reference Date and the collection year's bounds stay 30 September; only what
"on the census day" means (who is still in post, absent, holding cases) moves.
"""

from __future__ import annotations

from datetime import date, timedelta

SATURDAY = 5


def census_date(year: int) -> date:
    """30 September of ``year``, or the last weekday before it when it falls at a weekend."""
    day = date(year, 9, 30)
    while day.weekday() >= SATURDAY:
        day -= timedelta(days=1)
    return day
